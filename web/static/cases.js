/* 承诺件 on the staff pages: one case as a table row with the actions its
 * state allows, shared by the clerk's panel and the manager's list. */
(function () {
  'use strict';
  var el = Y.el;

  // The actions a state allows, with their labels; forward and suspend
  // need the text box (where to, the reason).
  function actions(c) {
    if (c.state === 'closed') { return []; }
    if (c.state === 'picked_up') { return [['close', '结案']]; }
    if (c.state === 'ready') { return [['pickup', '已取件'], ['close', '结案']]; }
    if (c.suspended) { return [['resume', '恢复办理'], ['close', '结案']]; }
    return [['forward', '转送'], ['suspend', '暂停（补正）'], ['ready', '办好·待取件'], ['close', '结案']];
  }

  function dueText(c) {
    if (c.state === 'ready' || c.state === 'picked_up' || c.state === 'closed') {
      return (c.done_at || '').slice(5, 10) + ' 办结' + (c.late ? '（超期）' : '');
    }
    if (c.overdue) { return c.due.slice(5) + ' 已超期'; }
    return c.due.slice(5) + (c.days_left > 0 ? '（余 ' + c.days_left + ' 个工作日）' : '（今天到期）');
  }

  function stateText(c) {
    return c.suspended ? '暂停：' + (c.reason || '') : c.state_name + (c.state === 'processing' && c.note ? '：' + c.note : '');
  }

  // row makes the row of a case; done(err) runs after an action.
  function row(c, done) {
    var tr = el('tr', c.alarm ? 'case-row-late' : c.near_due ? 'case-row-near' : '');
    tr.setAttribute('data-case', c.id);
    tr.appendChild(el('td', null, c.number));
    tr.appendChild(el('td', null, c.service_name));
    tr.appendChild(el('td', null, (c.name || '') + (c.phone ? ' ' + c.phone : '') +
      (c.proxy ? '（' + c.proxy.station + ' ' + c.proxy.agent + ' 代办）' : '')));
    tr.appendChild(el('td', 'case-state', stateText(c)));
    tr.appendChild(el('td', c.alarm ? 'late' : c.near_due ? 'near' : '', dueText(c)));
    tr.appendChild(el('td', null, c.responsible_name));
    var td = el('td'), acts = actions(c), input = null;
    for (var i = 0; i < acts.length; i++) {
      if ((acts[i][0] === 'forward' || acts[i][0] === 'suspend') && !input) {
        input = el('input');
        input.setAttribute('maxlength', '40');
        input.setAttribute('placeholder', '转送到哪里 / 需补正的材料');
        input.className = 'case-text';
        td.appendChild(input);
      }
      td.appendChild(button(c, acts[i][0], acts[i][1], input, done));
    }
    tr.appendChild(td);
    return tr;
  }

  function button(c, action, label, input, done) {
    var b = el('button', 'btn', label);
    b.type = 'button';
    b.setAttribute('data-case-act', action);
    b.addEventListener('click', function () {
      b.disabled = true;
      var text = input && (action === 'forward' || action === 'suspend') ? input.value : '';
      Y.api('POST', '/api/cases/' + encodeURIComponent(c.id) + '/' + action, { text: text }).then(function () {
        done(null);
      }, function (err) {
        b.disabled = false;
        done(err);
      });
    });
    return b;
  }

  // table adds to parent a table of cases with its header, and a line
  // shown when it is empty; it returns the tbody and that line.
  function table(parent, bodyID, emptyText) {
    var t = el('table'), head = el('tr'), cols = ['号码', '事项', '村民', '状态', '承诺办结', '首问责任人', '操作'];
    for (var i = 0; i < cols.length; i++) { head.appendChild(el('th', null, cols[i])); }
    t.appendChild(el('thead')).appendChild(head);
    var body = el('tbody');
    body.id = bodyID;
    t.appendChild(body);
    parent.appendChild(t);
    var none = el('p', 'muted', emptyText);
    parent.appendChild(none);
    return { body: body, none: none };
  }

  Y.cases = { row: row, dueText: dueText, table: table };
})();
