/* The report card on /admin: pick a range, see the charts and tables the
 * server draws (the same body as the printable page), open the printable
 * page, download the county's Excel or CSV. */
(function () {
  'use strict';
  var $ = Y.$;

  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function iso(d) { return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()); }

  function range() {
    var q = 'from=' + encodeURIComponent($('report-from').value) + '&to=' + encodeURIComponent($('report-to').value);
    $('report-print').href = '/admin/report?' + q;
    $('report-xlsx').href = '/api/admin/ledger?' + q + '&format=xlsx';
    $('report-csv').href = '/api/admin/ledger?' + q + '&format=csv';
    return q;
  }

  function load() {
    if (!$('report-from').value) {
      var now = new Date();
      $('report-to').value = iso(now);
      $('report-from').value = iso(new Date(now.getFullYear(), now.getMonth(), 1));
    }
    var box = $('report-body'), q = range();
    box.setAttribute('aria-busy', 'true');
    fetch('/admin/report?' + q + '&part=body', { credentials: 'same-origin', redirect: 'manual' }).then(function (r) {
      if (!r.ok) { throw new Error('报表读取失败（' + r.status + '）'); }
      return r.text();
    }).then(function (html) {
      box.innerHTML = html; // drawn by the server's templates, escaped there
      box.removeAttribute('aria-busy');
    }, function (err) {
      box.textContent = err.message;
      box.removeAttribute('aria-busy');
    });
  }

  // The forecast (tomorrow, the next market day) comes drawn by the server too.
  function loadForecast() {
    fetch('/admin/forecast', { credentials: 'same-origin', redirect: 'manual' }).then(function (r) {
      if (!r.ok) { throw new Error('预测读取失败（' + r.status + '）'); }
      return r.text();
    }).then(function (html) { $('forecast-body').innerHTML = html; }, function (err) { $('forecast-body').textContent = err.message; });
  }

  $('report-load').addEventListener('click', load);
  $('report-from').addEventListener('change', range);
  $('report-to').addEventListener('change', range);
  window.yimenReport = { load: function () { load(); loadForecast(); } };
})();
