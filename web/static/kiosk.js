/* Kiosk: tap a service, get a ticket. One ticket per tap, never two. */
(function () {
  'use strict';
  var $ = Y.$, setText = Y.setText;
  var TICKET_SECONDS = 20, START_IDLE = 30000;
  var hall = null, board = null, busy = false, prio = '', countdown = null, idleTimer = null;
  var counts = {}; // service id -> count node

  Y.clock($('clock'));

  // What a ticket taken now would be told: the daemon works it out for
  // every service (the line it is routed to, the people ahead, the wait),
  // so that the button and the ticket never disagree.
  function countText(p) {
    if (!p) { return { text: '', cls: 'svc-count' }; }
    var ahead = prio ? p.ahead_priority : p.ahead;
    if (p.no_window) { return { text: '暂无窗口办理' + (ahead ? ' · ' + ahead + ' 人等候' : ''), cls: 'svc-count none' }; }
    if (!ahead) { return { text: '无需等候', cls: 'svc-count' }; }
    return { text: '前面 ' + ahead + ' 人 · 约' + Math.max(1, p.wait_minutes) + '分钟', cls: 'svc-count busy' };
  }

  function renderCounts() {
    if (!hall || !board || !board.ready) { return; }
    for (var i = 0; i < hall.services.length; i++) {
      var s = hall.services[i], node = counts[s.id], c = countText(board.services[s.id]);
      if (node) {
        setText(node, c.text);
        if (node.className !== c.cls) { node.className = c.cls; }
      }
    }
  }

  function build() {
    var grid = $('groups'), i;
    grid.textContent = '';
    // Grouped by the service's first category, in the hall's order.
    var order = {};
    for (i = 0; i < hall.categories.length; i++) { order[hall.categories[i].id] = i; }
    var list = hall.services.slice();
    list.sort(function (a, b) {
      var d = order[a.categories[0]] - order[b.categories[0]];
      return d || hall.services.indexOf(a) - hall.services.indexOf(b);
    });
    for (i = 0; i < list.length; i++) { grid.appendChild(serviceButton(list[i], order[list[i].categories[0]])); }
    renderCounts();
  }

  function serviceButton(s, group) {
    var b = Y.el('button', 'svc svc-g' + (group % 6));
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
    setText($('hint'), prio ? '已选择' + (prio === 'green' ? '绿色通道' : '老弱病残孕优先') + '，请点击您要办理的事项' : '请点击您要办理的事项取号');
    renderCounts();
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
    var body = { service: s.id, priority: !!prio };
    if (prio) { body.priority_kind = prio; }
    Y.api('POST', '/api/tickets', body).then(function (r) {
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
    setText($('tk-prio'), t.priority_name || '优先办理');
    setText($('tk-ahead'), t.ahead > 0 ? '前面还有 ' + t.ahead + ' 人' : '前面没有人等候');
    var w = $('tk-wait');
    if (t.no_window) {
      w.className = 'tk-wait none';
      setText(w, '暂无窗口办理，请稍候或到咨询台');
    } else {
      w.className = 'tk-wait';
      setText(w, t.ahead > 0 ? '预计等候约 ' + Math.max(1, t.wait_minutes) + ' 分钟' : '请留意叫号');
    }
    $('tk-qr').src = '/t/' + encodeURIComponent(t.token) + '/qr.png';
    // 一次性告知: what to have ready at the window.
    setText($('tk-bring'), t.bring && t.bring.length ? '请带好：' + t.bring.join('、') : '');
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

  // show lets the pick-up (kiosk_pickup.js) show its ticket the same way.
  window.yimenKiosk = { last: null, show: function (t) { showTicket(t, { name: '' }); } };

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
      if (window.yimenNotices) { window.yimenNotices.load(); }
      return;
    }
    if (msg.services || msg.type === 'snapshot' || msg.type === 'day') { renderCounts(); }
  } });
})();
