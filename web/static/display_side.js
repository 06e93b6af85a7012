/* Lobby screen, beside the call: the numbers ready for pick-up (请取件,
 * 承诺件 待取件: numbers only) and the way to book by phone (扫码预约),
 * shown only while the hall lets villagers book on /book. display.js
 * calls yimenLobbySide after each push message. */
(function () {
  'use strict';
  var $ = Y.$, el = Y.el;
  var side = $('side'), book = $('book'), qr = $('book-qr'), pickup = $('pickup'), nums = $('pickup-nums');
  var booking = false, last = null;
  // Rows of three; fewer beside the QR code, so that the side never
  // pushes the window tiles out of their room.
  var ROWS_WITH_BOOK = 3, ROWS_ALONE = 6;

  function showSide() {
    var any = !book.hidden || !pickup.hidden;
    if (side.hidden === any) { side.hidden = !any; }
  }

  function renderPickup() {
    var list = (last && last.numbers) || [], total = (last && last.total) || list.length;
    var room = 3 * (booking ? ROWS_WITH_BOOK : ROWS_ALONE), n = list.length, i;
    if (total > room) { n = room - 1; } // the last place says how many more
    n = Math.min(n, list.length);
    nums.textContent = '';
    for (i = 0; i < n; i++) { nums.appendChild(el('span', null, list[i])); }
    if (total > n) { nums.appendChild(el('span', 'd-pickup-more', '等' + total + '件')); }
    pickup.hidden = total === 0;
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
      renderPickup();
    }
    if (msg.pickup) {
      last = msg.pickup;
      renderPickup();
    }
    showSide();
  };
})();
