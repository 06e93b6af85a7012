/* Manager's floor view: windows, queues, staff, alarms live; reprints; the
 * daily ledger; the printer's previews. */
(function () {
  'use strict';
  var $ = Y.$, setText = Y.setText;
  var board = null, floorTimer = null;

  function error(err) {
    var e = $('error');
    setText(e, (typeof err === 'string' ? err : err.message) + (err && err.code && err.code !== 'network' ? '（' + err.code + '）' : ''));
    e.hidden = false;
    setTimeout(function () { e.hidden = true; }, 8000);
    if (err && (err.status === 401 || err.status === 403)) { showLogin(); }
  }

  function showLogin() {
    $('floor').hidden = true;
    $('logout').hidden = true;
    $('login').hidden = false;
    $('password').focus();
  }

  function cell(tr, i, text, cls) {
    var td = tr.children[i];
    setText(td, text);
    if (cls !== undefined && td.className !== cls) { td.className = cls; }
  }
  // rows fills a tbody with n rows of k cells, reusing rows.
  function rows(tb, n, k) {
    while (tb.children.length > n) { tb.removeChild(tb.lastChild); }
    while (tb.children.length < n) {
      var tr = Y.el('tr');
      for (var j = 0; j < k; j++) { tr.appendChild(Y.el('td')); }
      tb.appendChild(tr);
    }
    return tb.children;
  }

  function render(b) {
    var trs = rows($('a-windows'), b.windowOrder.length, 4);
    b.each('windows', function (w, i) {
      cell(trs[i], 0, w.name);
      cell(trs[i], 1, w.state === 'paused' ? '暂停：' + (w.reason || '') : Y.windowState[w.state] || w.state, 'ws-' + w.state);
      cell(trs[i], 2, w.number || '');
      cell(trs[i], 3, w.staff_name ? w.staff_name + (w.post ? '（' + w.post + '岗）' : '') : '');
    });
    trs = rows($('a-queues'), b.queueOrder.length, 5);
    b.each('queues', function (q, i) {
      cell(trs[i], 0, q.prefix + ' ' + q.name);
      cell(trs[i], 1, q.waiting);
      cell(trs[i], 2, q.priority);
      cell(trs[i], 3, q.open_windows);
      cell(trs[i], 4, Y.waitText(q));
    });
    trs = rows($('a-staff'), b.staffOrder.length, 5);
    b.each('staff', function (s, i) {
      cell(trs[i], 0, s.name + '（' + s.id + '）');
      cell(trs[i], 1, s.window ? s.window + '号' : (s.windows || []).join('、'));
      cell(trs[i], 2, s.status_name || s.status, 'st-' + s.status);
      cell(trs[i], 3, s.until || '');
      cell(trs[i], 4, s.note || '');
    });
  }

  // The push carries alarms stripped of their detail (any screen may
  // read it): on each change the manager's own list is fetched.
  function renderAlarms(list) {
    var box = $('alarms');
    box.textContent = '';
    for (var i = 0; i < list.length && i < 20; i++) {
      var a = list[i];
      box.appendChild(Y.el('div', 'alarm alarm-' + a.level, '⚠ ' + a.text + '（' + a.source + '，' + (a.at || '').slice(11, 19) + '）'));
    }
  }

  // Only the answer to the latest request is shown: an older one (the
  // floor's) may arrive after a newer alarm list.
  var alarmAsk = 0;
  function alarmsAnswer() {
    var n = ++alarmAsk;
    return function (list) { if (n === alarmAsk) { renderAlarms(list || []); } };
  }

  function loadAlarms() {
    var show = alarmsAnswer();
    Y.api('GET', '/api/admin/alarms').then(function (r) { show(r.data.alarms); }, error);
  }

  function loadFloor() {
    var alarms = alarmsAnswer();
    Y.api('GET', '/api/admin/floor').then(function (r) {
      Y.adminOpen(r.data.open || []);
      alarms(r.data.alarms);
      // A check-in or a 爽约 changes the appointments' state too.
      if (window.yimenAppointments) { window.yimenAppointments.load(); }
      var list = r.data.unprinted || [], tb = $('a-unprinted');
      list.sort(function (x, y) { return x.issued_at < y.issued_at ? -1 : 1; });
      tb.textContent = '';
      for (var i = 0; i < list.length && i < 100; i++) { tb.appendChild(unprintedRow(list[i])); }
      $('a-unprinted-none').hidden = list.length > 0;
    }, error);
  }

  function unprintedRow(t) {
    var tr = Y.el('tr');
    tr.appendChild(Y.el('td', null, t.number));
    tr.appendChild(Y.el('td', null, t.service_name));
    tr.appendChild(Y.el('td', null, (t.issued_at || '').slice(11)));
    var td = Y.el('td'), b = Y.el('button', 'btn small', '补打');
    b.type = 'button';
    b.addEventListener('click', function () {
      b.disabled = true;
      Y.api('POST', '/api/admin/tickets/' + encodeURIComponent(t.id) + '/reprint').then(function (r) {
        if (r.data.printed) { setText(b, '已补打'); loadFloor(); loadPrinter(); } else {
          b.disabled = false;
          error('补打失败：' + (r.data.print_error || '打印机故障'));
        }
      }, function (err) { b.disabled = false; error(err); });
    });
    td.appendChild(b);
    tr.appendChild(td);
    return tr;
  }

  function pct(x) { return (Math.round(x * 1000) / 10) + '%'; }
  function mins(x) { return (Math.round(x * 10) / 10) + ' 分钟'; }

  function loadLedger() {
    var day = $('ledger-day').value;
    Y.api('GET', '/api/admin/ledger' + (day ? '?day=' + encodeURIComponent(day) : '')).then(function (r) {
      var l = r.data, box = $('ledger');
      if (!$('ledger-day').value && l.day) { $('ledger-day').value = l.day; }
      box.textContent = '';
      var dl = Y.el('div', 'ledger-sum'), items = [
        ['取号', l.issued], ['受理', l.accepted], ['办结', l.finished], ['即办件', l.immediate],
        ['承诺件', l.promised], ['咨询', l.consult], ['过号', l.no_show], ['转办', l.transferred],
        ['取消', l.cancelled], ['优先', l.priority], ['未打印', l.unprinted],
        ['预约', l.appointed], ['爽约', l.missed], ['挂起', l.held], ['过号重排', l.requeued],
        ['办结率', pct(l.finish_rate || 0)], ['平均等候', mins(l.avg_wait_minutes || 0)],
        ['最长等候', mins(l.max_wait_minutes || 0)], ['平均办理', mins(l.avg_service_minutes || 0)],
        ['评价数', l.rated], ['满意率', l.rated ? pct(l.satisfaction || 0) : '—']];
      // Village stations' requests (代办), for a hall that takes them.
      if (l.requests || l.refused) items.push(['代办受理', l.requests], ['代办未受理', l.refused]);
      for (var i = 0; i < items.length; i++) {
        var d = Y.el('div');
        d.appendChild(Y.el('span', null, items[i][0]));
        d.appendChild(Y.el('b', null, items[i][1]));
        dl.appendChild(d);
      }
      box.appendChild(dl);
      box.appendChild(lines('按类别', l.categories || []));
      box.appendChild(lines('按窗口', l.windows || []));
    }, error);
  }

  function lines(title, list) {
    var t = Y.el('table', 'ledger-lines'), head = Y.el('tr');
    var hs = [title, '取号', '办结', '平均等候'];
    for (var i = 0; i < hs.length; i++) { head.appendChild(Y.el('th', null, hs[i])); }
    t.appendChild(head);
    for (i = 0; i < list.length; i++) {
      var tr = Y.el('tr');
      tr.appendChild(Y.el('td', null, list[i].name || list[i].id));
      tr.appendChild(Y.el('td', null, list[i].issued));
      tr.appendChild(Y.el('td', null, list[i].finished));
      tr.appendChild(Y.el('td', null, mins(list[i].avg_wait_minutes || 0)));
      t.appendChild(tr);
    }
    return t;
  }

  var stateNames = { ok: '正常' };
  function loadPrinter() {
    Y.api('GET', '/api/admin/printer').then(function (r) {
      var p = r.data, st = p.status;
      setText($('printer-state'), !p.present ? '未配置打印机' : st ? '状态：' + (stateNames[st.state] || st.state) + (st.detail ? '（' + st.detail + '）' : '') + (st.at ? ' · ' + st.at : '') : '');
      var box = $('previews');
      box.textContent = '';
      var pv = p.previews || [];
      for (var i = 0; i < pv.length && i < 6; i++) {
        var fig = Y.el('figure'), f = document.createElement('iframe');
        f.setAttribute('sandbox', '');
        f.setAttribute('title', '号票 ' + pv[i].number);
        f.srcdoc = pv[i].html;
        fig.appendChild(f);
        fig.appendChild(Y.el('figcaption', null, pv[i].number + ' · ' + pv[i].at.slice(11) + ' · ' + pv[i].bytes + ' 字节'));
        box.appendChild(fig);
      }
    }, function () { /* older daemons lack this call */ });
  }

  function enter() {
    $('login').hidden = true;
    $('floor').hidden = false;
    $('logout').hidden = false;
    loadFloor();
    loadLedger();
    loadPrinter();
    if (window.yimenReport) { window.yimenReport.load(); }
    if (window.yimenComplaints) { window.yimenComplaints.load(); }
    if (window.yimenAppointments) { window.yimenAppointments.load(); }
    if (!board) {
      board = new Y.Board({ onMessage: function (msg, b) {
        render(b);
        if (msg.type === 'alarm') { loadAlarms(); }
        if (window.yimenExtraWindows) { window.yimenExtraWindows.board(b, msg); }
        // A case moved: the cases list and its warnings follow at once.
        if (msg.type === 'case' && window.yimenAdminCases) { window.yimenAdminCases.reload(); }
        if (msg.number || msg.type === 'snapshot' || msg.type === 'day') {
          clearTimeout(floorTimer);
          floorTimer = setTimeout(loadFloor, 1000);
        }
      } });
      window.yimenBoard = board;
    }
  }

  $('login-form').addEventListener('submit', function (e) {
    e.preventDefault();
    Y.api('POST', '/api/admin/login', { password: $('password').value }).then(function () {
      $('password').value = '';
      enter();
    }, error);
  });
  $('ledger-load').addEventListener('click', loadLedger);
  $('printer-load').addEventListener('click', loadPrinter);
  $('ledger-print').addEventListener('click', function () { window.print(); });
  $('logout').addEventListener('click', function () { Y.api('POST', '/api/logout').then(showLogin, showLogin); });

  // Signed in already (the cookie)? The floor call tells.
  Y.api('GET', '/api/admin/floor').then(enter, showLogin);
})();
