(function () {
  'use strict';
  Y.api('GET', '/api/hall').then(function (r) {
    var box = Y.$('winlinks'), ws = r.data.windows || [];
    for (var i = 0; i < ws.length; i++) {
      var a = Y.el('a', null, ws[i].name);
      a.href = '/display/window/' + encodeURIComponent(ws[i].id);
      box.appendChild(a);
      box.appendChild(document.createTextNode(' '));
    }
  });
})();
