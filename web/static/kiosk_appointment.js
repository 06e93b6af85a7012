/* Kiosk: a villager with an appointment (预约) types the six-digit code
 * they were given on the phone and gets a ticket marked 预约. Too early,
 * they are told when to come back; too late, they take a walk-in number. */
(function () {
  'use strict';
  var $ = Y.$, setText = Y.setText;

  var ui = Y.kioskEntry({
    id: 'appt', open: '预约取号', title: '预约取号', go: '取号', maxlength: 6, numeric: true,
    hint: '请输入预约时告诉您的 6 位预约码',
    onGo: function (v, ui) {
      var code = v.replace(/\D/g, '');
      if (code.length !== 6) { setText(ui.msg, '预约码是 6 位数字'); return; }
      ui.call('/api/tickets', { appointment: code }, function (t) {
        $('tk-prio').hidden = false;
        setText($('tk-prio'), '预约 ' + (t.slot || ''));
        setText($('tk-service'), '预约 ' + (t.slot || '') + ' · ' + (t.service_name || '') + (t.category_name ? ' · ' + t.category_name : ''));
      });
    },
    // Too late: back to the services for a walk-in number.
    onError: function (err, ui) { if (err.code === 'too_late') { setText(ui.back, '取普通号'); } }
  });
  for (var i = 1; i <= 10; i++) { ui.key(String(i % 10), ui.typed(String(i % 10))); }
  ui.key('删除', function () { ui.input.value = ui.input.value.slice(0, -1); });
})();
