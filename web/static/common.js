/* Yimen pages: shared helpers and the board client (websocket /ws/display).
 * Plain ES5 on purpose: old Android TV boxes run old WebViews. */
(function () {
  'use strict';
  var Y = window.Y = {};

  // Script errors are kept (bounded) for the tests and for a look in the
  // browser's console on a TV box with no keyboard.
  var errors = window.yimenErrors = [];
  window.addEventListener('error', function (e) {
    errors.push(String(e.message) + ' @' + (e.filename || '') + ':' + (e.lineno || ''));
    if (errors.length > 20) { errors.shift(); }
  });

  Y.$ = function (id) { return document.getElementById(id); };

  Y.el = function (tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  };

  // setText changes text only when it differs, so observers and the
  // renderer see real changes only.
  Y.setText = function (e, t) {
    t = (t === undefined || t === null) ? '' : String(t);
    if (e.textContent !== t) { e.textContent = t; }
  };

  Y.pad = function (n) { return n < 10 ? '0' + n : '' + n; };

  Y.clock = function (e) {
    var days = '日一二三四五六';
    function tick() {
      var d = new Date();
      Y.setText(e, (d.getMonth() + 1) + '月' + d.getDate() + '日 星期' + days.charAt(d.getDay()) +
        ' ' + Y.pad(d.getHours()) + ':' + Y.pad(d.getMinutes()));
    }
    tick();
    setInterval(tick, 5000);
  };

  // api calls the JSON API; it resolves {status, data} and rejects with an
  // Error whose message is the server's Chinese text.
  Y.api = function (method, url, body) {
    return new Promise(function (resolve, reject) {
      var x = new XMLHttpRequest();
      x.open(method, url, true);
      x.setRequestHeader('Content-Type', 'application/json');
      x.timeout = 15000;
      x.onload = function () {
        var data = null;
        try { data = x.responseText ? JSON.parse(x.responseText) : null; } catch (e) { data = null; }
        if (x.status >= 200 && x.status < 300) {
          resolve({ status: x.status, data: data });
          return;
        }
        var err = new Error((data && data.error) || ('操作失败（错误 ' + x.status + '）'));
        err.status = x.status;
        err.code = (data && data.code) || '';
        err.data = data || {}; // e.g. the problems of a refused hall change
        reject(err);
      };
      x.onerror = x.ontimeout = function () {
        var err = new Error('连接不上服务器，请检查网络后再试');
        err.status = 0;
        err.code = 'network';
        reject(err);
      };
      x.send(body === undefined ? null : JSON.stringify(body));
    });
  };

  Y.statusNames = {
    off: '未到岗', on_duty: '在岗', village: '下村', meeting: '开会', leave: '请假', out: '外出办事', break: '午休'
  };
  Y.ticketStatus = {
    waiting: '等候中', called: '请到窗口', serving: '办理中', done: '已办结',
    no_show: '已过号', transferred: '已转办', cancelled: '已取消', held: '已挂起'
  };
  Y.windowState = {
    idle: '等待叫号', called: '正在叫号', serving: '正在办理', paused: '暂停服务', closed: '暂未开放'
  };

  // Board keeps the hall's live state from the push websocket: a snapshot,
  // then patches merged by id. It reconnects with ?since=&boot= and keeps
  // the last state meanwhile. opts.onMessage(msg, board) runs after each
  // merge; opts.onStatus(connected) on connect and disconnect.
  var RECENT_CALLS = 12; // as many as a snapshot's recent list holds

  function Board(opts) {
    this.opts = opts || {};
    this.seq = 0;
    this.boot = '';
    this.day = '';
    this.hall = null;
    this.queues = {}; this.queueOrder = [];
    this.windows = {}; this.windowOrder = [];
    this.staff = {}; this.staffOrder = [];
    this.services = {}; this.serviceOrder = [];
    this.recent = [];
    this.alarms = [];
    this.ready = false;
    this.connected = false;
    this.ws = null;
    this.retry = 0;
    this.timer = null;
    this.connect();
  }

  function merge(map, order, list, key, reset) {
    var i, it, id;
    if (reset) {
      for (id in map) { if (map.hasOwnProperty(id)) { delete map[id]; } }
      order.length = 0;
    }
    if (!list) { return; }
    for (i = 0; i < list.length; i++) {
      it = list[i];
      id = it[key];
      if (!map.hasOwnProperty(id)) { order.push(id); }
      map[id] = it;
    }
  }

  Board.prototype.url = function () {
    var u = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/display', q = [];
    if (this.boot) { q.push('since=' + this.seq, 'boot=' + encodeURIComponent(this.boot)); }
    // opts.screen ('screen=lobby', 'screen=window&window=3') puts a hall
    // screen on the manager's list of connected screens.
    if (this.opts.screen) { q.push(this.opts.screen); }
    return q.length ? u + '?' + q.join('&') : u;
  };

  Board.prototype.connect = function () {
    var self = this, ws;
    this.timer = null;
    try { ws = new WebSocket(this.url()); } catch (e) { this.later(); return; }
    this.ws = ws;
    ws.onopen = function () {
      self.retry = 0;
      self.status(true);
    };
    ws.onmessage = function (ev) {
      var msg;
      try { msg = JSON.parse(ev.data); } catch (e) { return; }
      self.handle(msg);
    };
    ws.onclose = function (ev) {
      if (self.ws !== ws) { return; }
      self.ws = null;
      self.status(false);
      // 1013: this screen fell behind; come back at once and catch up.
      self.later(ev && ev.code === 1013 ? 100 : 0);
    };
    ws.onerror = function () { /* onclose follows */ };
  };

  Board.prototype.later = function (ms) {
    var self = this;
    if (this.timer) { return; }
    if (!ms) {
      ms = Math.min(10000, 500 * Math.pow(2, this.retry));
      this.retry++;
    }
    this.timer = setTimeout(function () { self.connect(); }, ms);
  };

  Board.prototype.status = function (up) {
    if (this.connected === up) { return; }
    this.connected = up;
    var c = Y.$('conn');
    if (c) { c.hidden = up; }
    if (this.opts.onStatus) { this.opts.onStatus(up); }
  };

  Board.prototype.resync = function () {
    // A gap in seq: drop the socket and ask for what was missed.
    var ws = this.ws;
    this.ws = null;
    if (ws) { try { ws.close(); } catch (e) { /* ignore */ } }
    this.later(50);
  };

  Board.prototype.handle = function (msg) {
    var full = msg.type === 'snapshot' || msg.type === 'day' || msg.type === 'hall';
    if (msg.hall && this.ready && msg.type === 'hall') { this.hall = msg.hall; }
    if (msg.type === 'snapshot') {
      this.boot = msg.boot || this.boot;
      if (msg.hall) { this.hall = msg.hall; }
    } else if (this.ready) {
      if (msg.seq <= this.seq) { return; } // already have it
      if (msg.seq !== this.seq + 1) { this.resync(); return; }
    } else {
      return; // patches before any snapshot cannot be placed
    }
    this.seq = msg.seq;
    if (msg.day) { this.day = msg.day; }
    merge(this.queues, this.queueOrder, msg.queues, 'category', full);
    merge(this.windows, this.windowOrder, msg.windows, 'id', full);
    merge(this.staff, this.staffOrder, msg.staff, 'id', full);
    merge(this.services, this.serviceOrder, msg.services, 'id', full);
    if (full || msg.recent) {
      // A snapshot, or a withdrawn call (returned): the whole list again.
      this.recent = msg.recent || [];
    } else if (msg.call) {
      // A call carries only itself: the list is kept here, newest first.
      this.recent.unshift(msg.call);
      if (this.recent.length > RECENT_CALLS) { this.recent.length = RECENT_CALLS; }
    }
    if (msg.type === 'snapshot' || msg.type === 'alarm') { this.alarms = msg.alarms || []; }
    this.ready = true;
    if (this.opts.onMessage) { this.opts.onMessage(msg, this); }
  };

  Board.prototype.each = function (what, fn) {
    var order = this[{ queues: 'queueOrder', windows: 'windowOrder', staff: 'staffOrder' }[what]] || [], map = this[what], i;
    for (i = 0; i < order.length; i++) { fn(map[order[i]], i); }
  };

  Y.Board = Board;

  // waitText says how long a line takes, or that no window serves it:
  // never a made-up estimate.
  Y.waitText = function (q) {
    if (q.no_window || q.wait_minutes === null || q.wait_minutes === undefined) { return '暂无窗口'; }
    return q.waiting === 0 ? '—' : '约' + Math.max(1, q.wait_minutes) + '分';
  };

  // keyed keeps one DOM node per id inside a container, reusing nodes so a
  // screen that runs for days never grows its DOM.
  Y.keyed = function (container, make) {
    var nodes = {};
    return {
      get: function (id) {
        var n = nodes[id];
        if (!n) {
          n = make(id);
          nodes[id] = n;
          container.appendChild(n.root);
        }
        return n;
      },
      // keep removes nodes whose ids are not listed, and orders the rest.
      keep: function (ids) {
        var want = {}, i, id;
        for (i = 0; i < ids.length; i++) { want[ids[i]] = true; }
        for (id in nodes) {
          if (nodes.hasOwnProperty(id) && !want[id]) {
            container.removeChild(nodes[id].root);
            delete nodes[id];
          }
        }
        for (i = 0; i < ids.length; i++) {
          if (nodes[ids[i]] && container.children[i] !== nodes[ids[i]].root) {
            container.insertBefore(nodes[ids[i]].root, container.children[i] || null);
          }
        }
      }
    };
  };
})();
