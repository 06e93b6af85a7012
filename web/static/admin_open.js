/* Manager's floor: every open ticket, in the daemon's stable order (by
 * issue time), with where it stands. Rows are reused between reloads. */
(function () {
  'use strict';
  var setText = Y.setText;
  var statusText = { waiting: '等候', transferred: '转办后等候', called: '已叫号', serving: '办理中' };

  function where(t) {
    if (t.status === 'called' || t.status === 'serving') { return t.window_name || t.window || ''; }
    if (t.no_window) { return t.ahead + '人在前·暂无窗口'; }
    return t.ahead + '人在前·约' + Math.max(1, t.wait_minutes || 0) + '分';
  }

  Y.adminOpen = function (list) {
    var tb = Y.$('a-open-rows'), i, tr, t, k;
    while (tb.children.length > list.length) { tb.removeChild(tb.lastChild); }
    for (i = 0; i < list.length; i++) {
      t = list[i];
      tr = tb.children[i];
      if (!tr) {
        tr = Y.el('tr');
        for (k = 0; k < 4; k++) { tr.appendChild(Y.el('td')); }
        tb.appendChild(tr);
      }
      setText(tr.children[0], t.number + (t.priority ? ' 优' : ''));
      tr.children[0].title = t.priority ? (t.priority_name || '优先') + ' · 取号 ' + (t.issued_at || '').slice(11, 16) : '取号 ' + (t.issued_at || '').slice(11, 16);
      setText(tr.children[1], t.service_name);
      setText(tr.children[2], statusText[t.status] || t.status);
      setText(tr.children[3], where(t));
      tr.className = t.no_window && (t.status === 'waiting' || t.status === 'transferred') ? 'ws-paused' : '';
    }
    setText(Y.$('a-open-count'), list.length);
  };
})();
