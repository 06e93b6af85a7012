/* Kiosk: a villager back for a finished 承诺件 types the old ticket's
 * number (or scans its QR code) and gets a pick-up ticket ahead of the
 * walk-ins. */
(function () {
  'use strict';
  var $ = Y.$, setText = Y.setText;

  function submit(v, ui) {
    v = v.replace(/\s+/g, '');
    if (!v) { setText(ui.msg, '请先输入号码'); return; }
    ui.call('/api/pickup', { number: v }, function (t) {
      setText($('tk-service'), '取件 · ' + (t.service_name || '') + (t.category_name ? ' · ' + t.category_name : ''));
    });
  }
  var ui = Y.kioskEntry({
    id: 'pickup', open: '取件（办好的承诺件）', title: '取件', go: '取件号', maxlength: 200,
    hint: '请输入受理时号票上的号码（例如 B012），或把号票上的二维码对准扫码口',
    onGo: submit
  });
  ui.input.id = 'pickup-number';
  Y.kioskTicketPad(ui, submit);
})();
