/* Manager's floor view: kiosk pairing. Screens waiting with a code are
 * approved here; paired kiosks can be removed (their credential stops
 * working at once). */
(function () {
  'use strict';
  var $ = Y.$;

  function button(text, onClick) {
    var b = Y.el('button', 'btn small', text);
    b.type = 'button';
    b.addEventListener('click', onClick);
    return b;
  }

  function row(cells, action) {
    var tr = Y.el('tr');
    for (var i = 0; i < cells.length; i++) { tr.appendChild(Y.el('td', null, cells[i])); }
    var td = Y.el('td');
    td.appendChild(action);
    tr.appendChild(td);
    return tr;
  }

  // What a paired screen may do, in the manager's words.
  function roleName(role) { return role === 'rating' ? '评价器' : '取号机'; }

  function render(d) {
    var pending = $('k-pending'), paired = $('k-paired'), i;
    pending.textContent = '';
    paired.textContent = '';
    for (i = 0; i < d.pending.length; i++) {
      (function (p) {
        pending.appendChild(row([p.code, roleName(p.role), p.address, p.at], button('批准', function () {
          Y.api('POST', '/api/admin/kiosks/pending/' + encodeURIComponent(p.id) + '/approve', {}).then(load, load);
        })));
      })(d.pending[i]);
    }
    $('k-pending-none').hidden = d.pending.length > 0;
    for (i = 0; i < d.kiosks.length; i++) {
      (function (k) {
        paired.appendChild(row([k.name, roleName(k.role), k.created_at], button('移除', function () {
          if (window.confirm('移除“' + k.name + '”后它将不能' + (k.role === 'rating' ? '评价' : '取号') + '，确定吗？')) {
            Y.api('DELETE', '/api/admin/kiosks/' + encodeURIComponent(k.id)).then(load, load);
          }
        })));
      })(d.kiosks[i]);
    }
  }

  function load() {
    if ($('floor').hidden) { return; }
    Y.api('GET', '/api/admin/kiosks').then(function (r) { render(r.data); }, function () {});
  }

  // The floor view appears after sign-in; look every few seconds while it
  // is shown (a kiosk waiting for approval shows up within that).
  setInterval(load, 4000);
  var seen = false;
  new MutationObserver(function () {
    if (!$('floor').hidden && !seen) { load(); }
    seen = !$('floor').hidden;
  }).observe($('floor'), { attributes: true, attributeFilter: ['hidden'] });
})();
