/* Clerk's desk: sign in, pick a window, call and serve, set whereabouts. */
(function () {
  'use strict';
  var $ = Y.$, setText = Y.setText;
  var me = null, hall = null, win = null, state = null, busy = false, board = null, refetch = null;
  var KEY = 'yimen.clerk.window';

  function show(section) {
    var all = ['login', 'pick', 'desk'];
    for (var i = 0; i < all.length; i++) { $(all[i]).hidden = all[i] !== section; }
  }

  var errTimer = null;
  function error(err) {
    var e = $('error');
    var text = typeof err === 'string' ? err : err.message;
    if (err && err.code && err.code !== 'network') { text += '（' + err.code + '）'; }
    setText(e, text);
    e.hidden = false;
    clearTimeout(errTimer);
    errTimer = setTimeout(function () { e.hidden = true; }, 8000);
    if (err && err.status === 401) { start(); }
  }
  function clearError() { $('error').hidden = true; }

  function start() {
    Y.api('GET', '/api/me').then(function (r) {
      if (!r.data.staff || !r.data.staff.id) { show('login'); $('staff-id').focus(); return; }
      me = r.data.staff;
      setText($('who'), me.name + '（' + me.id + '）');
      loadHall(function () {
        var saved = null;
        try { saved = localStorage.getItem(KEY); } catch (e) { /* private mode */ }
        // A clerk of one window has nothing to choose.
        if (me.windows.length === 1) { openWindow(me.windows[0]); } else if (saved && me.windows.indexOf(saved) >= 0) { openWindow(saved); } else { pick(); }
      });
      fillStatus(me);
    }, function () {
      me = null;
      setText($('who'), '');
      show('login');
      $('staff-id').focus();
    });
  }

  function loadHall(done) {
    if (hall) { done(); return; }
    Y.api('GET', '/api/hall').then(function (r) { hall = r.data; done(); }, error);
  }

  function windowName(id) {
    for (var i = 0; hall && i < hall.windows.length; i++) { if (hall.windows[i].id === id) { return hall.windows[i].name; } }
    return id + '号窗口';
  }
  function catName(id) {
    for (var i = 0; hall && i < hall.categories.length; i++) { if (hall.categories[i].id === id) { return hall.categories[i].name; } }
    return id;
  }

  function pick() {
    var box = $('windows');
    box.textContent = '';
    for (var i = 0; i < me.windows.length; i++) {
      (function (id) {
        var b = Y.el('button', 'btn big', windowName(id));
        b.type = 'button';
        b.setAttribute('data-window', id);
        b.addEventListener('click', function () { openWindow(id); });
        box.appendChild(b);
      })(me.windows[i]);
    }
    show('pick');
  }

  function openWindow(id) {
    Y.api('POST', '/api/windows/' + encodeURIComponent(id) + '/open').then(function (r) {
      win = id;
      try { localStorage.setItem(KEY, id); } catch (e) { /* ignore */ }
      setText($('win-name'), windowName(id));
      show('desk');
      clearError();
      renderState(r.data);
      if (!board) { board = new Y.Board({ onMessage: onBoard }); }
    }, error);
  }

  function renderState(s) {
    state = s;
    var w = s.window, t = s.ticket;
    setText($('win-name'), w.name);
    setText($('win-state'), (w.state === 'paused' ? '暂停服务' + (w.reason ? '：' + w.reason : '') : Y.windowState[w.state] || w.state) +
      (w.post ? ' · ' + w.post + '岗' : ''));
    $('win-state').className = 'c-state s-' + w.state;
    setText($('cur-num'), t ? t.number : '—');
    setText($('cur-info'), t ? (t.service_name + ' · ' + ({ called: '已叫号，到窗口后按“开始办理”', serving: '办理中' }[t.status] || Y.ticketStatus[t.status] || t.status) + (t.priority ? ' · ' + (t.priority_name || '优先') : '') +
      (t.called_at ? ' · 叫号 ' + t.called_at.slice(11, 16) : '')) : '当前没有号，按“叫号”叫下一位');
    renderQueues();
    renderWaiting(s.waiting || []);
    renderHeld(s.held || []);
    var has = !!t, paused = w.state === 'paused';
    enable('next', !paused);
    enable('recall', has && !paused);
    enable('start', has && t.status === 'called');
    enable('no-show', has);
    enable('transfer', has);
    enable('pause', !paused);
    enable('resume', paused);
    enable('finish', has);
    enable('call', !paused);
    enable('hold', has);
    enable('requeue', true);
  }

  // renderHeld shows the tickets parked here (挂起); a click calls one back.
  function renderHeld(list) {
    var box = $('held-list');
    box.textContent = '';
    for (var i = 0; i < list.length; i++) {
      (function (n) {
        var b = Y.el('button', 'btn', '叫回 ' + n);
        b.type = 'button';
        b.setAttribute('data-held', n);
        b.addEventListener('click', function () { act('call', { number: n }); });
        box.appendChild(b);
      })(list[i].number);
    }
    $('held').hidden = !list.length;
  }

  function enable(act, on) {
    var bs = document.querySelectorAll('[data-act="' + act + '"]');
    for (var i = 0; i < bs.length; i++) { bs[i].disabled = !on || busy; }
  }

  function renderQueues() {
    if (!state) { return; }
    var tb = $('my-queues'), qs = state.queues || [], rows = [], i, q;
    for (i = 0; i < qs.length; i++) {
      q = (board && board.queues[qs[i].category]) || qs[i];
      rows.push(q);
    }
    while (tb.children.length > rows.length) { tb.removeChild(tb.lastChild); }
    for (i = 0; i < rows.length; i++) {
      var tr = tb.children[i];
      if (!tr) {
        tr = Y.el('tr');
        tr.appendChild(Y.el('td')); tr.appendChild(Y.el('td')); tr.appendChild(Y.el('td')); tr.appendChild(Y.el('td'));
        tb.appendChild(tr);
      }
      setText(tr.children[0], rows[i].prefix + ' ' + rows[i].name);
      setText(tr.children[1], rows[i].waiting + ' 人');
      setText(tr.children[2], rows[i].priority ? rows[i].priority + ' 人' : '—');
      setText(tr.children[3], Y.waitText(rows[i]));
    }
  }

  // renderWaiting shows the numbers waiting for this window, in the order
  // it would call them.
  function renderWaiting(list) {
    var box = $('waiting'), i, it, e;
    while (box.children.length > list.length) { box.removeChild(box.lastChild); }
    for (i = 0; i < list.length; i++) {
      it = list[i];
      e = box.children[i];
      if (!e) { e = Y.el('b'); box.appendChild(e); }
      setText(e, it.number);
      e.className = it.appointment ? 'appt' : it.priority ? 'prio' : '';
      e.title = it.appointment ? '预约' : it.priority ? (it.priority_name || '优先') : '';
    }
    if (!list.length) { box.setAttribute('data-empty', '没有人等候'); } else { box.removeAttribute('data-empty'); }
  }

  function mine(msg) {
    if (!state || !msg.queues) { return false; }
    for (var i = 0; i < msg.queues.length; i++) {
      for (var j = 0; j < state.queues.length; j++) {
        if (msg.queues[i].category === state.queues[j].category) { return true; }
      }
    }
    return false;
  }

  function onBoard(msg, b) {
    if (msg.queues) { renderQueues(); }
    // The manager put me at another window (加开窗口): the desk follows.
    var self = me && b.staff[me.id];
    if (self && self.windows) { me.windows = self.windows; }
    if (win && msg.type === 'opened' && self && self.window && self.window !== win) {
      win = self.window;
      try { localStorage.setItem(KEY, win); } catch (e) { /* ignore */ }
      setText($('win-name'), windowName(win));
      clearTimeout(refetch);
      refetch = setTimeout(fetchState, 200);
      return;
    }
    if (win && !busy && mine(msg)) {
      // Someone joined or left my lines: the waiting numbers changed.
      clearTimeout(refetch);
      refetch = setTimeout(fetchState, 200);
    }
    // Something happened at my window that I did not do here (a call pad,
    // the manager): fetch the window's state.
    if (win && (msg.type === 'snapshot' || msg.type === 'day' || (msg.windows && b.windows[win] && msg.window === win && !busy))) {
      clearTimeout(refetch);
      refetch = setTimeout(fetchState, 200);
    }
  }

  function fetchState() {
    if (!win) { return; }
    Y.api('GET', '/api/windows/' + encodeURIComponent(win)).then(function (r) { renderState(r.data); }, error);
  }

  function act(action, body) {
    if (busy || !win) { return; }
    busy = true;
    closeSubs();
    var all = document.querySelectorAll('[data-act]');
    for (var i = 0; i < all.length; i++) { all[i].disabled = true; }
    window.yimenClerk.lastAction = { action: action, at: performance.now() + (performance.timeOrigin || 0) };
    Y.api('POST', '/api/windows/' + encodeURIComponent(win) + '/' + action, body || {}).then(function (r) {
      busy = false;
      clearError();
      if (r.status === 204) {
        renderState(state);
        error('现在没有人在等候');
        return;
      }
      if (action === 'next') { fetchState(); return; }
      renderState(r.data);
    }, function (err) {
      busy = false;
      if (state) { renderState(state); }
      error(err);
    });
  }

  function closeSubs() { $('sub-transfer').hidden = true; $('sub-pause').hidden = true; $('sub-number').hidden = true; }

  // openNumber asks for a number to call (选呼) or to put back (过号重排).
  var numberAct = 'call';
  function openNumber(action, number) {
    closeSubs();
    numberAct = action;
    setText($('number-title'), action === 'call' ? '选呼：叫哪个号？' : '过号重排：哪个号回来了？');
    setText($('number-go'), action === 'call' ? '叫号' : '重排');
    $('number-input').value = number || '';
    $('sub-number').hidden = false;
    $('number-input').focus();
  }
  $('sub-number').addEventListener('submit', function (e) {
    e.preventDefault();
    var n = $('number-input').value.toUpperCase();
    if (n) { act(numberAct, { number: n }); }
  });
  // A number is letters and digits only: the key that opened the chooser
  // (* or -) must not end up in it.
  $('number-input').addEventListener('input', function () {
    var v = this.value.replace(/[^0-9A-Za-z]/g, '');
    if (v !== this.value) { this.value = v; }
  });
  $('waiting').addEventListener('click', function (e) {
    if (e.target && e.target.tagName === 'B') { openNumber('call', e.target.textContent); }
  });

  function openTransfer() {
    var box = $('transfer-cats'), cur = state && state.ticket ? state.ticket.category : '';
    box.textContent = '';
    for (var i = 0; i < hall.categories.length; i++) {
      var c = hall.categories[i];
      if (c.id === cur) { continue; }
      (function (id) {
        var b = Y.el('button', 'btn', c.prefix + ' ' + c.name);
        b.type = 'button';
        b.setAttribute('data-category', id);
        b.addEventListener('click', function () { act('transfer', { category: id }); });
        box.appendChild(b);
      })(c.id);
    }
    box = $('transfer-wins');
    box.textContent = '';
    for (i = 0; i < hall.windows.length; i++) {
      if (hall.windows[i].id === win) { continue; }
      (function (id, name) {
        var b = Y.el('button', 'btn', name);
        b.type = 'button';
        b.setAttribute('data-to-window', id);
        b.addEventListener('click', function () { act('transfer', { window: id }); });
        box.appendChild(b);
      })(hall.windows[i].id, hall.windows[i].name);
    }
    $('sub-pause').hidden = true;
    $('sub-number').hidden = true;
    $('sub-transfer').hidden = false;
  }

  function run(action, outcome) {
    if (action === 'transfer') { openTransfer(); return; }
    if (action === 'pause') { $('sub-transfer').hidden = true; $('sub-pause').hidden = false; return; }
    if (action === 'finish' && outcome === 'promised' && Y.caseIntake) {
      // 承诺件: record the intake first (clerk_cases.js).
      closeSubs();
      Y.caseIntake(state, function (c) { act('finish', { outcome: outcome, 'case': c }); });
      return;
    }
    if (action === 'finish') { act('finish', { outcome: outcome }); return; }
    if (action === 'call' || action === 'requeue') { openNumber(action); return; }
    act(action);
  }

  // buttons
  var bs = document.querySelectorAll('[data-act]');
  for (var i = 0; i < bs.length; i++) {
    bs[i].addEventListener('click', function () { run(this.getAttribute('data-act'), this.getAttribute('data-outcome')); });
  }
  var rs = document.querySelectorAll('[data-reason]');
  for (i = 0; i < rs.length; i++) {
    rs[i].addEventListener('click', function () {
      var reason = this.getAttribute('data-reason') || $('pause-other').value.replace(/^\s+|\s+$/g, '') || '其他';
      act('pause', { reason: reason });
    });
  }
  var cs = document.querySelectorAll('[data-cancel]');
  for (i = 0; i < cs.length; i++) { cs[i].addEventListener('click', closeSubs); }

  // keyboard: 1-9 (or F1-F9) for the buttons, Esc closes a chooser
  var keys = { '0': ['start'], '1': ['next'], '2': ['recall'], '3': ['no-show'], '4': ['transfer'], '5': ['pause'], '6': ['resume'],
    '7': ['finish', 'immediate'], '8': ['finish', 'promised'], '9': ['finish', 'consult'],
    '*': ['call'], '/': ['hold'], '-': ['requeue'] };
  document.addEventListener('keydown', function (e) {
    if ($('desk').hidden) { return; }
    var tag = e.target && e.target.tagName;
    if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') { return; }
    if (e.key === 'Escape' || e.keyCode === 27) { closeSubs(); return; }
    var k = e.key || '';
    if (/^F[1-9]$/.test(k)) { k = k.slice(1); }
    if (k === 'F10') { k = '0'; }
    var a = keys[k];
    if (!a || e.ctrlKey || e.altKey || e.metaKey) { return; }
    e.preventDefault();
    var btn = document.querySelector('[data-act="' + a[0] + '"]' + (a[1] ? '[data-outcome="' + a[1] + '"]' : ''));
    if (btn && !btn.disabled) { run(a[0], a[1]); }
  });

  $('login-form').addEventListener('submit', function (e) {
    e.preventDefault();
    Y.api('POST', '/api/login', { staff: $('staff-id').value.replace(/\s+/g, '').toUpperCase(), pin: $('pin').value }).then(function () {
      $('pin').value = '';
      clearError();
      start();
    }, error);
  });

  function fillStatus(s) {
    $('st-status').value = s.status && s.status !== 'off' ? s.status : 'on_duty';
    $('st-until').value = s.until || '';
    $('st-note').value = s.note || '';
  }
  $('status-form').addEventListener('submit', function (e) {
    e.preventDefault();
    // The daemon reads the time as typed (16：30 from a Chinese input method too).
    var body = { status: $('st-status').value, until: $('st-until').value, note: $('st-note').value };
    Y.api('PUT', '/api/staff/' + encodeURIComponent(me.id) + '/status', body).then(function (r) {
      if (r.data && r.data.until !== undefined) { $('st-until').value = r.data.until || ''; }
      setText($('st-saved'), '已更新');
      setTimeout(function () { setText($('st-saved'), ''); }, 3000);
      if (body.status !== 'on_duty') { fetchState(); }
    }, error);
  });

  $('change-window').addEventListener('click', function () {
    try { localStorage.removeItem(KEY); } catch (e) { /* ignore */ }
    win = null;
    pick();
  });
  $('logout').addEventListener('click', function () {
    var leaving = win;
    win = null;
    var out = function () { Y.api('POST', '/api/logout').then(start, start); };
    if (leaving) { Y.api('POST', '/api/windows/' + encodeURIComponent(leaving) + '/close').then(out, out); } else { out(); }
  });

  window.yimenClerk = { lastAction: null };
  start();
})();
