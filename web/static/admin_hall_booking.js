/* /admin/hall: which services take appointments (预约) and how, and the
 * hall's check-in window and calling rule for them. */
(function () {
  'use strict';
  var $ = Y.$, H = window.H;

  function renderBooking(d) {
    var tb = $('t-booking');
    tb.textContent = '';
    (d.services || []).forEach(function (s, i) {
      var tr = Y.el('tr'), p = 'services[' + i + '].booking', b = s.booking;
      var cell = function (node) { var td = Y.el('td'); td.appendChild(node); tr.appendChild(td); };
      tr.appendChild(Y.el('td', null, s.name || s.id));
      var on = Y.el('input');
      on.type = 'checkbox';
      on.checked = !!b;
      on.setAttribute('data-booking', s.id);
      on.addEventListener('change', function () {
        s.booking = on.checked ? {} : undefined;
        if (!on.checked) { delete s.booking; }
        H.dirtied();
        renderBooking(d);
      });
      cell(on);
      if (!b) { tr.appendChild(Y.el('td', 'muted', '—')); tb.appendChild(tr); return; }
      cell(H.input((b.weekdays || []).join(','), function (v) {
        b.weekdays = v.split(/[,，、\s]+/).filter(function (x) { return x; }).map(Number);
      }, { path: p + '.weekdays', cls: 'h-num', placeholder: '每个工作日' }));
      cell(H.input(b.slot_minutes || '', function (v) { b.slot_minutes = v; }, { path: p + '.slot_minutes', type: 'number', cls: 'h-num', placeholder: '30' }));
      cell(H.input(b.capacity || '', function (v) { b.capacity = v; }, { path: p + '.capacity', type: 'number', cls: 'h-num', placeholder: '2' }));
      cell(H.input(b.walk_in_share ? Math.round(b.walk_in_share * 100) : '', function (v) { b.walk_in_share = v / 100; }, { path: p + '.walk_in_share', type: 'number', cls: 'h-num', placeholder: '0' }));
      cell(H.input(b.days_ahead || '', function (v) { b.days_ahead = v; }, { path: p + '.days_ahead', type: 'number', cls: 'h-num', placeholder: '7' }));
      tb.appendChild(tr);
    });
    var a = d.appointments || {};
    $('appt-before').value = a.checkin_before_minutes || '';
    $('appt-after').value = a.checkin_after_minutes || '';
    $('appt-in-row').value = a.max_in_row || '';
    $('appt-self').checked = !!a.self_booking;
    $('appt-per-phone').value = a.per_phone || '';
  }

  function policy() {
    var a = {}, v;
    if ((v = Number($('appt-before').value))) { a.checkin_before_minutes = v; }
    if ((v = Number($('appt-after').value))) { a.checkin_after_minutes = v; }
    if ((v = Number($('appt-in-row').value))) { a.max_in_row = v; }
    if ($('appt-self').checked) { a.self_booking = true; }
    if ((v = Number($('appt-per-phone').value))) { a.per_phone = v; }
    H.doc.appointments = a;
    H.dirtied();
  }
  ['appt-before', 'appt-after', 'appt-in-row', 'appt-per-phone'].forEach(function (id) { $(id).addEventListener('input', policy); });
  $('appt-self').addEventListener('change', policy);
  H.onLoad.push(renderBooking);
})();
