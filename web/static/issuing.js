/* Opening hours on the kiosk and the lobby: outside hours the kiosk says,
 * large, when numbers are handed out again; the lobby shows 停止取号 from
 * the last number until the next opening. Asked of GET /api/issuing every
 * 20 seconds and on every `hall` push (the pages call check), so a change
 * of hours shows at once. */
(function () {
  'use strict';
  var $ = Y.$, setText = Y.setText;
  var kiosk = document.body.className.indexOf('page-kiosk') >= 0;
  var box = Y.el('div', kiosk ? 'i-closed' : 'i-banner');
  box.id = 'issuing';
  box.hidden = true;
  var title = Y.el('p', 'i-title'), when = Y.el('p', 'i-when');
  box.appendChild(title);
  box.appendChild(when);
  document.body.appendChild(box);

  var state = window.yimenIssuing = { open: true, closing: false, text: '' };

  function show(is) {
    state.open = is.open;
    state.closing = !!is.closing;
    state.text = is.text || '';
    box.hidden = is.open;
    if (is.open) { return; }
    setText(title, is.closing ? '今日已停止取号' : (kiosk ? '现在不取号' : '停止取号'));
    setText(when, is.text ? is.text + ' 开始取号' : '');
  }
  function check() {
    Y.api('GET', '/api/issuing').then(function (r) { show(r.data); }, function () { /* keep the last state */ });
  }
  check();
  setInterval(check, 20000);
  // Pages call this on a `hall` push: the hours may have changed.
  window.yimenIssuing.check = check;
})();
