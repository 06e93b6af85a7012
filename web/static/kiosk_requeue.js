/* Kiosk: 过号重排. A villager whose number was passed (过号) scans the
 * ticket's QR code or types its number; back within the hall's time, the
 * number waits again a few places behind the head of its line, and the
 * kiosk says how many are ahead. Otherwise it says what to do. */
(function () {
  'use strict';
  var setText = Y.setText;

  function submit(v, ui) {
    v = v.replace(/\s+/g, '');
    if (!v) { setText(ui.msg, '请扫描号票上的二维码，或输入号码'); return; }
    if (ui.busy) { return; }
    ui.busy = true;
    ui.go.disabled = true;
    Y.api('POST', '/api/kiosk/requeue', { ticket: v }).then(function (r) {
      var t = r.data;
      ui.busy = false;
      ui.go.disabled = false;
      ui.input.value = '';
      ui.msg.className = 'k-pickup-msg k-ok';
      setText(ui.msg, t.number + ' 号已重新排队，前面还有 ' + t.ahead + ' 人。请留意叫号，听到后到窗口办理。');
      setText(ui.back, '完成');
    }, function (err) {
      ui.busy = false;
      ui.go.disabled = false;
      ui.msg.className = 'k-pickup-msg';
      if (err.code === 'kiosk_not_paired') { ui.hide(); Y.kioskPair(); return; }
      if (err.code === 'requeue_too_late' || err.code === 'ticket_closed' || err.code === 'unknown_ticket') {
        setText(ui.back, '返回，重新取号');
      }
      setText(ui.msg, err.code === 'network' ? '取号机暂时连不上服务器，请稍后再试，或到咨询台。' : err.message);
    });
  }
  var ui = Y.kioskEntry({
    id: 'requeue', open: '过号重排', title: '过号重排', go: '重新排队', maxlength: 200,
    hint: '请把号票上的二维码对准扫码口，或输入号码（例如 B012）',
    onGo: submit
  });
  Y.kioskTicketPad(ui, submit);
  document.getElementById('requeue-open').addEventListener('click', function () { ui.msg.className = 'k-pickup-msg'; });
})();
