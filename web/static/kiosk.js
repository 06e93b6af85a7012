/* Kiosk: tap a service, get a ticket. One ticket per tap, never two. */
(function () {
  'use strict';
  var $ = Y.$, setText = Y.setText;
  var TICKET_SECONDS = 20, START_IDLE = 30000;
  var hall = null, board = null, busy = false, prio = '', countdown = null, idleTimer = null;
  var counts = {}; // service id -> count node

  Y.clock($('clock'));

  function serviceWaiting(svc) {
    // The kiosk routes to the shortest wait among the service's categories;
    // show that line's length.
    var best = null, i, q;
    if (!board || !board.ready) { return null; }
    for (i = 0; i < svc.categories.length; i++) {
      q = board.queues[svc.categories[i]];
      if (q && (best === null || q.waiting < best)) { best = q.waiting; }
    }
    return best;
  }

  function renderCounts() {
    if (!hall) { return; }
    for (var i = 0; i < hall.services.length; i++) {
      var s = hall.services[i], n = serviceWaiting(s), node = counts[s.id];
      if (node) { setText(node, n === null ? '' : (n ? '等候 ' + n + ' 人' : '无需等候')); }
    }
  }

  function build() {
    var groups = $('groups'), byCat = {}, order = [], i, s, c;
    groups.textContent = '';
    for (i = 0; i < hall.services.length; i++) {
      s = hall.services[i];
      c = s.categories[0];
      if (!byCat[c]) { byCat[c] = []; order.push(c); }
      byCat[c].push(s);
    }
    var catName = {};
    for (i = 0; i < hall.categories.length; i++) { catName[hall.categories[i].id] = hall.categories[i].name; }
    for (i = 0; i < order.length; i++) {
      var g = Y.el('div', 'k-group'), list = Y.el('div', 'k-services');
      g.appendChild(Y.el('h2', null, catName[order[i]] || order[i]));
      for (var j = 0; j < byCat[order[i]].length; j++) {
        list.appendChild(serviceButton(byCat[order[i]][j]));
      }
      g.appendChild(list);
      groups.appendChild(g);
    }
    renderCounts();
  }

  function serviceButton(s) {
    var b = Y.el('button', 'svc');
    b.type = 'button';
    b.setAttribute('data-service', s.id);
    b.appendChild(Y.el('span', 'svc-icon', s.icon || s.name.charAt(0)));
    var txt = Y.el('span', 'svc-text');
    txt.appendChild(Y.el('span', 'svc-name', s.name));
    if (s.note) { txt.appendChild(Y.el('span', 'svc-note', s.note)); }
    var n = Y.el('span', 'svc-count');
    counts[s.id] = n;
    txt.appendChild(n);
    b.appendChild(txt);
    b.addEventListener('click', function () { take(s, b); });
    return b;
  }

  function setPrio(p) {
    prio = prio === p ? '' : p;
    var bs = document.querySelectorAll('.prio');
    for (var i = 0; i < bs.length; i++) {
      bs[i].className = 'prio' + (bs[i].getAttribute('data-prio') === prio ? ' on' : '');
    }
    setText($('hint'), prio ? '已选择优先办理，请点击您要办理的事项' : '请点击您要办理的事项取号');
  }
  var pb = document.querySelectorAll('.prio');
  for (var k = 0; k < pb.length; k++) {
    pb[k].addEventListener('click', function () { setPrio(this.getAttribute('data-prio')); touched(); });
  }

  function setBusy(on) {
    busy = on;
    $('busy').hidden = !on;
    var bs = document.querySelectorAll('.svc');
    for (var i = 0; i < bs.length; i++) { bs[i].disabled = on; }
  }

  function take(s) {
    if (busy) { return; } // a second tap while the first is in flight
    setBusy(true);
    Y.api('POST', '/api/tickets', { service: s.id, priority: !!prio }).then(function (r) {
      setBusy(false);
      showTicket(r.data, s);
    }, function (err) {
      setBusy(false);
      if (err.code === 'kiosk_not_paired') { Y.kioskPair(); return; }
      showError(err.code === 'network' ? '取号机暂时连不上服务器，请稍后再试，或到咨询台取号。' : err.message);
    });
  }

  function showTicket(t, s) {
    setText($('tk-service'), (t.service_name || s.name) + (t.category_name ? ' · ' + t.category_name : ''));
    setText($('tk-number'), t.number);
    $('tk-prio').hidden = !t.priority;
    var ahead = $('tk-ahead').parentNode;
    if (t.ahead > 0) {
      ahead.innerHTML = '前面还有 <b id="tk-ahead"></b> 人，预计等候约 <b id="tk-wait"></b> 分钟';
      setText($('tk-ahead'), t.ahead);
      setText($('tk-wait'), t.wait_minutes || 1);
    } else {
      ahead.innerHTML = '前面没有人等候，<b id="tk-ahead"></b><span id="tk-wait"></span>请留意叫号';
    }
    $('tk-qr').src = '/t/' + encodeURIComponent(t.token) + '/qr.png';
    var p = $('tk-print');
    if (t.printed) {
      p.className = 'tk-print ok';
      setText(p, '号票已打印，请从下方出票口取走');
    } else {
      p.className = 'tk-print bad';
      setText(p, '号票没有打印出来' + (t.print_error ? '（' + t.print_error + '）' : '') +
        '。请用手机拍下本屏幕，或扫描右边二维码，凭号码办理。');
    }
    $('start').hidden = true;
    $('ticket').hidden = false;
    window.yimenKiosk.last = t;
    startCountdown(t.printed ? TICKET_SECONDS : TICKET_SECONDS * 2);
  }

  function startCountdown(n) {
    clearInterval(countdown);
    setText($('tk-count'), n);
    countdown = setInterval(function () {
      n--;
      setText($('tk-count'), n);
      if (n <= 0) { backToStart(); }
    }, 1000);
  }

  function backToStart() {
    clearInterval(countdown);
    $('ticket').hidden = true;
    $('err').hidden = true;
    $('start').hidden = false;
    $('tk-qr').removeAttribute('src');
    setPrio('');
    window.scrollTo(0, 0);
  }

  function showError(text) {
    setText($('err-text'), text);
    $('err').hidden = false;
  }

  function touched() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(function () { if (!$('start').hidden) { setPrio(''); } }, START_IDLE);
  }

  $('tk-done').addEventListener('click', backToStart);
  $('err-ok').addEventListener('click', function () { $('err').hidden = true; });
  $('ticket').addEventListener('click', function (e) {
    // Any tap on the ticket keeps it a little longer.
    if (e.target.id !== 'tk-done' && e.target.parentNode.id !== 'tk-done') { startCountdown(TICKET_SECONDS); }
  });

  window.yimenKiosk = { last: null };

  function loadHall() {
    Y.api('GET', '/api/hall').then(function (r) {
      hall = r.data;
      build();
    }, function () { setTimeout(loadHall, 3000); });
  }
  loadHall();
  board = new Y.Board({ onMessage: function (msg) {
    // A configuration change (services, names) is one message: fetch the
    // services again and rebuild the buttons, without reloading the page.
    if (msg.type === 'hall') {
      loadHall();
      if (window.yimenIssuing) { window.yimenIssuing.check(); }
      return;
    }
    if (msg.queues || msg.type === 'snapshot' || msg.type === 'day') { renderCounts(); }
  } });
})();
