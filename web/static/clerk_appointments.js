/* Clerk's desk: book a villager who phoned into a slot (预约登记), see
 * the day's appointments and cancel one. */
(function () {
  'use strict';
  var $ = Y.$, el = Y.el, setText = Y.setText;
  var hall = null;

  var box = el('form', 'card c-sub c-appt');
  box.id = 'appt-book';
  box.hidden = true;
  box.innerHTML = '<h3>预约登记</h3>' +
    '<p><label>事项 <select id="ap-service"></select></label> <label>日期 <input id="ap-day" type="date"></label></p>' +
    '<p><label>时段 <select id="ap-slot"></select></label> <label>姓名 <input id="ap-name" maxlength="20" size="8"></label> ' +
    '<label>电话 <input id="ap-phone" inputmode="numeric" maxlength="15" size="12"></label></p>' +
    '<p><button type="submit" class="btn primary" id="ap-go">预约</button> <button type="button" class="btn" id="ap-close">关闭</button></p>' +
    '<p class="c-appt-code" id="ap-code"></p><p class="c-appt-msg" id="ap-msg"></p>' +
    '<table><thead><tr><th>时段</th><th>预约码</th><th>事项</th><th>村民</th><th>状态</th><th></th></tr></thead><tbody id="ap-list"></tbody></table>';
  document.body.appendChild(box);

  function serviceName(id) {
    for (var i = 0; hall && i < hall.services.length; i++) { if (hall.services[i].id === id) { return hall.services[i].name; } }
    return id;
  }

  function loadSlots() {
    var sel = $('ap-slot');
    sel.textContent = '';
    if (!$('ap-service').value || !$('ap-day').value) { return; }
    Y.api('GET', '/api/appointments/slots?service=' + encodeURIComponent($('ap-service').value) + '&day=' + encodeURIComponent($('ap-day').value)).then(function (r) {
      // An answer for a choice since changed is dropped.
      if (r.data.service !== $('ap-service').value || r.data.day !== $('ap-day').value) { return; }
      sel.textContent = '';
      var slots = r.data.slots || [];
      for (var i = 0; i < slots.length; i++) {
        var o = el('option', null, slots[i].slot + (slots[i].free ? '（余 ' + slots[i].free + '）' : '（已满）'));
        o.value = slots[i].slot;
        o.disabled = !slots[i].free;
        sel.appendChild(o);
      }
      if (!slots.length) { setText($('ap-msg'), '这一天没有可约的时段'); } else { setText($('ap-msg'), ''); }
    }, function (err) { setText($('ap-msg'), err.message); });
  }

  function loadList() {
    // Without a day chosen, the hall's today (the daemon's clock).
    var day = $('ap-day').value;
    Y.api('GET', '/api/admin/appointments' + (day ? '?day=' + encodeURIComponent(day) : '')).then(function (r) {
      if (!$('ap-day').value) { $('ap-day').value = r.data.day; loadSlots(); }
      if (r.data.day !== $('ap-day').value) { return; }
      Y.appointmentRows($('ap-list'), r.data.appointments || [], serviceName,
        function () { loadList(); loadSlots(); }, function (err) { setText($('ap-msg'), err.message); });
    }, function (err) { setText($('ap-msg'), err.message); });
  }

  $('appt-book-open').addEventListener('click', function () {
    Y.api('GET', '/api/hall').then(function (r) {
      hall = r.data;
      var sel = $('ap-service');
      sel.textContent = '';
      for (var i = 0; i < hall.services.length; i++) {
        if (!hall.services[i].booking) { continue; }
        var o = el('option', null, hall.services[i].name);
        o.value = hall.services[i].id;
        sel.appendChild(o);
      }
      setText($('ap-code'), '');
      setText($('ap-msg'), sel.options.length ? '' : '本大厅没有接受预约的事项');
      box.hidden = false;
      if ($('ap-day').value) { loadSlots(); }
      loadList();
    });
  });
  $('ap-close').addEventListener('click', function () { box.hidden = true; });
  $('ap-service').addEventListener('change', loadSlots);
  $('ap-day').addEventListener('change', function () { loadSlots(); loadList(); });
  box.addEventListener('submit', function (e) {
    e.preventDefault();
    var body = { service: $('ap-service').value, day: $('ap-day').value, slot: $('ap-slot').value, name: $('ap-name').value, phone: $('ap-phone').value.replace(/\D/g, '') };
    Y.api('POST', '/api/appointments', body).then(function (r) {
      // The code is what the villager is told on the phone.
      setText($('ap-code'), '预约码 ' + r.data.code + '（' + r.data.day + ' ' + r.data.slot + '）');
      setText($('ap-msg'), '');
      $('ap-name').value = '';
      $('ap-phone').value = '';
      loadSlots();
      loadList();
    }, function (err) {
      setText($('ap-code'), '');
      setText($('ap-msg'), err.message);
    });
  });
})();
