/* Kiosk, 预约取号 screen: while the hall lets villagers book on their
 * phones (appointments.self_booking), it shows the QR code to /book, so
 * that next time they can book from home. */
(function () {
  'use strict';
  var $ = Y.$, el = Y.el;
  var box = el('div', 'k-book');
  box.id = 'appt-book';
  box.hidden = true;
  var qr = el('img', 'k-book-qr');
  qr.alt = '手机预约二维码';
  var text = el('div', 'k-book-text');
  text.appendChild(el('b', null, '扫码预约'));
  text.appendChild(el('span', null, '下次办事，可用手机扫码预约时间，到时来取号'));
  box.appendChild(qr);
  box.appendChild(text);
  var inner = $('appt').firstChild;
  inner.insertBefore(box, $('appt-go'));

  $('appt-open').addEventListener('click', function () {
    Y.api('GET', '/api/hall').then(function (r) {
      var on = !!(r.data.appointments && r.data.appointments.self_booking);
      if (on) { qr.src = '/book/qr.png?t=' + Date.now(); }
      box.hidden = !on;
    }, function () { box.hidden = true; });
  });
})();
