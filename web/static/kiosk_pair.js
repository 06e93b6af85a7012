/* Kiosk pairing: a screen that is not yet a paired kiosk shows a code and
 * waits until the manager approves it on /admin; the credential then comes
 * as a cookie the page never sees. */
(function () {
  'use strict';
  var $ = Y.$, timer = null;

  function poll() {
    Y.api('GET', '/api/kiosk/pair').then(function (r) {
      if (r.data.state === 'paired') {
        $('pair').hidden = true;
        timer = null;
        return;
      }
      Y.setText($('pair-code'), r.data.code);
      timer = setTimeout(poll, 3000);
    }, function (err) {
      // An expired request (or a restarted daemon) asks again.
      timer = setTimeout(err.status === 404 ? propose : poll, 3000);
    });
  }

  function propose() {
    Y.api('POST', '/api/kiosk/pair', {}).then(function (r) {
      Y.setText($('pair-code'), r.data.code);
      timer = setTimeout(poll, 3000);
    }, function () {
      timer = setTimeout(propose, 10000);
    });
  }

  // kioskPair shows the pairing screen and starts asking, once.
  Y.kioskPair = function () {
    $('pair').hidden = false;
    if (timer === null) { timer = setTimeout(propose, 0); }
  };

  Y.api('GET', '/api/kiosk/me').then(function (r) {
    if (!r.data.paired) { Y.kioskPair(); }
  }, function () { /* the daemon is away: the first tap says so */ });
})();
