/* Rating tablet at a window: after 办结 it shows the number and five big
 * choices; a low score asks for a reason from the hall's list. It is a
 * paired screen: until the manager approves its code it shows the code. */
(function () {
  'use strict';
  var $ = Y.$, setText = Y.setText;
  var win = $('rate').getAttribute('data-window');
  var data = null, thanked = '', pending = null, inflight = false, pairTimer = null;
  function stars(n) { var s = ''; for (var i = 0; i < n; i++) { s += '★'; } return s; }

  function show(id) {
    var ids = ['r8-pair', 'r8-idle', 'r8-ask', 'r8-reason', 'r8-thanks'];
    for (var i = 0; i < ids.length; i++) { $(ids[i]).hidden = ids[i] !== id; }
  }

  function error(msg) {
    var e = $('r8-error');
    setText(e, msg);
    e.hidden = !msg;
  }

  function render() {
    setText($('r8-window'), data.window_name);
    var t = data.ticket;
    if (!t || t.id === thanked) {
      if ($('r8-thanks').hidden) { show('r8-idle'); }
      return;
    }
    if (!$('r8-reason').hidden && $('r8-reason').getAttribute('data-ticket') === t.id) { return; }
    setText($('r8-num'), t.number);
    var box = $('r8-choices');
    if (box.getAttribute('data-ticket') !== t.id) {
      box.setAttribute('data-ticket', t.id);
      box.textContent = '';
      for (var i = 0; i < data.choices.length; i++) {
        (function (c) {
          var b = Y.el('button', 'r8-choice r8-s' + c.score);
          b.type = 'button';
          b.setAttribute('data-score', c.score);
          b.appendChild(Y.el('span', null, stars(c.score)));
          b.appendChild(document.createTextNode(c.name));
          b.addEventListener('click', function () { choose(t, c.score); });
          box.appendChild(b);
        })(data.choices[i]);
      }
    }
    show('r8-ask');
  }

  function choose(t, score) {
    if (score > data.low_score) { send(t, score, ''); return; }
    var box = $('r8-reasons');
    box.textContent = '';
    $('r8-reason').setAttribute('data-ticket', t.id);
    for (var i = 0; i < data.reasons.length; i++) {
      (function (reason) {
        var b = Y.el('button', null, reason);
        b.type = 'button';
        b.addEventListener('click', function () { send(t, score, reason); });
        box.appendChild(b);
      })(data.reasons[i]);
    }
    show('r8-reason');
  }

  function send(t, score, reason) {
    Y.api('POST', '/api/rate/' + encodeURIComponent(win), { ticket: t.id, score: score, reason: reason }).then(function () {
      thanked = t.id;
      error('');
      $('r8-reason').removeAttribute('data-ticket');
      setText($('r8-thanks-note'), score <= data.low_score ? '我们会尽快回访，改进工作' : '欢迎再来');
      show('r8-thanks');
      setTimeout(function () { show('r8-idle'); fetchRate(); }, 6000);
    }, function (err) {
      error(err.message);
      $('r8-reason').removeAttribute('data-ticket');
      fetchRate();
    });
  }

  function pair() {
    show('r8-pair');
    if (pairTimer) { return; }
    Y.api('POST', '/api/kiosk/pair', {role: 'rating'}).then(function (r) {
      setText($('r8-code'), r.data.code);
      pairTimer = setInterval(function () {
        Y.api('GET', '/api/kiosk/pair').then(function (p) {
          if (p.data.state === 'paired') {
            clearInterval(pairTimer);
            pairTimer = null;
            fetchRate();
          }
        }, function (err) {
          if (err.status === 404) { clearInterval(pairTimer); pairTimer = null; pair(); }
        });
      }, 2000);
    }, function (err) { error(err.message); });
  }

  function fetchRate() {
    if (inflight) { return; }
    inflight = true;
    Y.api('GET', '/api/rate/' + encodeURIComponent(win)).then(function (r) {
      inflight = false;
      data = r.data;
      error('');
      render();
    }, function (err) {
      inflight = false;
      if (err.code === 'not_paired') { pair(); return; }
      error(err.message);
    });
  }

  function soon() {
    if (pending) { return; }
    pending = setTimeout(function () { pending = null; fetchRate(); }, 200);
  }

  $('r8-back').addEventListener('click', function () { $('r8-reason').removeAttribute('data-ticket'); render(); });
  fetchRate();
  setInterval(fetchRate, 20000); // slow poll, in case the socket is down
  window.yimenRate = new Y.Board({ onMessage: function (msg) {
    if (msg.type === 'finished' || msg.type === 'snapshot' || msg.type === 'day') { soon(); }
  }, onStatus: function (up) { if (up) { soon(); } } });
})();
