// Shared by the county pages: the API, sign-in, and building elements
// with text only (data from halls is never parsed as HTML).
(function () {
  'use strict';
  var C = window.County = {};

  C.el = function (tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };

  C.api = function (method, path, body) {
    var opt = { method: method, headers: {}, credentials: 'same-origin' };
    if (body !== undefined) {
      opt.headers['Content-Type'] = 'application/json';
      opt.body = JSON.stringify(body);
    }
    return fetch(path, opt).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (r.status === 401 && document.body.dataset.page) {
          location.href = '/county/login?next=' + encodeURIComponent(location.pathname + location.search);
          throw new Error('signed out');
        }
        if (!r.ok) { var e = new Error(j.message || ('错误 ' + r.status)); e.status = r.status; throw e; }
        return j;
      });
    });
  };

  C.pct = function (x) { return (Math.round(x * 1000) / 10) + '%'; };

  C.ago = function (iso) {
    if (!iso) return '从未连线';
    var s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (s < 60) return s + ' 秒前';
    if (s < 3600) return Math.round(s / 60) + ' 分钟前';
    if (s < 86400) return Math.round(s / 3600) + ' 小时前';
    return Math.round(s / 86400) + ' 天前';
  };

  // poll calls fn now and every ms after it settles, so a slow answer
  // never piles requests up.
  C.poll = function (fn, ms) {
    var run = function () {
      Promise.resolve().then(fn).catch(function (e) { console.warn(e); })
        .then(function () { setTimeout(run, ms); });
    };
    run();
  };

  document.addEventListener('DOMContentLoaded', function () {
    if (!document.body.dataset.page) return;
    var nav = document.querySelector('[data-nav="' + document.body.dataset.page + '"]');
    if (nav) nav.classList.add('on');
    C.api('GET', '/api/county/me').then(function (me) {
      C.me = me;
      var who = document.getElementById('who');
      if (who) who.textContent = me.name + (me.station ? '（' + me.station + '）' : '');
      document.querySelectorAll('[data-role]').forEach(function (a) {
        if (a.dataset.role !== me.role) a.hidden = true;
      });
    }).catch(function () {});
    var out = document.getElementById('logout');
    if (out) out.addEventListener('click', function () {
      C.api('POST', '/api/county/logout', {}).then(function () { location.href = '/county/login'; });
    });
  });
})();
