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
    top.appendChild(el('span', 'hall-name', h.name));
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
      var chip = el('span', 'chip' + (k.waiting > 0 && k.open_windows === 0 ? ' warn' : ''), k.prefix + ' ' + k.name + ' ' + k.waiting);
      cats.appendChild(chip);
    });
    c.appendChild(cats);
    var away = h.staff.filter(function (s) { return s.status !== 'on_duty' && s.status !== 'off'; });
    var staff = el('div', 'staff-line');
    staff.textContent = away.length ? away.map(function (s) { return s.name + '·' + s.status_name; }).join('　') : '人员均在岗或未到岗';
    c.appendChild(staff);
    var t = h.today;
    var today = el('div', 'today');
    today.appendChild(el('span', null, '取号 ' + t.issued));
    today.appendChild(el('span', null, '办结 ' + t.finished));
    today.appendChild(el('span', null, '满意率 ' + (t.rated ? County.pct(t.satisfaction) : '—')));
    c.appendChild(today);
    var foot = el('div', 'hall-foot');
    if (h.alarms.length) {
      h.alarms.forEach(function (a) { foot.appendChild(el('span', 'alarm-text', a.message)); });
    } else {
      foot.appendChild(el('span', 'muted', h.online ? '正常' : '最后连线 ' + County.ago(h.last_seen)));
    }
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
