/* /book: a villager books a slot on their own phone (when the hall has
 * turned it on): service → day → slot with places left → name and phone →
 * the six-digit code, shown big, to type at the kiosk's 预约取号. A refusal
 * says why and offers the next free slot, as the clerk's booking does. */
(function () {
  'use strict';
  var $ = Y.$, el = Y.el, setText = Y.setText;
  var info = null, chosen = { service: null, day: null, slot: null };
  var week = ['日', '一', '二', '三', '四', '五', '六'];

  function dayLabel(day) {
    var p = day.split('-'), d = new Date(Number(p[0]), Number(p[1]) - 1, Number(p[2]));
    return Number(p[1]) + '月' + Number(p[2]) + '日 星期' + week[d.getDay()];
  }
  function show(id, on) { $(id).hidden = !on; }
  function fail(err, box) {
    setText(box, err.code === 'network' ? '连不上大厅的服务器，请确认连的是大厅的 Wi-Fi，再试一次。' : err.message);
  }
  function choice(label, sub, on, pick) {
    var b = el('button', 'b-choice' + (on ? '' : ' b-full'));
    b.type = 'button';
    b.appendChild(el('span', 'b-c-main', label));
    if (sub) { b.appendChild(el('span', 'b-c-sub', sub)); }
    b.disabled = !on;
    b.addEventListener('click', pick);
    return b;
  }
  function mark(box, b) {
    Array.prototype.forEach.call(box.children, function (c) { c.classList.toggle('b-picked', c === b); });
  }
  // A glide to the next step, unless the phone asks for less motion.
  var still = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  function scrollTo(id) { var e = $(id); if (e.scrollIntoView) { e.scrollIntoView({ behavior: still ? 'auto' : 'smooth', block: 'start' }); } }

  function loadDays() {
    show('b-step-slot', false);
    show('b-step-form', false);
    var box = $('b-days');
    box.textContent = '';
    Y.api('GET', '/api/book/days?service=' + encodeURIComponent(chosen.service.id)).then(function (r) {
      var days = r.data.days || [];
      if (!days.length) { box.appendChild(el('p', 'b-msg', '近期没有可预约的日期，请到大厅办理。')); }
      days.forEach(function (d) {
        var b = choice(dayLabel(d.day), d.free > 0 ? '还可约 ' + d.free + ' 人' : '已约满', d.free > 0, function () {
          chosen.day = d.day;
          mark(box, b);
          loadSlots();
        });
        b.setAttribute('data-day', d.day);
        box.appendChild(b);
      });
      show('b-step-day', true);
      scrollTo('b-step-day');
    }, function (err) { fail(err, $('b-loading')); show('b-loading', true); });
  }

  function loadSlots(then) {
    show('b-step-form', false);
    var box = $('b-slots');
    box.textContent = '';
    Y.api('GET', '/api/book/slots?service=' + encodeURIComponent(chosen.service.id) + '&day=' + chosen.day).then(function (r) {
      (r.data.slots || []).forEach(function (s) {
        var b = choice(s.slot, s.free > 0 ? '余 ' + s.free : '已满', s.free > 0, function () { pickSlot(s.slot, b); });
        b.setAttribute('data-slot', s.slot);
        box.appendChild(b);
      });
      show('b-step-slot', true);
      if (then) { then(); } else { scrollTo('b-step-slot'); }
    }, function (err) { fail(err, $('b-loading')); show('b-loading', true); });
  }

  function pickSlot(slot, b) {
    chosen.slot = slot;
    mark($('b-slots'), b);
    setText($('b-chosen'), chosen.service.name + '\n' + dayLabel(chosen.day) + ' ' + slot);
    setText($('b-msg'), '');
    show('b-next', false);
    show('b-step-form', true);
    scrollTo('b-step-form');
  }

  function book() {
    var name = $('b-name').value.trim(), phone = $('b-phone').value.replace(/\s+/g, '');
    if (!name) { setText($('b-msg'), '请填写姓名'); return; }
    if (!/^1\d{10}$/.test(phone)) { setText($('b-msg'), '请填写 11 位手机号'); return; }
    $('b-go').disabled = true;
    Y.api('POST', '/api/book', { service: chosen.service.id, day: chosen.day, slot: chosen.slot, name: name, phone: phone }).then(function (r) {
      var a = r.data;
      $('b-go').disabled = false;
      ['b-step-service', 'b-step-day', 'b-step-slot', 'b-step-form'].forEach(function (id) { show(id, false); });
      setText($('b-code'), a.code);
      setText($('b-when'), a.service_name + '\n' + dayLabel(a.day) + ' ' + a.slot);
      setText($('b-how'), '请记住预约码（可截图保存）。当天 ' + a.slot + ' 前 ' + info.checkin_before_minutes + ' 分钟到后 ' + info.checkin_after_minutes +
        ' 分钟内，在大厅取号机点“预约取号”，输入预约码取号；忘了预约码，也可以输入手机号后 4 位。过了时间未取号算爽约。');
      show('b-done', true);
      window.scrollTo(0, 0);
    }, function (err) {
      $('b-go').disabled = false;
      fail(err, $('b-msg'));
      var next = err.data && err.data.next;
      if (next) {
        // The next free slot, one tap away.
        setText($('b-next'), '改约 ' + dayLabel(next.day) + ' ' + next.slot);
        $('b-next').onclick = function () {
          chosen.day = next.day;
          var days = $('b-days').querySelector('[data-day="' + next.day + '"]');
          if (days) { mark($('b-days'), days); }
          loadSlots(function () {
            var b = $('b-slots').querySelector('[data-slot="' + next.slot + '"]');
            if (b) { pickSlot(next.slot, b); }
          });
        };
        show('b-next', true);
      } else {
        show('b-next', false);
      }
      // The reason, the next slot and 确认 together on screen.
      $('b-chosen').scrollIntoView({ block: 'start' });
    });
  }

  $('b-go').addEventListener('click', book);
  $('b-again').addEventListener('click', function () { location.reload(); });
  Y.api('GET', '/api/book').then(function (r) {
    info = r.data;
    show('b-loading', false);
    if (!info.open) { show('b-off', true); return; }
    var box = $('b-services');
    (info.services || []).forEach(function (sv) {
      var b = choice(sv.name, sv.note || '', true, function () {
        chosen.service = sv;
        mark(box, b);
        loadDays();
      });
      b.setAttribute('data-service', sv.id);
      box.appendChild(b);
    });
    show('b-step-service', true);
  }, function (err) { fail(err, $('b-loading')); });
})();
