/* Kiosk: a villager with an appointment (预约) types the six-digit code
 * they were given on the phone and gets a ticket marked 预约. Too early,
 * they are told when to come back; too late, they take a walk-in number.
 * Without the code, the last four digits of the phone they booked with
 * list today's bookings for those digits (names masked) to pick from. */
(function () {
  'use strict';
  var $ = Y.$, el = Y.el, setText = Y.setText;
  var byPhone = false;

  function shown(t) {
    $('tk-prio').hidden = false;
    setText($('tk-prio'), '预约 ' + (t.slot || ''));
    setText($('tk-service'), '预约 ' + (t.slot || '') + ' · ' + (t.service_name || '') + (t.category_name ? ' · ' + t.category_name : ''));
  }

  var ui = Y.kioskEntry({
    id: 'appt', open: '预约取号', title: '预约取号', go: '取号', maxlength: 6, numeric: true,
    hint: '请输入预约时告诉您的 6 位预约码',
    onGo: function (v, ui) {
      var digits = v.replace(/\D/g, '');
      if (!byPhone) {
        if (digits.length !== 6) { setText(ui.msg, '预约码是 6 位数字'); return; }
        ui.call('/api/tickets', { appointment: digits }, shown);
        return;
      }
      if (digits.length !== 4) { setText(ui.msg, '请输入手机号的后 4 位'); return; }
      lookup(digits);
    },
    // Too late: back to the services for a walk-in number.
    onError: function (err, ui) { if (err.code === 'too_late') { setText(ui.back, '取普通号'); } }
  });
  for (var i = 1; i <= 10; i++) { ui.key(String(i % 10), ui.typed(String(i % 10))); }
  ui.key('删除', function () { ui.input.value = ui.input.value.slice(0, -1); });

  var hint = $('appt').querySelector('p');
  var list = el('div', 'k-appt-list');
  list.id = 'appt-list';
  ui.msg.parentNode.insertBefore(list, ui.msg);
  var sw = el('button', 'k-switch');
  sw.type = 'button';
  sw.id = 'appt-by-phone';
  ui.msg.parentNode.insertBefore(sw, ui.go);

  function mode(phone) {
    byPhone = phone;
    ui.input.value = '';
    ui.input.setAttribute('maxlength', phone ? '4' : '6');
    list.textContent = '';
    setText(ui.msg, '');
    setText(hint, phone ? '请输入预约时留的手机号的后 4 位' : '请输入预约时告诉您的 6 位预约码');
    setText(ui.go, phone ? '查找预约' : '取号');
    setText(sw, phone ? '我有预约码' : '没有预约码？用手机号后 4 位取号');
  }
  sw.addEventListener('click', function () { mode(!byPhone); });
  $('appt-open').addEventListener('click', function () { mode(false); });
  mode(false);

  // lookup lists today's bookings for the digits; each is a button that
  // checks it in.
  function lookup(last4) {
    list.textContent = '';
    Y.api('POST', '/api/kiosk/bookings-by-phone', { last4: last4 }).then(function (r) {
      var bs = r.data.bookings || [];
      if (!bs.length) { setText(ui.msg, '今天没有手机尾号 ' + last4 + ' 的预约，请核对，或取普通号'); return; }
      setText(ui.msg, '');
      bs.forEach(function (b) {
        var btn = el('button', null, b.slot + '  ' + b.service_name + '  ' + b.name);
        btn.type = 'button';
        btn.setAttribute('data-slot', b.slot);
        btn.addEventListener('click', function () {
          ui.call('/api/tickets', { phone_last4: last4, service: b.service, slot: b.slot }, shown);
        });
        list.appendChild(btn);
      });
    }, function (err) {
      if (err.code === 'kiosk_not_paired') { ui.hide(); Y.kioskPair(); return; }
      setText(ui.msg, err.code === 'network' ? '取号机暂时连不上服务器，请稍后再试，或到咨询台。' : err.message);
    });
  }
})();
