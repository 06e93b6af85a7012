/* Hall configuration, the other tabs: opening hours, caps and market days,
 * today's overrides, notices and calling policy, voice and printer checks,
 * devices, and the history of changes with undo. */
(function () {
  'use strict';
  var $ = Y.$, setText = Y.setText, H = window.H;
  var weekNames = ['一', '二', '三', '四', '五', '六', '日'];

  function lines(text) {
    return text.split('\n').map(function (s) { return s.trim(); }).filter(function (s) { return s; });
  }

  function renderHours(d) {
    var h = d.hours, on = !!h;
    $('hours-on').checked = on;
    $('hours-form').hidden = !on;
    h = h || { open: '08:30', close: '17:30' };
    $('hours-open').value = h.open || '';
    $('hours-close').value = h.close || '';
    $('hours-stop').value = h.stop_issuing_minutes || '';
    $('hours-closed').value = (h.closed_dates || []).join('\n');
    $('hours-opendates').value = (h.open_dates || []).join('\n');
    var wd = $('hours-weekdays');
    wd.textContent = '';
    wd.appendChild(H.checks(weekNames.map(function (n, i) { return { id: i + 1, name: '星期' + n }; }),
      h.weekdays || [], function (v) { hours().weekdays = v.sort(); }, 'hours.weekdays'));
    var br = $('hours-breaks');
    br.textContent = '';
    (h.breaks || []).forEach(function (b, i) {
      var s = Y.el('span', 'h-break'), p = 'hours.breaks[' + i + ']';
      s.appendChild(H.input(b.from, function (v) { b.from = v; }, { type: 'time', path: p + '.from' }));
      s.appendChild(document.createTextNode('至'));
      s.appendChild(H.input(b.to, function (v) { b.to = v; }, { type: 'time', path: p + '.to' }));
      s.appendChild(H.button('删除', function () { h.breaks.splice(i, 1); H.dirtied(); renderHours(H.doc); }));
      br.appendChild(s);
    });
    var m = d.market_days || { every: [] }, md = $('market-days');
    md.textContent = '';
    md.appendChild(H.checks([1, 2, 3, 4, 5, 6, 7, 8, 9, 0].map(function (n) { return { id: n, name: '逢' + '〇一二三四五六七八九'.charAt(n) }; }),
      m.every || [], function (v) { market().every = v; }, 'market_days.every'));
    $('market-open').value = m.open || '';
    $('market-close').value = m.close || '';
    renderLift(d);
  }

  // hours and market give the document's objects, made on first use.
  function hours() {
    if (!H.doc.hours) { H.doc.hours = { open: '08:30', close: '17:30' }; }
    return H.doc.hours;
  }
  function market() {
    if (!H.doc.market_days) { H.doc.market_days = { every: [] }; }
    return H.doc.market_days;
  }
  function bind(id, set) {
    $(id).addEventListener('input', function () { set($(id).value); H.dirtied(); });
  }
  $('hours-on').addEventListener('change', function () {
    if ($('hours-on').checked) { hours(); } else { delete H.doc.hours; }
    H.dirtied();
    renderHours(H.doc);
  });
  bind('hours-open', function (v) { hours().open = v; });
  bind('hours-close', function (v) { hours().close = v; });
  bind('hours-stop', function (v) { hours().stop_issuing_minutes = v === '' ? 0 : Number(v); });
  bind('hours-closed', function (v) { hours().closed_dates = lines(v); });
  bind('hours-opendates', function (v) { hours().open_dates = lines(v); });
  bind('market-open', function (v) { market().open = v; });
  bind('market-close', function (v) { market().close = v; });
  $('add-break').addEventListener('click', function () {
    var h = hours();
    h.breaks = h.breaks || [];
    h.breaks.push({ from: '12:00', to: '14:00' });
    H.dirtied();
    renderHours(H.doc);
  });

  // Today's overrides and the issuing state.
  function renderLift(d) {
    var sel = $('lift-what');
    sel.textContent = '';
    d.services.forEach(function (s) {
      if (!s.daily_cap) { return; }
      var o = Y.el('option', null, '事项：' + s.name + '（限 ' + s.daily_cap + ' 号）');
      o.value = 'service:' + s.id;
      sel.appendChild(o);
    });
    d.categories.forEach(function (c) {
      if (!c.daily_cap) { return; }
      var o = Y.el('option', null, '类别：' + c.name + '（限 ' + c.daily_cap + ' 号）');
      o.value = 'category:' + c.id;
      sel.appendChild(o);
    });
    $('lift').disabled = !sel.children.length;
    issuingNow();
  }
  function issuingNow() {
    H.api('GET', '/api/issuing').then(function (is) {
      setText($('issuing-now'), is.open ? '现在正在取号' : (is.closing ? '已停止取号，' : '现在不取号，') + (is.text ? is.text + ' 开始取号' : ''));
    }, function () { /* shown next time */ });
  }
  $('extend').addEventListener('click', function () {
    H.api('POST', '/api/admin/today/extend', { until: $('extend-until').value }).then(issuingNow, H.error);
  });
  $('lift').addEventListener('click', function () {
    var v = $('lift-what').value.split(':'), body = {};
    body[v[0]] = v[1];
    H.api('POST', '/api/admin/today/lift-cap', body).then(function () {
      setText($('issuing-now'), '今天已不再限号：' + $('lift-what').selectedOptions[0].textContent);
    }, H.error);
  });

  // Notices and calling policy.
  function renderNotices(d) {
    $('notices').value = (d.notices || []).join('\n');
    var c = d.calling || {};
    $('calling-strict').checked = c.mode !== 'interleave';
    $('calling-interleave').checked = c.mode === 'interleave';
    $('calling-every').value = c.every || '';
    $('calling-requeue-minutes').value = c.requeue_minutes || '';
    $('calling-requeue-places').value = c.requeue_places || '';
  }
  bind('notices', function (v) { H.doc.notices = lines(v); });
  function calling() {
    var every = Number($('calling-every').value) || 0;
    H.doc.calling = $('calling-interleave').checked ? { mode: 'interleave', every: every } : { mode: 'strict' };
    // 过号重排: empty means the default (30 minutes, 3 places).
    var mins = Number($('calling-requeue-minutes').value) || 0, places = Number($('calling-requeue-places').value) || 0;
    if (mins) { H.doc.calling.requeue_minutes = mins; }
    if (places) { H.doc.calling.requeue_places = places; }
    H.dirtied();
  }
  $('calling-strict').addEventListener('change', calling);
  $('calling-interleave').addEventListener('change', calling);
  $('calling-every').addEventListener('input', calling);
  $('calling-requeue-minutes').addEventListener('input', calling);
  $('calling-requeue-places').addEventListener('input', calling);

  // Voice and printer checks.
  $('voice-test').addEventListener('click', function () {
    var V = window.yimenVoice;
    if (!V) { setText($('voice-state'), '语音模块没有加载'); return; }
    V.init(function () {}, function () {});
    if (V.unlock) { V.unlock(); }
    V.announce('B012', '3', false);
    setText($('voice-state'), '正在播放：请 B012 号到 3 号窗口办理');
  });
  function printerState(out) {
    H.api('GET', '/api/admin/printer').then(function (p) {
      var st = p.status || {};
      setText(out, !p.present ? '没有配置打印机' :
        ({ ok: '正常', near_end: '纸快用完了', paper_end: '缺纸', cover_open: '机盖打开', offline: '离线', cutter_error: '切刀卡住', no_answer: '没有应答', unknown: '未知' }[st.state] || st.state || '未知') +
        (st.detail ? '（' + st.detail + '）' : ''));
    }, H.error);
  }
  $('printer-status').addEventListener('click', function () { printerState($('printer-state')); });
  $('printer-test').addEventListener('click', function () {
    setText($('printer-state'), '正在打印…');
    H.api('POST', '/api/admin/printer/test', {}).then(function (r) {
      setText($('printer-state'), r.printed ? '测试号票已打印，请到取号机出票口查看' : '没有打印出来：' + (r.print_error || ''));
    }, H.error);
  });

  // when shows a time of the API in the screen's local time.
  function when(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return iso; }
    return (d.getMonth() + 1) + '月' + d.getDate() + '日 ' + Y.pad(d.getHours()) + ':' + Y.pad(d.getMinutes()) + ':' + Y.pad(d.getSeconds());
  }

  // Devices: learn mode, approve, assign to a window, forget.
  var kinds = { 1: '呼叫器', 2: '评价器', 3: '窗口屏' };
  function loadDevices() {
    H.api('GET', '/api/admin/devices').then(function (list) {
      list = list || [];
      var tb = $('t-devices');
      tb.textContent = '';
      $('devices-none').hidden = list.length > 0;
      list.forEach(function (d) {
        var tr = Y.el('tr');
        tr.setAttribute('data-hwid', d.hwid);
        tr.appendChild(Y.el('td', null, d.no ? String(d.no) : '新'));
        tr.appendChild(Y.el('td', null, kinds[d.kind] || ('种类 ' + d.kind)));
        tr.appendChild(Y.el('td', d.online ? 'h-ok' : 'h-off', d.state === 'pending' ? '待确认' : (d.online ? '在线' : '离线')));
        var wtd = Y.el('td');
        if (d.state !== 'pending') {
          var sel = Y.el('select', 'h-assign'), none = Y.el('option', null, '（未分配）');
          none.value = '';
          sel.appendChild(none);
          H.doc.windows.forEach(function (w) {
            var o = Y.el('option', null, w.name);
            o.value = w.id;
            sel.appendChild(o);
          });
          sel.value = d.window || '';
          sel.addEventListener('change', function () {
            H.api('POST', '/api/admin/devices/' + encodeURIComponent(d.hwid) + '/assign', { window: sel.value }).then(loadDevices, H.error);
          });
          wtd.appendChild(sel);
        }
        tr.appendChild(wtd);
        tr.appendChild(Y.el('td', null, d.last_seen ? when(d.last_seen) : ''));
        var act = Y.el('td');
        if (d.state === 'pending' || d.proposed_kind) { // a new device, or one that came back as another kind
          act.appendChild(H.button(d.proposed_kind ? '确认改为' + (kinds[d.proposed_kind] || d.proposed_kind) : '确认配对', function () {
            H.api('POST', '/api/admin/devices/' + encodeURIComponent(d.hwid) + '/approve', {}).then(loadDevices, H.error);
          }, 'primary h-approve'));
        }
        act.appendChild(H.button('移除', function () {
          if (!window.confirm('移除这台设备？它要重新配对才能再用。')) { return; }
          H.api('POST', '/api/admin/devices/' + encodeURIComponent(d.hwid) + '/forget', {}).then(loadDevices, H.error);
        }));
        tr.appendChild(act);
        tb.appendChild(tr);
      });
    }, H.error);
    H.api('GET', '/api/admin/kiosks').then(function (k) {
      var tb = $('t-kiosks');
      tb.textContent = '';
      (k.kiosks || []).forEach(function (x) {
        var tr = Y.el('tr');
        tr.appendChild(Y.el('td', null, x.name));
        tr.appendChild(Y.el('td', null, x.created_at));
        tb.appendChild(tr);
      });
    }, function () { /* shown on the floor view */ });
    loadScreens();
    printerState($('dev-printer'));
    H.api('GET', '/api/admin/devices/learn').then(function (l) {
      setText($('learn-state'), l.learning ? '学习模式开启中，新设备上电后会出现在下面' : '');
    }, function () { /* no bridge */ });
  }
  // Connected lobby and window screens, so that a dark TV is noticed.
  function loadScreens() {
    H.api('GET', '/api/admin/screens').then(function (a) {
      var list = a.screens || [], tb = $('t-screens'), names = {};
      H.doc.windows.forEach(function (w) { names[w.id] = w.name; });
      tb.textContent = '';
      $('screens-none').hidden = list.length > 0;
      list.forEach(function (x) {
        var tr = Y.el('tr');
        tr.setAttribute('data-screen', x.screen + (x.window ? '-' + x.window : ''));
        tr.appendChild(Y.el('td', null, x.screen === 'lobby' ? '综合屏' : (names[x.window] || x.window + '号窗口') + '窗口屏'));
        tr.appendChild(Y.el('td', null, x.addr));
        tr.appendChild(Y.el('td', null, when(x.connected_at)));
        tr.appendChild(Y.el('td', null, x.last_write ? when(x.last_write) : ''));
        tb.appendChild(tr);
      });
      setText($('screens-others'), a.others ? '另有 ' + a.others + ' 个手机或工作人员页面在看' : '');
    }, function () { /* shown on the next refresh */ });
  }

  $('learn').addEventListener('click', function () {
    H.api('POST', '/api/admin/devices/learn', { minutes: 10 }).then(loadDevices, H.error);
  });
  H.loadDevices = loadDevices;
  // While the devices tab is open, new proposals and last-seen times show
  // up without a click.
  setInterval(function () {
    var tab = document.querySelector('.h-tab[data-tab="devices"]');
    if (tab && !tab.hidden && H.doc) { loadDevices(); }
  }, 3000);

  // History and undo.
  var reasons = { import: '从配置文件导入', edit: '修改配置', pin: '重置密码', revert: '撤销到旧版本' };
  function renderHistory() {
    var tb = $('t-history');
    tb.textContent = '';
    (H.history || []).slice().reverse().forEach(function (m, i) {
      var tr = Y.el('tr');
      tr.appendChild(Y.el('td', null, String(m.seq)));
      tr.appendChild(Y.el('td', null, when(m.at)));
      tr.appendChild(Y.el('td', null, m.by === 'admin' ? '管理员' : (m.by === 'file' ? '配置文件' : m.by)));
      tr.appendChild(Y.el('td', null, (reasons[m.reason] || m.reason) + (m.reason === 'pin' ? '（' + m.note + '）' : (m.reason === 'revert' ? '（版本 ' + m.note + '）' : ''))));
      var act = Y.el('td');
      if (i > 0) {
        act.appendChild(H.button('恢复到这个版本', function () {
          if (!window.confirm('把大厅配置恢复到版本 ' + m.seq + '？之后的修改（包括重置的密码）都会撤销。')) { return; }
          H.api('POST', '/api/admin/hall/undo', { to: m.seq, version: H.version }).then(function () { H.load(); }, H.error);
        }));
      }
      tr.appendChild(act);
      tb.appendChild(tr);
    });
  }

  H.onLoad.push(renderHours, renderNotices, renderHistory, loadDevices);
})();
