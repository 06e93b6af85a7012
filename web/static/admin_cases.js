/* Manager's floor view: 承诺件. Overdue cases raise an alarm that stays
 * until the case is closed (no dismiss button); cases due within a working
 * day are a warning; the list filters by state and acceptance date. */
(function () {
  'use strict';
  var $ = Y.$, el = Y.el, setText = Y.setText;
  var lastLoad = 0;

  var alarms = el('div');
  alarms.id = 'case-alarms';
  $('alarms').parentNode.insertBefore(alarms, $('alarms').nextSibling);

  var card = el('div', 'card a-cases');
  card.id = 'cases';
  var h = el('h2', null, '承诺件 ');
  var state = el('select');
  state.id = 'cases-state';
  var states = [['open', '未结案'], ['overdue', '超期'], ['near_due', '即将到期'], ['accepted', '已受理'], ['processing', '办理中'],
    ['ready', '待取件'], ['picked_up', '已取件'], ['closed', '已结案'], ['', '全部']];
  for (var i = 0; i < states.length; i++) {
    var o = el('option', null, states[i][1]);
    o.value = states[i][0];
    state.appendChild(o);
  }
  h.appendChild(state);
  h.appendChild(document.createTextNode(' 受理 '));
  var from = el('input'), to = el('input');
  from.type = to.type = 'date';
  from.id = 'cases-from';
  to.id = 'cases-to';
  h.appendChild(from);
  h.appendChild(document.createTextNode(' 至 '));
  h.appendChild(to);
  var go = el('button', 'btn small', '查询');
  go.type = 'button';
  h.appendChild(go);
  card.appendChild(h);
  var list = Y.cases.table(card, 'cases-rows', '没有符合条件的承诺件'), body = list.body, none = list.none;
  var grid = document.querySelector('#floor .a-grid');
  grid.parentNode.insertBefore(card, grid.nextSibling);

  function query() {
    var q = '?state=' + encodeURIComponent(state.value);
    if (from.value) { q += '&from=' + from.value; }
    if (to.value) { q += '&to=' + to.value; }
    return q;
  }

  function load() {
    lastLoad = Date.now();
    Y.api('GET', '/api/admin/cases' + query()).then(function (r) {
      var cs = r.data.cases;
      body.textContent = '';
      for (var i = 0; i < cs.length && i < 500; i++) {
        body.appendChild(Y.cases.row(cs[i], function (err) {
          if (err) { setText($('error'), err.message); $('error').hidden = false; return; }
          load();
        }));
      }
      none.hidden = cs.length > 0;
    }, function () { /* signed out: admin.js shows the sign-in */ });
    // The alarms look at every open case, whatever the list shows.
    Y.api('GET', '/api/admin/cases?state=open').then(function (r) {
      alarms.textContent = '';
      var cs = r.data.cases, near = [];
      for (var i = 0; i < cs.length; i++) {
        var c = cs[i];
        if (c.alarm) {
          alarms.appendChild(el('div', 'a-case-alarm', '⚠ 承诺件超期：' + c.number + ' ' + c.service_name + '，承诺 ' + c.due +
            ' 前办结，' + (c.done_at ? '办结于 ' + c.done_at.slice(0, 10) + '，请结案' : '尚未办结') + '；首问责任人 ' + c.responsible_name));
        } else if (c.near_due) {
          near.push(c.number + '（' + c.responsible_name + '，' + c.due.slice(5) + '）');
        }
      }
      if (near.length) { alarms.appendChild(el('div', 'a-case-near', '即将到期的承诺件：' + near.join('、'))); }
    }, function () {});
  }

  window.yimenAdminCases = { reload: load };
  go.addEventListener('click', load);
  state.addEventListener('change', load);
  var shown = false;
  setInterval(function () {
    var now = !$('floor').hidden;
    if (now && (!shown || Date.now() - lastLoad > 30000)) { load(); }
    shown = now;
  }, 1000);
})();
