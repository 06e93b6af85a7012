/* Hall configuration (大厅配置): the manager edits the whole hall document
 * in tables; 保存 sends it with the version it was read at. The daemon
 * validates it with the loader's field paths; the problems are shown next
 * to the fields and in plain Chinese at the top. */
(function () {
  'use strict';
  var $ = Y.$, setText = Y.setText;
  var H = window.H = { doc: null, version: 0, dirty: false, onLoad: [] };

  // api answers the body alone; an error keeps its body as err.data.
  H.api = function (method, url, body) {
    return Y.api(method, url, body).then(function (r) { return r.data; }, function (err) {
      err.data = err.data || {};
      throw err;
    });
  };

  H.error = function (err) {
    var e = $('error');
    setText(e, typeof err === 'string' ? err : err.message);
    e.hidden = false;
    clearTimeout(H.errTimer);
    H.errTimer = setTimeout(function () { e.hidden = true; }, 10000);
    if (err && (err.status === 401 || err.status === 403)) { showLogin(); }
  };

  function showLogin() {
    $('editor').hidden = true;
    $('login').hidden = false;
    $('password').focus();
  }

  H.dirtied = function () {
    H.dirty = true;
    setText($('h-state'), '有未保存的修改');
    $('h-state').className = 'h-dirty';
  };

  // input makes a bound text or number field: get reads the value from the
  // document, set writes it back.
  H.input = function (value, set, opts) {
    opts = opts || {};
    var i = Y.el('input', opts.cls || null);
    i.type = opts.type || 'text';
    if (opts.path) { i.setAttribute('data-path', opts.path); }
    if (opts.placeholder) { i.placeholder = opts.placeholder; }
    i.value = value === undefined || value === null ? '' : value;
    i.addEventListener('input', function () {
      set(i.type === 'number' ? (i.value === '' ? 0 : Number(i.value)) : i.value.trim());
      H.dirtied();
    });
    return i;
  };

  // checks makes one checkbox per option; list is the document's array.
  H.checks = function (options, list, set, path) {
    var box = Y.el('span', 'h-checks');
    if (path) { box.setAttribute('data-path', path); }
    options.forEach(function (o) {
      var l = Y.el('label', 'h-check'), c = Y.el('input');
      c.type = 'checkbox';
      c.checked = list.indexOf(o.id) >= 0;
      c.setAttribute('data-id', o.id);
      c.addEventListener('change', function () {
        var now = list.filter(function (x) { return x !== o.id; });
        if (c.checked) { now.push(o.id); }
        list = now;
        set(now);
        H.dirtied();
      });
      l.appendChild(c);
      l.appendChild(document.createTextNode(o.name));
      box.appendChild(l);
    });
    return box;
  };

  H.button = function (text, onClick, cls) {
    var b = Y.el('button', 'btn small' + (cls ? ' ' + cls : ''), text);
    b.type = 'button';
    b.addEventListener('click', onClick);
    return b;
  };

  function td(tr, child) {
    var c = Y.el('td');
    if (child) { c.appendChild(child); }
    tr.appendChild(c);
    return c;
  }

  function remover(list, i, what) {
    return H.button('删除', function () {
      if (!window.confirm('删除' + what + '？保存后生效。')) { return; }
      list.splice(i, 1);
      H.dirtied();
      H.render();
    }, 'h-del');
  }

  function renderCategories() {
    var tb = $('t-categories'), d = H.doc;
    tb.textContent = '';
    d.categories.forEach(function (c, i) {
      var tr = Y.el('tr'), p = 'categories[' + i + ']';
      td(tr, H.input(c.id, function (v) { c.id = v; }, { path: p + '.id', cls: 'h-id' }));
      td(tr, H.input(c.prefix, function (v) { c.prefix = v.toUpperCase(); }, { path: p + '.prefix', cls: 'h-prefix' }));
      td(tr, H.input(c.name, function (v) { c.name = v; }, { path: p + '.name' }));
      td(tr, H.input(c.service_minutes || '', function (v) { c.service_minutes = v; }, { path: p + '.service_minutes', type: 'number', cls: 'h-num' }));
      td(tr, H.input(c.daily_cap || '', function (v) { c.daily_cap = v; }, { path: p + '.daily_cap', type: 'number', cls: 'h-num', placeholder: '不限' }));
      td(tr, remover(d.categories, i, '类别“' + c.name + '”'));
      tb.appendChild(tr);
    });
  }

  function renderServices() {
    var tb = $('t-services'), d = H.doc;
    tb.textContent = '';
    d.services.forEach(function (s, i) {
      var tr = Y.el('tr'), p = 'services[' + i + ']';
      s.categories = s.categories || [];
      td(tr, H.input(s.id, function (v) { s.id = v; }, { path: p + '.id', cls: 'h-id' }));
      td(tr, H.input(s.name, function (v) { s.name = v; }, { path: p + '.name' }));
      td(tr, H.input(s.icon, function (v) { s.icon = v; }, { path: p + '.icon', cls: 'h-icon' }));
      td(tr, H.input(s.note, function (v) { s.note = v; }, { path: p + '.note' }));
      td(tr, H.checks(d.categories, s.categories, function (v) { s.categories = v; }, p + '.categories'));
      td(tr, H.input(s.daily_cap || '', function (v) { s.daily_cap = v; }, { path: p + '.daily_cap', type: 'number', cls: 'h-num', placeholder: '不限' }));
      // 承诺件: the time limit and the documents to bring (一次性告知).
      td(tr, H.input(s.promise_days || '', function (v) { s.promise_days = v; }, { path: p + '.promise_days', type: 'number', cls: 'h-num', placeholder: '5' }));
      td(tr, H.input((s.bring || []).join('、'), function (v) {
        s.bring = v.split(/[、，,]/).map(function (x) { return x.trim(); }).filter(function (x) { return x; });
      }, { path: p + '.bring' }));
      td(tr, remover(d.services, i, '事项“' + s.name + '”'));
      tb.appendChild(tr);
    });
  }

  function postSelect(w, key, path) {
    var sel = Y.el('select');
    sel.setAttribute('data-path', path);
    var none = Y.el('option', null, '（自动）');
    none.value = '';
    sel.appendChild(none);
    H.doc.staff.forEach(function (s) {
      if ((s.windows || []).indexOf(w.id) < 0) { return; }
      var o = Y.el('option', null, s.name + '（' + s.id + '）');
      o.value = s.id;
      sel.appendChild(o);
    });
    sel.value = w[key] || '';
    sel.addEventListener('change', function () { w[key] = sel.value; H.dirtied(); });
    return sel;
  }

  function renderWindows() {
    var tb = $('t-windows'), d = H.doc;
    tb.textContent = '';
    d.windows.forEach(function (w, i) {
      var tr = Y.el('tr'), p = 'windows[' + i + ']';
      w.categories = w.categories || [];
      td(tr, H.input(w.id, function (v) { w.id = v; }, { path: p + '.id', cls: 'h-id' }));
      td(tr, H.input(w.name, function (v) { w.name = v; }, { path: p + '.name' }));
      td(tr, H.checks(d.categories, w.categories, function (v) { w.categories = v; }, p + '.categories'));
      td(tr, postSelect(w, 'a', p + '.a'));
      td(tr, postSelect(w, 'b', p + '.b'));
      td(tr, remover(d.windows, i, '窗口“' + w.name + '”'));
      tb.appendChild(tr);
    });
  }

  function renderStaff() {
    var tb = $('t-staff'), d = H.doc;
    tb.textContent = '';
    d.staff.forEach(function (s, i) {
      var tr = Y.el('tr'), p = 'staff[' + i + ']';
      s.windows = s.windows || [];
      tr.setAttribute('data-staff', s.id);
      td(tr, H.input(s.id, function (v) { s.id = v; }, { path: p + '.id', cls: 'h-id' }));
      td(tr, H.input(s.name, function (v) { s.name = v; }, { path: p + '.name' }));
      td(tr, H.checks(d.windows.map(function (w) { return { id: w.id, name: w.name }; }), s.windows, function (v) { s.windows = v; }, p + '.windows'));
      var adm = Y.el('input');
      adm.type = 'checkbox';
      adm.checked = !!s.admin;
      adm.addEventListener('change', function () { s.admin = adm.checked; H.dirtied(); });
      td(tr, adm);
      td(tr, H.input(s.pin, function (v) { s.pin = v; }, { path: p + '.pin', cls: 'h-pin-in', placeholder: s.saved ? '不改' : '自动生成' }));
      var act = td(tr);
      if (s.saved) {
        act.appendChild(H.button('重置密码', function () { H.resetPIN(s); }, 'h-reset'));
      }
      act.appendChild(remover(d.staff, i, '工作人员“' + s.name + '”'));
      tb.appendChild(tr);
    });
  }

  H.resetPIN = function (s) {
    var pin = window.prompt('给' + s.name + '设新密码（4 到 12 位数字）；留空则由系统生成：', '');
    if (pin === null) { return; }
    H.api('POST', '/api/admin/staff/' + encodeURIComponent(s.id) + '/pin', pin ? { pin: pin } : {}).then(function (r) {
      H.showPIN(s.name, r.pin || pin);
      H.load(true);
    }, H.error);
  };

  // showPIN shows a PIN this once, large, for the manager to pass on.
  H.showPIN = function (name, pin) {
    var box = $('shown-pin');
    box.textContent = '';
    box.appendChild(Y.el('span', null, name + '的新密码：'));
    box.appendChild(Y.el('b', 'h-pin-value', pin));
    box.appendChild(Y.el('span', 'muted', '（只显示这一次，请记下交给本人）'));
    box.appendChild(H.button('记下了', function () { box.hidden = true; }));
    box.hidden = false;
  };

  H.render = function () {
    renderCategories();
    renderServices();
    renderWindows();
    renderStaff();
    H.onLoad.forEach(function (f) { f(H.doc); });
  };

  // Problems: the loader's field paths, said in Chinese and marked on the
  // field.
  var listNames = { categories: '类别', services: '事项', windows: '窗口', staff: '工作人员' };
  var fieldNames = {
    id: '编号', prefix: '前缀', name: '名称', categories: '类别', windows: '窗口', pin: '密码',
    a: 'A岗', b: 'B岗', service_minutes: '每件约需', daily_cap: '每日限号', open: '上班时间',
    close: '下班时间', from: '开始', to: '结束', weekdays: '工作日', closed_dates: '放假日期',
    open_dates: '调休上班日期', every: '逢几', stop_issuing_minutes: '提前停止取号', notices: '公告',
    promise_days: '承诺件时限', bring: '需带材料'
  };
  H.where = function (path) {
    var m = /^(categories|services|windows|staff)\[(\d+)\]\.?([a-z_]*)(\[(\d+)\])?/.exec(path);
    if (m) {
      var item = (H.doc[m[1]] || [])[+m[2]] || {};
      return listNames[m[1]] + '第' + (+m[2] + 1) + '行' + (item.name ? '“' + item.name + '”' : '') +
        (m[3] ? '的' + (fieldNames[m[3]] || m[3]) : '');
    }
    var parts = path.replace(/\[\d+\]/g, '').split('.');
    var head = { hours: '营业时间', market_days: '赶集日', calling: '叫号规则', moves: '等候的号' }[parts[0]] || parts[0];
    return head + (parts[1] ? '的' + (fieldNames[parts[1]] || parts[1]) : '');
  };
  var says = [
    [/^missing$/, '没有填写'],
    [/^duplicate id "(.*)"$/, '编号“$1”重复了'],
    [/^unknown category "(.*)"$/, '没有编号为“$1”的类别'],
    [/^unknown window "(.*)"$/, '没有编号为“$1”的窗口'],
    [/^unknown staff "(.*)"$/, '没有编号为“$1”的工作人员'],
    [/^staff "(.*)" does not list window "(.*)"$/, '“$1”不在窗口 $2 工作，先在工作人员里勾选该窗口'],
    [/^must be one to two capital letters, not "(.*)"$/, '应为一到两个大写字母（如 B），不能是“$1”'],
    [/^prefix "(.*)" is already used by category "(.*)"$/, '前缀 $1 已被类别 $2 使用'],
    [/^a service needs at least one category$/, '至少勾选一个类别'],
    [/^window "(.*)" serves nothing$/, '至少勾选一个类别'],
    [/^must be 4 to 12 digits$/, '应为 4 到 12 位数字'],
    [/^must not be negative$/, '不能是负数'],
    [/^want a time of day as "08:30", not "(.*)"$/, '应写成 08:30 这样的时间'],
    [/^must be after (.*)$/, '应晚于前一个时间'],
    [/^want a date as "2026-10-01", not "(.*)"$/, '日期应写成 2026-10-01，不能是“$1”'],
    [/^at least one category is needed$/, '至少要有一个类别'],
    [/^at least one service is needed$/, '至少要有一个事项'],
    [/waiting tickets need a category$/, '被删除的类别还有人等候，请选择转到哪个类别']
  ];
  H.say = function (problem) {
    for (var i = 0; i < says.length; i++) {
      if (says[i][0].test(problem)) { return problem.replace(says[i][0], says[i][1]); }
    }
    return problem;
  };

  H.showProblems = function (err) {
    var box = $('problems'), probs = (err.data && err.data.problems) || [];
    var bad = document.querySelectorAll('.h-bad'), i;
    for (i = 0; i < bad.length; i++) { bad[i].classList.remove('h-bad'); }
    box.textContent = '';
    box.appendChild(Y.el('h2', null, err.message));
    var ul = Y.el('ul');
    probs.forEach(function (p) {
      ul.appendChild(Y.el('li', null, H.where(p.path) + '：' + H.say(p.problem)));
      var path = p.path, el = null;
      while (path && !(el = document.querySelector('[data-path="' + path + '"]'))) {
        path = path.replace(/(\.[a-z_]+|\[\d+\])$/, '');
        if (!/[.[]/.test(path)) { break; }
      }
      if (el) {
        el.classList.add('h-bad');
        H.showTabOf(el);
      }
    });
    box.appendChild(ul);
    if (err.code === 'category_has_waiting') { H.askMoves(box, probs); }
    box.hidden = false;
    // Below the sticky save bar.
    window.scrollTo(0, Math.max(0, box.getBoundingClientRect().top + window.pageYOffset - 140));
  };

  // askMoves asks where the waiting tickets of removed categories go.
  H.askMoves = function (box, probs) {
    probs.forEach(function (p) {
      var from = p.path.replace(/^moves\./, ''), sel = Y.el('select');
      H.doc.categories.forEach(function (c) {
        var o = Y.el('option', null, c.name);
        o.value = c.id;
        sel.appendChild(o);
      });
      var l = Y.el('p', null, '把“' + from + '”等候的号转到：');
      l.appendChild(sel);
      l.appendChild(H.button('转过去并保存', function () {
        H.moves = H.moves || {};
        H.moves[from] = sel.value;
        H.save();
      }, 'primary'));
      box.appendChild(l);
    });
  };

  H.save = function () {
    var btn = $('save');
    btn.disabled = true;
    H.api('PUT', '/api/admin/hall', { version: H.version, hall: H.clean(), moves: H.moves || {} }).then(function (r) {
      btn.disabled = false;
      H.moves = null;
      $('problems').hidden = true;
      var made = r.pins || {}, names = [];
      Object.keys(made).forEach(function (id) { names.push(id + '：' + made[id]); });
      if (names.length) { H.showPIN('新工作人员', names.join('，')); }
      H.load(true);
      setText($('h-state'), '已保存，已生效（版本 ' + r.version + '）');
      $('h-state').className = 'h-saved';
    }, function (err) {
      btn.disabled = false;
      if (err.data && err.data.problems) { H.showProblems(err); return; }
      if (err.code === 'stale_version') {
        H.error('配置刚被别人改过：请点“放弃修改”重新读取后再改。');
        return;
      }
      H.error(err);
    });
  };

  // clean is the document to send: page-only marks dropped, empty PINs
  // left out (the clerk keeps theirs).
  H.clean = function () {
    var d = JSON.parse(JSON.stringify(H.doc));
    d.staff.forEach(function (s) {
      delete s.saved;
      if (!s.pin) { delete s.pin; }
    });
    return d;
  };

  H.load = function (keepMessages, first) {
    return H.api('GET', '/api/admin/hall').then(function (r) {
      H.doc = r.hall;
      H.version = r.version;
      H.history = r.history || [];
      ['categories', 'services', 'windows', 'staff'].forEach(function (k) { H.doc[k] = H.doc[k] || []; });
      H.doc.staff.forEach(function (s) { s.saved = true; });
      H.dirty = false;
      $('login').hidden = true;
      $('editor').hidden = false;
      if (!keepMessages) {
        setText($('h-state'), '当前版本 ' + H.version);
        $('h-state').className = 'muted';
        $('problems').hidden = true;
      }
      H.render();
    }, function (err) {
      // Not signed in yet: the form says it, no error needed.
      if (first && (err.status === 401 || err.status === 403)) { showLogin(); return; }
      H.error(err);
    });
  };

  H.showTab = function (name) {
    var tabs = document.querySelectorAll('.h-tab'), bs = document.querySelectorAll('#tabs button'), i;
    for (i = 0; i < tabs.length; i++) { tabs[i].hidden = tabs[i].getAttribute('data-tab') !== name; }
    for (i = 0; i < bs.length; i++) { bs[i].className = bs[i].getAttribute('data-tab') === name ? 'on' : ''; }
  };
  H.showTabOf = function (el) {
    while (el && !(el.classList && el.classList.contains('h-tab'))) { el = el.parentNode; }
    if (el) { H.showTab(el.getAttribute('data-tab')); }
  };

  var tabButtons = document.querySelectorAll('#tabs button');
  for (var t = 0; t < tabButtons.length; t++) {
    tabButtons[t].addEventListener('click', function () { H.showTab(this.getAttribute('data-tab')); });
  }
  function adder(id, list, item) {
    $(id).addEventListener('click', function () {
      H.doc[list].push(item());
      H.dirtied();
      H.render();
      var rows = document.querySelectorAll('#t-' + list + ' tr');
      var first = rows[rows.length - 1].querySelector('input');
      if (first) { first.focus(); }
    });
  }
  adder('add-category', 'categories', function () { return { id: '', prefix: '', name: '' }; });
  adder('add-service', 'services', function () { return { id: '', name: '', categories: [] }; });
  adder('add-window', 'windows', function () { return { id: '', name: '', categories: [] }; });
  adder('add-staff', 'staff', function () { return { id: '', name: '', windows: [] }; });
  $('save').addEventListener('click', H.save);
  $('revert').addEventListener('click', function () { H.load(); });
  $('login-form').addEventListener('submit', function (e) {
    e.preventDefault();
    H.api('POST', '/api/admin/login', { password: $('password').value }).then(function () {
      $('password').value = '';
      H.load();
    }, H.error);
  });
  window.addEventListener('beforeunload', function (e) {
    if (H.dirty) { e.preventDefault(); e.returnValue = ''; }
  });

  H.showTab('services');
  H.load(false, true);
})();
