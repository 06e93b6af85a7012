// 代办申请: a 代办员 books an appointment at a township hall or files a 代办
// case for a villager, and follows each request until the hall answers.
(function () {
  'use strict';
  var el = County.el;
  var $ = function (id) { return document.getElementById(id); };
  var halls = [], slot = '';
  var weekdays = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

  function kind() { return $('kind-proxy').checked ? 'proxy' : 'appointment'; }
  function hall() { return halls.find(function (h) { return h.id === $('r-hall').value; }); }
  function service() {
    var h = hall();
    return h && h.services.find(function (s) { return s.id === $('r-service').value; });
  }

  function option(value, text) { var o = el('option', null, text); o.value = value; return o; }

  function fillHalls() {
    var sel = $('r-hall'), keep = sel.value;
    sel.replaceChildren.apply(sel, halls.map(function (h) {
      return option(h.id, h.name + (h.online ? '' : '（暂未连线，申请会等它连上）'));
    }));
    if (keep && hall()) sel.value = keep;
    fillServices();
  }

  function fillServices() {
    var sel = $('r-service'), keep = sel.value, h = hall();
    var list = h ? h.services.filter(function (s) { return kind() === 'proxy' || s.bookable; }) : [];
    sel.replaceChildren.apply(sel, list.map(function (s) { return option(s.id, s.name); }));
    if (list.some(function (s) { return s.id === keep; })) sel.value = keep;
    fillDays();
    fillDocs();
  }

  // The days a booking may take: today and the service's days ahead.
  function fillDays() {
    var sel = $('r-day'), keep = sel.value, s = service();
    var out = [];
    if (s && s.bookable) {
      // Counted from the hall's date, not this PC's clock.
      var t = Date.parse(hall().today + 'T00:00:00Z');
      for (var i = 0; i <= s.days_ahead; i++) {
        var d = new Date(t + i * 86400000), iso = d.toISOString().slice(0, 10);
        out.push(option(iso, (d.getUTCMonth() + 1) + '月' + d.getUTCDate() + '日 ' + weekdays[d.getUTCDay()] + (i === 0 ? '（今天）' : i === 1 ? '（明天）' : '')));
      }
    }
    sel.replaceChildren.apply(sel, out);
    if (out.some(function (o) { return o.value === keep; })) sel.value = keep;
    loadSlots();
  }

  var asked = 0; // the latest slots asked for: an older answer is dropped
  function loadSlots() {
    var box = $('slots'), s = service(), h = hall(), day = $('r-day').value, mine = ++asked;
    slot = '';
    $('slots-asof').textContent = '';
    if (kind() !== 'appointment' || !s || !day) { box.replaceChildren(); return; }
    County.api('GET', '/api/county/halls/' + encodeURIComponent(h.id) + '/slots?service=' + encodeURIComponent(s.id) + '&day=' + day)
      .then(function (r) {
        if (mine !== asked) return;
        if (r.as_of) $('slots-asof').textContent = '（按乡镇 ' + r.as_of + ' 的情况）';
        if (!r.slots.length) { box.replaceChildren(el('span', 'muted', '这一天没有可约时段，请换一天')); return; }
        box.replaceChildren.apply(box, r.slots.map(function (sl) {
          var b = el('button', 'slot', sl.slot);
          b.type = 'button'; b.dataset.slot = sl.slot;
          b.setAttribute('role', 'radio'); b.setAttribute('aria-checked', 'false');
          b.appendChild(el('span', 'free', sl.free > 0 ? '余 ' + sl.free : '已满'));
          b.disabled = sl.free <= 0;
          b.addEventListener('click', function () {
            slot = sl.slot;
            box.querySelectorAll('.slot').forEach(function (o) { o.setAttribute('aria-checked', String(o === b)); });
          });
          return b;
        }));
      }).catch(function (e) { if (mine === asked) box.replaceChildren(el('span', 'error', e.message)); });
  }

  function fillDocs() {
    var box = $('docs'), s = service();
    box.replaceChildren.apply(box, (s ? s.bring : []).map(function (d) {
      var l = el('label'), c = el('input');
      c.type = 'checkbox'; c.value = d;
      l.append(c, d);
      return l;
    }));
  }

  function showKind() {
    $('appt-part').hidden = kind() !== 'appointment';
    $('proxy-part').hidden = kind() !== 'proxy';
    fillServices();
  }

  function list() {
    return County.api('GET', '/api/county/requests').then(function (r) {
      var ol = $('requests');
      $('req-empty').hidden = r.requests.length > 0;
      ol.replaceChildren.apply(ol, r.requests.map(function (q) {
        var li = el('li', 'req ' + q.state);
        li.dataset.id = q.id;
        var top = el('div', 'req-top');
        top.append(el('span', 'req-what', (q.kind === 'proxy' ? '代办 · ' : '预约 · ') + q.hall_name + ' · ' + q.service_name),
          el('span', 'req-state', q.state_name));
        li.appendChild(top);
        var who = q.name + (q.day ? '　' + q.day + ' ' + q.slot : '');
        li.appendChild(el('div', null, who));
        if (q.state === 'accepted') {
          li.appendChild(el('div', 'req-code', (q.kind === 'proxy' ? '受理编号 ' : '预约码 ') + q.code));
        } else if (q.state === 'refused') {
          li.appendChild(el('div', 'req-reason', q.reason));
        }
        if (q.documents && q.documents.length) li.appendChild(el('div', 'req-meta', '材料：' + q.documents.join('、')));
        li.appendChild(el('div', 'req-meta', q.filed_at + ' 由 ' + q.agent + ' 提交'));
        return li;
      }));
    });
  }

  document.querySelectorAll('input[name=kind]').forEach(function (r) { r.addEventListener('change', showKind); });
  $('r-hall').addEventListener('change', fillServices);
  $('r-service').addEventListener('change', function () { fillDays(); fillDocs(); });
  $('r-day').addEventListener('change', loadSlots);

  $('req-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var err = $('r-error'), made = $('r-made');
    err.textContent = ''; made.textContent = '';
    var body = {
      hall: $('r-hall').value, kind: kind(), service: $('r-service').value,
      name: $('r-name').value.trim(), phone: $('r-phone').value.trim()
    };
    if (body.kind === 'appointment') {
      if (!slot) { err.textContent = '请选一个时段'; return; }
      body.day = $('r-day').value; body.slot = slot;
    } else {
      body.documents = Array.prototype.map.call($('docs').querySelectorAll('input:checked'), function (c) { return c.value; });
      var other = $('r-other-doc').value.trim();
      if (other) body.documents.push(other);
      body.note = $('r-note').value.trim();
    }
    $('r-submit').disabled = true;
    County.api('POST', '/api/county/requests', body).then(function (q) {
      made.textContent = '已提交：' + q.hall_name + ' ' + q.service_name + '，' + q.name + '。等乡镇受理后这里会显示' + (q.kind === 'proxy' ? '受理编号' : '预约码') + '。';
      $('r-name').value = ''; $('r-phone').value = ''; $('r-other-doc').value = ''; $('r-note').value = '';
      fillDocs();
      loadSlots();
      return list().then(function () {
        // On a phone the list is below the form: show the new request.
        var li = document.querySelector('#requests .req[data-id="' + q.id + '"]');
        if (li && li.getBoundingClientRect().bottom > innerHeight - 80) li.scrollIntoView({ block: 'center' });
      });
    }).catch(function (e) { err.textContent = e.message; })
      .then(function () { $('r-submit').disabled = false; });
  });

  County.api('GET', '/api/county/requests/halls').then(function (r) {
    halls = r.halls;
    if (!halls.length) $('r-error').textContent = '县里还没有收到任何乡镇的数据';
    fillHalls();
  }).catch(function (e) { $('r-error').textContent = e.message; });
  County.poll(list, 5000);
})();
