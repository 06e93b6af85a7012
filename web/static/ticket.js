/* Ticket page on a villager's phone: my number and where I stand, live. */
(function () {
  'use strict';
  var $ = Y.$, setText = Y.setText;
  var token = $('t').getAttribute('data-token');
  var last = null, pending = null, inflight = false, again = false, buzzed = '';

  function label(t) {
    switch (t.status) {
    case 'transferred': return '已转到' + (t.category_name || '其他类别') + '，等候中';
    case 'called': return '请到 ' + (t.window_name || t.window + '号窗口') + ' 办理';
    case 'serving': return '办理中' + (t.window_name ? '（' + t.window_name + '）' : '');
    case 'held': return '已挂起，备好材料后请回' + (t.window_name || t.window + '号窗口');
    default: return Y.ticketStatus[t.status] || t.status;
    }
  }

  function render(t) {
    last = t;
    setText($('t-num'), t.number);
    setText($('t-service'), (t.service_name || '') + (t.category_name ? ' · ' + t.category_name : ''));
    setText($('t-status'), label(t));
    setText($('t-ahead'), aheadText(t));
    setText($('t-prio'), t.appointment ? '预约 ' + (t.slot || '') : t.priority ? (t.priority_name || '优先') : '');
    $('t-prio').hidden = !t.priority && !t.appointment;
    setText($('t-from'), t.transferred_from_name && t.status !== 'done' ? '由' + t.transferred_from_name + '转来' : '');
    var d = new Date();
    setText($('t-updated'), '更新于 ' + Y.pad(d.getHours()) + ':' + Y.pad(d.getMinutes()) + ':' + Y.pad(d.getSeconds()));
    document.body.className = 'page-ticket st-' + t.status;
    if (Y.caseView) { Y.caseView(t); } // a 承诺件's case (case_page.js)
    $('t-sound').hidden = t.status !== 'called';
    var key = t.status + (t.called_at || '');
    if (t.status === 'called' && buzzed !== key) {
      buzzed = key;
      try { if (navigator.vibrate) { navigator.vibrate([600, 200, 600, 200, 600]); } } catch (e) { /* not allowed */ }
    }
  }

  // aheadText tells a waiting villager where they stand, and never makes
  // up an estimate for a line no open window serves.
  function aheadText(t) {
    if (t.status !== 'waiting' && t.status !== 'transferred') { return ''; }
    var a = t.ahead > 0 ? '前面还有 ' + t.ahead + ' 人' : '前面没有人等候';
    if (t.no_window) { return a + '。暂无窗口办理，请稍候或到咨询台'; }
    return t.ahead > 0 ? a + '，预计等候约 ' + Math.max(1, t.wait_minutes) + ' 分钟' : a + '，请留意叫号';
  }

  function gone() {
    document.body.className = 'page-ticket st-gone';
    setText($('t-status'), '号票不存在或已过期（号票当日有效）');
    setText($('t-ahead'), '如需办理，请到取号机重新取号');
  }

  function fetchTicket() {
    if (inflight) { again = true; return; }
    inflight = true;
    Y.api('GET', '/api/tickets/' + encodeURIComponent(token)).then(function (r) {
      inflight = false;
      render(r.data);
      if (again) { again = false; fetchTicket(); }
    }, function (err) {
      inflight = false;
      if (err.status === 404) { gone(); return; }
      setText($('t-updated'), '网络不好，稍后自动重试');
    });
  }

  // Every change in the hall may move me up the line: re-fetch, at most a
  // few times a second.
  function soon() {
    if (pending) { return; }
    pending = setTimeout(function () { pending = null; fetchTicket(); }, 150);
  }

  $('t-sound').addEventListener('click', function () {
    try { new Audio('/voice/chime.ogg').play(); } catch (e) { /* ignore */ }
    try { if (navigator.vibrate) { navigator.vibrate(400); } } catch (e) { /* ignore */ }
  });

  fetchTicket();
  setInterval(fetchTicket, 20000); // slow poll, in case the socket is down
  new Y.Board({ onMessage: function (msg) {
    if (msg.type === 'alarm') { return; }
    soon();
  }, onStatus: function (up) { if (up) { soon(); } } });
})();
