(function () {
  'use strict';
  var el = County.el;
  var today = new Date(Date.now() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  var q = new URLSearchParams(location.search);
  var from = document.getElementById('from'), to = document.getElementById('to');
  from.value = q.get('from') || today.slice(0, 8) + '01';
  to.value = q.get('to') || today;

  function rate(x, of) { return of ? County.pct(x) : '—'; }

  function cells(name, f) {
    var tr = el('tr');
    [name, f.issued, f.finished, rate(f.finish_rate, f.accepted), f.no_show,
      f.accepted ? f.avg_wait_minutes : '—', rate(f.within_target, f.accepted), f.rated, rate(f.satisfaction, f.rated)
    ].forEach(function (c, i) { tr.appendChild(el(i ? 'td' : 'th', null, c)); });
    return tr;
  }

  function links() {
    var qs = 'from=' + from.value + '&to=' + to.value;
    document.getElementById('dl-xlsx').href = '/api/county/ledger?' + qs + '&format=xlsx';
    document.getElementById('dl-csv').href = '/api/county/ledger?' + qs + '&format=csv';
  }

  function show() {
    links();
    var err = document.getElementById('ledger-error');
    err.textContent = '';
    return County.api('GET', '/api/county/ledger?from=' + from.value + '&to=' + to.value).then(function (led) {
      var rows = document.getElementById('ledger-rows');
      rows.replaceChildren.apply(rows, led.halls.map(function (r) { return cells(r.hall, r); }));
      var total = document.getElementById('ledger-total');
      total.replaceChildren(cells('全县合计', led.total));
      // Each township with its service buses' days, by village.
      var bus = document.getElementById('bus-rows'), trs = [];
      (led.townships || []).forEach(function (t) {
        t.villages.forEach(function (v) {
          trs.push(cells(t.name + ' · ' + (v.village || '未排班') + '（' + v.bus_name + '，' + v.days.length + ' 天）', v));
        });
        var sum = cells(t.name + ' 合计（含服务车）', t.total);
        sum.className = 'sum';
        trs.push(sum);
      });
      bus.replaceChildren.apply(bus, trs);
      // The same columns as the halls' table above.
      var head = document.querySelector('table.ledger thead tr').cloneNode(true);
      head.cells[0].textContent = '乡镇 · 村（服务车）';
      document.getElementById('bus-head').replaceChildren(head);
      document.getElementById('buses').hidden = !trs.length;
    }).catch(function (e) { err.textContent = e.message; });
  }

  document.getElementById('range').addEventListener('submit', function (ev) { ev.preventDefault(); show(); });
  show();
})();
