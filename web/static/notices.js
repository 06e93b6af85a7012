/* The hall's notices (服务承诺, 办事指南) on the kiosk and the villager's
 * phone page, as the manager set them on /admin/hall. The lobby scrolls
 * them in its footer (display.js). Fetched again on a `hall` push (the
 * kiosk calls load) and every five minutes. */
(function () {
  'use strict';
  var host = document.getElementById('start') || document.getElementById('t');
  if (!host) { return; }
  var box = Y.el('ul', 'n-notices');
  box.id = 'notices';
  box.hidden = true;
  host.appendChild(box);

  function load() {
    Y.api('GET', '/api/hall').then(function (r) {
      var list = (r.data && r.data.notices) || [];
      box.textContent = '';
      list.forEach(function (n) { box.appendChild(Y.el('li', null, n)); });
      box.hidden = list.length === 0;
    }, function () { /* keep what is shown */ });
  }
  load();
  setInterval(load, 5 * 60 * 1000);
  window.yimenNotices = { load: load };
})();
