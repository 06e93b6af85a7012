/* Lobby screen: the call being made, one tile per window, queues, recent
 * calls, the staff whereabouts board and the notices. Built to run for
 * days: every node is made once and reused; lists are bounded. */
(function () {
  'use strict';
  var RECENT = 6;
  var $ = Y.$, setText = Y.setText;
  var callBox = $('call'), callNum = $('call-num'), callWin = $('call-win'), callLabel = $('call-label'),
    callAppt = $('call-appt');

  Y.clock($('clock'));

  // The time each change reached the screen, for the latency measurement.
  var stats = window.yimenDisplay = { lastCall: null, calls: 0 };

  var tiles = Y.keyed($('tiles'), function () {
    var root = Y.el('div', 'tile'), name = Y.el('div', 'tile-name'), num = Y.el('div', 'tile-num'),
      state = Y.el('div', 'tile-state');
    root.appendChild(name); root.appendChild(num); root.appendChild(state);
    return { root: root, name: name, num: num, state: state, cls: '' };
  });
  var queues = Y.keyed($('queues'), function () {
    var root = Y.el('tr'), name = Y.el('td'), n = Y.el('td', 'q-n'), wait = Y.el('td', 'q-w');
    root.appendChild(name); root.appendChild(n); root.appendChild(wait);
    return { root: root, name: name, n: n, wait: wait, cls: '' };
  });
  var staff = Y.keyed($('staff'), function () {
    // Two lines: who, where they work and their whereabouts; then until
    // when and the note, never cut.
    var root = Y.el('div', 'st'), l1 = Y.el('div', 'st-l1'), l2 = Y.el('div', 'st-l2'),
      name = Y.el('span', 'st-name'), win = Y.el('span', 'st-win'),
      status = Y.el('span', 'st-status'), until = Y.el('span', 'st-until'), note = Y.el('span', 'st-note');
    l1.appendChild(name); l1.appendChild(status); l1.appendChild(win);
    l2.appendChild(until); l2.appendChild(note);
    root.appendChild(l1); root.appendChild(l2);
    return { root: root, name: name, win: win, status: status, until: until, note: note, cls: '' };
  });
  // The recent list is a fixed set of rows.
  var recentRows = [], recentBox = $('recent'), i;
  for (i = 0; i < RECENT; i++) {
    var li = Y.el('li'), rn = Y.el('b'), rw = Y.el('span'), ra = Y.el('span', 'd-appt');
    ra.textContent = '预约';
    ra.hidden = true;
    li.appendChild(rn); li.appendChild(ra); li.appendChild(rw);
    recentBox.appendChild(li);
    recentRows.push({ li: li, num: rn, win: rw, appt: ra });
  }

  function setClass(node, el, cls) {
    if (node.cls !== cls) { el.className = cls; node.cls = cls; }
  }

  function renderWindows(b) {
    b.each('windows', function (w) {
      var t = tiles.get(w.id);
      setText(t.name, w.name);
      setText(t.num, w.state === 'called' || w.state === 'serving' ? w.number : '');
      setText(t.state, w.state === 'paused' ? '暂停服务' + (w.reason ? '·' + w.reason : '') : (Y.windowState[w.state] || ''));
      setClass(t, t.root, 'tile tile-' + w.state);
    });
    tiles.keep(b.windowOrder);
  }

  function renderQueues(b) {
    b.each('queues', function (q) {
      var r = queues.get(q.category);
      setText(r.name, q.prefix + ' ' + q.name);
      setText(r.n, q.waiting + ' 人');
      setText(r.wait, Y.waitText(q));
      setClass(r, r.root, q.no_window ? 'q-none' : '');
    });
    queues.keep(b.queueOrder);
  }

  function renderStaff(b) {
    b.each('staff', function (s) {
      var r = staff.get(s.id);
      var w = s.window && b.windows[s.window] ? b.windows[s.window].name : (s.windows && s.windows.length ? s.windows[0] + '号窗口' : '');
      setText(r.name, s.name);
      setText(r.win, w);
      setText(r.status, s.status_name || Y.statusNames[s.status] || s.status);
      var away = s.status !== 'on_duty' && s.status !== 'off';
      setText(r.until, away && s.until ? s.until + '回' : '');
      setText(r.note, away ? s.note : '');
      setClass(r, r.root, 'st st-' + s.status);
    });
    staff.keep(b.staffOrder);
  }

  // recent comes newest first.
  function renderRecent(b) {
    var list = b.recent || [], n, c, row;
    for (n = 0; n < RECENT && n < list.length; n++) {
      c = list[n];
      row = recentRows[n];
      setText(row.num, c.number);
      setText(row.win, c.window_name + (c.recall ? ' 重呼' : ''));
      if (row.appt.hidden === !!c.appointment) { row.appt.hidden = !c.appointment; }
      row.li.style.visibility = 'visible';
    }
    for (; n < RECENT; n++) { recentRows[n].li.style.visibility = 'hidden'; }
  }

  // showLatest puts the newest call still standing in the big box: after a
  // reload, and when a call is withdrawn (the clerk left), it must never
  // keep sending a villager to a window that no longer calls them.
  function showLatest(b) {
    var last = b.recent && b.recent.length ? b.recent[0] : null;
    if (last) { showCall(last.number, last.window_name, last.recall, false, last.appointment); } else { showCall('—', '—', false, false, false); }
  }

  // appt marks a 预约 ticket, so that the hall sees why it goes first.
  function showCall(number, windowName, recall, flash, appt) {
    setText(callNum, number);
    setText(callWin, windowName);
    setText(callLabel, recall ? '再次请' : '请');
    if (callAppt.hidden === !!appt) { callAppt.hidden = !appt; }
    if (flash) {
      callBox.className = 'd-call';
      void callBox.offsetWidth; // restart the animation
      callBox.className = 'd-call flash';
    }
  }

  var notices = [], noticeAt = 0, noticeBox = $('notice-text');
  function nextNotice() {
    if (!notices.length) { setText(noticeBox, ''); return; }
    noticeAt = (noticeAt + 1) % notices.length;
    setText(noticeBox, notices[noticeAt]);
  }
  // One notice scrolls across per cycle of the CSS animation.
  noticeBox.addEventListener('animationiteration', nextNotice);
  noticeBox.addEventListener('webkitAnimationIteration', nextNotice);

  function render(b, msg) {
    var full = msg.type === 'snapshot' || msg.type === 'day' || msg.type === 'hall';
    if (full || msg.windows) { renderWindows(b); }
    if (full || msg.queues) { renderQueues(b); }
    if (full || msg.staff || msg.windows) { renderStaff(b); }
    if (full || msg.call || msg.recent) { renderRecent(b); }
    if (msg.type === 'hall' && window.yimenIssuing) { window.yimenIssuing.check(); }
    if (msg.type === 'snapshot' || msg.type === 'hall') {
      if (b.hall) {
        setText($('hall'), b.hall.name);
        notices = b.hall.notices || [];
        noticeAt = -1;
        nextNotice();
      }
    }
    if (window.yimenLobbySide) { window.yimenLobbySide(b, msg); }
    if (full || msg.type === 'returned') { showLatest(b); }
    if (msg.type === 'called') {
      showCall(msg.number, msg.window_name || (msg.window + '号窗口'), msg.recall, true, !!(msg.call && msg.call.appointment));
      stats.calls++;
      stats.lastCall = { number: msg.number, window: msg.window, recall: !!msg.recall, seq: msg.seq, at: performance.now() + (performance.timeOrigin || 0) };
      window.yimenVoice.announce(msg.number, msg.window, msg.recall);
    }
  }

  var unlock = $('unlock');
  window.yimenVoice.init(function () { unlock.hidden = false; }, function () { unlock.hidden = true; });
  $('unlock-btn').addEventListener('click', function () {
    window.yimenVoice.unlock();
    unlock.hidden = true;
  });

  window.yimenBoard = new Y.Board({ screen: 'screen=lobby', onMessage: function (msg, b) { render(b, msg); } });
})();
