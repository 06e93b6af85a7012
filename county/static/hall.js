(function () {
  'use strict';
  var el = County.el;
  var id = decodeURIComponent(location.pathname.split('/').pop());

  function row(cells) {
    var tr = el('tr');
    cells.forEach(function (c) { tr.appendChild(el('td', null, c)); });
    return tr;
  }

  function render(h) {
    document.title = h.name + ' · 县级便民服务';
    document.getElementById('hall-name').textContent = h.name;
    var st = document.getElementById('hall-state');
    st.textContent = h.online ? '在线' : '离线';
    st.className = 'pill ' + (h.online ? 'on' : 'off');
    document.getElementById('hall-seen').textContent = '最后连线 ' + County.ago(h.last_seen) + (h.day ? ' · 营业日 ' + h.day : '');
    var al = document.getElementById('hall-alarms');
    al.replaceChildren.apply(al, h.alarms.map(function (a) { return el('span', 'alarm-text', a.message); }));
    var t = h.today;
    document.getElementById('h-waiting').textContent = h.waiting;
    document.getElementById('h-windows').textContent = h.open_windows;
    document.getElementById('h-issued').textContent = t.issued;
    document.getElementById('h-finished').textContent = t.finished;
    document.getElementById('h-wait').textContent = t.issued ? t.avg_wait_minutes + ' 分' : '—';
    document.getElementById('h-sat').textContent = t.rated ? County.pct(t.satisfaction) : '—';
    var cats = document.getElementById('h-categories');
    cats.replaceChildren.apply(cats, h.categories.map(function (k) {
      return row([k.prefix + ' ' + k.name, k.waiting, k.priority, k.waiting ? k.longest_wait_minutes + ' 分' : '—', k.open_windows]);
    }));
    var wins = document.getElementById('h-window-list');
    wins.replaceChildren.apply(wins, h.windows.map(function (w) {
      return row([w.name, w.open ? (w.paused ? '暂停 ' + (w.reason || '') : '办理中') : '未开', w.staff_name || '—', w.current || '—']);
    }));
    var staff = document.getElementById('h-staff');
    staff.replaceChildren.apply(staff, h.staff.map(function (s) {
      return row([s.name, s.status_name, [s.note, s.until ? '至 ' + s.until : ''].filter(Boolean).join(' ')]);
    }));
  }

  County.poll(function () {
    return County.api('GET', '/api/county/halls/' + encodeURIComponent(id)).then(render);
  }, 3000);
})();
