/* Manager's floor: the appointments (预约) of a day, today unless another
 * day is chosen, each with its state and 取消 while not checked in. */
(function () {
  'use strict';
  var $ = Y.$, setText = Y.setText;
  var names = null;

  function serviceName(id) { return (names && names[id]) || id; }

  function load() {
    if (!names) {
      Y.api('GET', '/api/hall').then(function (r) {
        names = {};
        for (var i = 0; i < r.data.services.length; i++) { names[r.data.services[i].id] = r.data.services[i].name; }
        load();
      }, failed);
      return;
    }
    // Without a day chosen, the hall's today (the daemon's clock).
    var day = $('appt-day').value;
    Y.api('GET', '/api/admin/appointments' + (day ? '?day=' + encodeURIComponent(day) : '')).then(function (r) {
      if (!$('appt-day').value) { $('appt-day').value = r.data.day; }
      // An answer for a day since changed is dropped.
      if (r.data.day !== $('appt-day').value) { return; }
      var list = r.data.appointments || [];
      $('appt-error').hidden = true;
      Y.appointmentRows($('appt-rows'), list, serviceName, load, failed);
      setText($('appt-count'), list.length ? list.length + ' 个' : '');
      $('appt-none').hidden = list.length > 0;
    }, failed);
  }

  function failed(err) {
    setText($('appt-error'), err.message);
    $('appt-error').hidden = false;
  }

  $('appt-day').addEventListener('change', load);
  $('appt-load').addEventListener('click', load);
  window.yimenAppointments = { load: load };
})();
