/* Lobby screen, beside the call: the way to book by phone (扫码预约),
 * shown only while the hall lets villagers book on /book. display.js
 * calls yimenLobbySide after each push message. */
(function () {
  'use strict';
  var $ = Y.$;
  var side = $('side'), book = $('book'), qr = $('book-qr');
  var booking = false;

  function showSide() {
    var any = !book.hidden;
    if (side.hidden === any) { side.hidden = !any; }
  }

  window.yimenLobbySide = function (b, msg) {
    if ((msg.type === 'snapshot' || msg.type === 'hall') && b.hall) {
      var on = !!b.hall.self_booking;
      if (on && !booking) {
        // Asked again each time it is turned on: the QR code is drawn only
        // while booking is open.
        qr.src = '/book/qr.png?t=' + Date.now();
      }
      booking = on;
      book.hidden = !on;
      showSide();
    }
  };
})();
