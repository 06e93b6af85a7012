// Every hall on one screen: a card per hall, worst first among equals is
// left to the eye; the order is the halls' ids so that a hall keeps its
// place on the wall.
(function () {
  'use strict';
  var el = County.el;

  function card(h) {
    var c = el('a', 'hall' + (h.online ? '' : ' off') + (h.alarms.length ? ' alarm' : ''));
    c.href = '/county/halls/' + encodeURIComponent(h.id);
    c.dataset.hall = h.id;
    var top = el('div', 'hall-top');
    // The common suffix says nothing on a wall of halls.
    var name = el('span', 'hall-name', h.name.replace(/便民服务中心$/, '') || h.name);
    name.title = h.name;
    top.appendChild(name);
    top.appendChild(el('span', 'pill ' + (h.online ? 'on' : 'off'), h.online ? '在线' : '离线'));
    c.appendChild(top);
    var big = el('div', 'hall-big');
    var w = el('div', 'big-num');
    w.appendChild(el('span', 'n waiting', h.waiting));
    w.appendChild(el('span', 'u', '人等候'));
    big.appendChild(w);
    var o = el('div', 'big-num');
    o.appendChild(el('span', 'n windows', h.open_windows));
    o.appendChild(el('span', 'u', '窗口开放'));
    big.appendChild(o);
    c.appendChild(big);
    var cats = el('div', 'cats');
    h.categories.forEach(function (k) {
      if (k.waiting === 0) return;
      var chip = el('span', 'chip' + (k.open_windows === 0 ? ' warn' : ''), k.prefix + ' ' + k.waiting);
      chip.title = k.name + ' ' + k.waiting + ' 人等候';
      cats.appendChild(chip);
    });
    if (!cats.childNodes.length) cats.appendChild(el('span', 'muted', h.seq ? '无人等候' : '尚无数据'));
    c.appendChild(cats);
    var away = h.staff.filter(function (s) { return s.status !== 'on_duty' && s.status !== 'off'; });
    var staff = el('div', 'staff-line');
    staff.textContent = away.length ? away.map(function (s) { return s.name + '·' + s.status_name; }).join('　') : '';
    c.appendChild(staff);
    var t = h.today;
    var today = el('div', 'today');
    today.appendChild(el('span', null, '取号 ' + t.issued));
    today.appendChild(el('span', null, '办结 ' + t.finished));
    today.appendChild(el('span', null, '满意率 ' + (t.rated ? County.pct(t.satisfaction) : '—')));
    c.appendChild(today);
    var foot = el('div', 'hall-foot');
    var shown = h.alarms.filter(function (a) { return a.code !== 'offline'; });
    shown.forEach(function (a) { foot.appendChild(el('span', 'alarm-text', a.message)); });
    if (!h.online) foot.appendChild(el('span', 'muted', h.last_seen ? '最后连线 ' + County.ago(h.last_seen) : '从未连线'));
    c.appendChild(foot);
    return c;
  }

  function render(data) {
    var box = document.getElementById('halls');
    var s = { online: 0, waiting: 0, windows: 0, issued: 0, finished: 0, alarms: 0 };
    var frag = document.createDocumentFragment();
    data.halls.forEach(function (h) {
      s.online += h.online ? 1 : 0; s.waiting += h.waiting; s.windows += h.open_windows;
      s.issued += h.today.issued; s.finished += h.today.finished; s.alarms += h.alarms.length;
      frag.appendChild(card(h));
    });
    box.replaceChildren(frag);
    box.dataset.count = String(data.halls.length);
    document.getElementById('sum-halls').textContent = data.halls.length;
    document.getElementById('sum-online').textContent = s.online;
    document.getElementById('sum-waiting').textContent = s.waiting;
    document.getElementById('sum-windows').textContent = s.windows;
    document.getElementById('sum-issued').textContent = s.issued;
    document.getElementById('sum-finished').textContent = s.finished;
    document.getElementById('sum-alarms').textContent = s.alarms;
    document.getElementById('updated').textContent = '更新于 ' + new Date(data.at).toLocaleTimeString('zh-CN');
  }

  County.poll(function () { return County.api('GET', '/api/county/halls').then(render); }, 3000);
})();
