/* Manager's floor view: 加开窗口. One click gives a clerk an unused window
 * for today (a clerk on duty first, one without a window before one with),
 * logged like extending the hours; each window given today has 撤销. */
(function () {
  'use strict';
  var $ = Y.$, el = Y.el;
  var winSel = $('extra-window'), staffSel = $('extra-staff'), go = $('extra-open'), list = $('extra-list');

  function error(err) {
    var e = $('error');
    Y.setText(e, err.message + (err.code && err.code !== 'network' ? '（' + err.code + '）' : ''));
    e.hidden = false;
  }

  // fill refills a select, keeping the choice while it is still offered.
  function fill(sel, options) {
    var keep = sel.value, i, o;
    sel.textContent = '';
    for (i = 0; i < options.length; i++) {
      o = el('option', null, options[i].text);
      o.value = options[i].value;
      sel.appendChild(o);
    }
    if (keep && options.some(function (x) { return x.value === keep; })) { sel.value = keep; }
  }

  function render(b) {
    var wins = [], staff = [];
    b.each('windows', function (w) {
      if (w.state === 'closed') { wins.push({ value: w.id, text: w.name }); }
    });
    b.each('staff', function (s) {
      var rank = s.status === 'on_duty' ? (s.window ? 1 : 0) : (s.status === 'off' ? 3 : 2);
      var where = s.status === 'on_duty' ? '在岗' + (s.window && b.windows[s.window] ? '·' + b.windows[s.window].name : '') : (s.status_name || s.status);
      staff.push({ value: s.id, text: s.name + '（' + where + '）', rank: rank });
    });
    staff.sort(function (x, y) { return x.rank - y.rank; });
    fill(winSel, wins);
    fill(staffSel, staff);
    go.disabled = !wins.length || !staff.length;
  }

  function renderList(extra) {
    list.textContent = '';
    (extra || []).forEach(function (x) {
      var li = el('li', null, '今天加开：' + x.window_name + ' · ' + x.staff_name + '（' + (x.at || '').slice(11, 16) + '）');
      var undo = el('button', 'btn small', '撤销');
      undo.type = 'button';
      undo.setAttribute('data-undo', x.window + ':' + x.staff);
      undo.addEventListener('click', function () {
        undo.disabled = true;
        Y.api('POST', '/api/admin/today/extra-window/undo', { window: x.window, staff: x.staff }).then(function (r) {
          renderList(r.data.extra);
        }, function (err) { undo.disabled = false; error(err); });
      });
      li.appendChild(undo);
      list.appendChild(li);
    });
  }

  function load() {
    Y.api('GET', '/api/admin/today/extra-windows').then(function (r) { renderList(r.data.extra); }, function () { /* signed out */ });
  }

  go.addEventListener('click', function () {
    if (!winSel.value || !staffSel.value) { return; }
    go.disabled = true;
    Y.api('POST', '/api/admin/today/extra-window', { window: winSel.value, staff: staffSel.value }).then(function (r) {
      go.disabled = false;
      renderList(r.data.extra);
    }, function (err) { go.disabled = false; error(err); });
  });

  window.yimenExtraWindows = {
    board: function (b, msg) {
      if (msg.type === 'snapshot' || msg.type === 'day' || msg.type === 'hall' || msg.windows || msg.staff) { render(b); }
      if (msg.type === 'snapshot' || msg.type === 'day' || msg.type === 'override') { load(); }
    }
  };
})();
