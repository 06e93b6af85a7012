/* The 差评 card on /admin: every low rating with its window, clerk, reason
 * and deadline; the manager records the follow-up (回访/整改 and a note).
 * Overdue ones are red (and raise an alarm on the floor view). */
(function () {
  'use strict';
  var $ = Y.$, setText = Y.setText;

  function fmt(iso) { return iso ? iso.slice(0, 16).replace('T', ' ') : ''; }

  function row(c) {
    var tr = Y.el('tr', c.overdue ? 'cp-overdue' : c.closed ? 'cp-closed' : '');
    tr.setAttribute('data-ticket', c.ticket);
    var cells = [fmt(c.at), c.number, c.window_name, c.staff_name, c.score_name, c.reason || '—', fmt(c.due)];
    for (var i = 0; i < cells.length; i++) { tr.appendChild(Y.el('td', null, cells[i])); }
    var td = Y.el('td', 'cp-state');
    if (c.closed) {
      td.textContent = '已' + c.action_name + '：' + c.note + '（' + c.closed_by_name + ' ' + fmt(c.closed_at) + '）';
    } else {
      td.appendChild(Y.el('b', null, c.overdue ? '已超期' : '待处理'));
      var sel = Y.el('select', 'cp-action');
      sel.setAttribute('aria-label', '处理方式');
      [['callback', '回访'], ['rectify', '整改']].forEach(function (o) {
        var op = Y.el('option', null, o[1]);
        op.value = o[0];
        sel.appendChild(op);
      });
      var note = Y.el('input', 'cp-note');
      note.type = 'text';
      note.placeholder = '处理情况';
      note.setAttribute('aria-label', '处理情况');
      var b = Y.el('button', 'btn small cp-done', '办结');
      b.type = 'button';
      b.addEventListener('click', function () {
        b.disabled = true;
        Y.api('POST', '/api/admin/complaints/' + encodeURIComponent(c.ticket) + '/followup', { action: sel.value, note: note.value }).then(load, function (err) {
          b.disabled = false;
          setText($('cp-error'), err.message);
        });
      });
      td.appendChild(sel);
      td.appendChild(note);
      td.appendChild(b);
    }
    tr.appendChild(td);
    return tr;
  }

  function load() {
    Y.api('GET', '/api/admin/complaints').then(function (r) {
      var list = r.data.complaints, tb = $('cp-rows'), open = 0, overdue = 0;
      tb.textContent = '';
      for (var i = 0; i < list.length; i++) {
        tb.appendChild(row(list[i]));
        if (!list[i].closed) { open++; }
        if (list[i].overdue) { overdue++; }
      }
      setText($('cp-summary'), list.length ? '待处理 ' + open + ' 条' + (overdue ? '，其中超期 ' + overdue + ' 条' : '') + '（须在 ' + r.data.followup_days + ' 天内处理）' : '没有差评');
      setText($('cp-error'), '');
    }, function (err) { setText($('cp-error'), err.message); });
  }

  window.yimenComplaints = { load: load };
  setInterval(function () { if (!$('floor').hidden) { load(); } }, 60000);
})();
