/* Floor view additions: every open ticket with 补打 and 取消 (a villager
 * who lost a printed ticket), 补打 of any ticket of today by its number,
 * the closing choice for the tickets still waiting, and the manager
 * setting a clerk's whereabouts. */
(function () {
  'use strict';
  var $ = Y.$, setText = Y.setText;
  var day = '';
  var notes = {}; // ticket id → the last action's result, kept across refreshes

  function button(text, onClick) {
    var b = Y.el('button', 'btn small', text);
    b.type = 'button';
    b.addEventListener('click', onClick);
    return b;
  }

  function reprint(id, out) {
    function say(text) { notes[id] = text; setText(out, text); }
    say('正在补打…');
    Y.api('POST', '/api/admin/tickets/' + encodeURIComponent(id) + '/reprint', {}).then(function (r) {
      say(r.data.printed ? '已补打' : '没有打印出来：' + (r.data.print_error || ''));
    }, function (err) { say(err.message); });
  }

  function render(f) {
    day = (f.board && f.board.day) || day;
    var tb = $('f-open'), open = (f.open || []).slice();
    open.sort(function (a, b) {
      if (a.issued_at !== b.issued_at) { return a.issued_at < b.issued_at ? -1 : 1; }
      return a.id < b.id ? -1 : 1;
    });
    tb.textContent = '';
    var waiting = 0;
    open.forEach(function (t) {
      if (t.status === 'waiting' || t.status === 'transferred') { waiting++; }
      var tr = Y.el('tr');
      tr.setAttribute('data-ticket', t.id);
      tr.appendChild(Y.el('td', 'f-num', t.number + (t.carried ? '（延续号）' : '') + (t.priority ? '（优先）' : '')));
      tr.appendChild(Y.el('td', null, t.service_name || t.service));
      tr.appendChild(Y.el('td', null, (Y.ticketStatus[t.status] || t.status) + (t.window_name ? ' ' + t.window_name : '')));
      tr.appendChild(Y.el('td', null, (t.issued_at || '').slice(11, 16)));
      var act = Y.el('td'), out = Y.el('span', 'muted', notes[t.id] || '');
      act.appendChild(button('补打', function () { reprint(t.id, out); }));
      act.appendChild(button('取消', function () {
        var reason = window.prompt('取消 ' + t.number + ' 的原因（群众会看到）：', '本人要求取消');
        if (reason === null) { return; }
        Y.api('POST', '/api/admin/tickets/' + encodeURIComponent(t.id) + '/cancel', { reason: reason }).then(load, function (err) { setText(out, err.message); });
      }));
      act.appendChild(out);
      tr.appendChild(act);
      tb.appendChild(tr);
    });
    setText($('f-count'), waiting ? waiting + ' 人等候' : '没有人等候');
    var staff = (f.board && f.board.staff) || [], sel = $('f-staff'), keep = sel.value;
    if (sel.children.length !== staff.length) {
      sel.textContent = '';
      staff.forEach(function (s) {
        var o = Y.el('option', null, s.name + '（' + s.id + '）');
        o.value = s.id;
        sel.appendChild(o);
      });
      if (keep) { sel.value = keep; }
    }
  }

  function load() {
    Y.api('GET', '/api/admin/floor').then(function (r) { render(r.data); }, function () { /* admin.js shows sign-in */ });
  }

  var st = $('f-status');
  Object.keys(Y.statusNames).forEach(function (k) {
    var o = Y.el('option', null, Y.statusNames[k]);
    o.value = k;
    st.appendChild(o);
  });
  $('f-staff-save').addEventListener('click', function () {
    var id = $('f-staff').value;
    Y.api('PUT', '/api/staff/' + encodeURIComponent(id) + '/status', { status: st.value, note: $('f-note').value, until: $('f-until').value }).then(function () {
      setText($('f-staff-state'), '已保存，综合屏已更新');
    }, function (err) { setText($('f-staff-state'), err.message); });
  });
  $('f-reprint').addEventListener('click', function () {
    var n = $('f-reprint-number').value.trim().toUpperCase();
    if (!n || !day) { return; }
    reprint(day.replace(/-/g, '') + '-' + n, $('f-reprint-state'));
  });
  var closes = document.querySelectorAll('[data-close]');
  for (var i = 0; i < closes.length; i++) {
    closes[i].addEventListener('click', function () {
      var choice = this.getAttribute('data-close'), reason = '';
      if (choice === 'cancel') {
        reason = window.prompt('取消所有等候的号，原因（群众会看到）：', '今日已下班，请明天再来');
        if (reason === null) { return; }
      }
      Y.api('POST', '/api/admin/today/close', { choice: choice, reason: reason }).then(function (r) {
        setText($('f-close-state'), { serve: '好，继续办理 ', carry: '好，明天优先办理 ', cancel: '已取消 ' }[choice] + r.data.count + ' 个号');
        load();
      }, function (err) { setText($('f-close-state'), err.message); });
    });
  }

  load();
  setInterval(function () { if (!$('floor').hidden) { load(); } }, 5000);
})();
