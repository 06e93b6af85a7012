/* A day's appointments as table rows (时段, 预约码, 事项, 村民, 状态, 取消),
 * shared by the clerk's 预约登记 and the manager's floor. cancelled runs
 * after a 取消 went through; failed gets the refusal. */
(function () {
  'use strict';
  var el = Y.el;

  Y.appointmentRows = function (tb, list, serviceName, cancelled, failed) {
    tb.textContent = '';
    for (var i = 0; i < list.length; i++) {
      tb.appendChild(row(list[i], serviceName, cancelled, failed));
    }
  };

  function row(a, serviceName, cancelled, failed) {
    var tr = el('tr');
    tr.setAttribute('data-appt', a.code);
    tr.appendChild(el('td', null, a.slot));
    tr.appendChild(el('td', null, a.code));
    tr.appendChild(el('td', null, serviceName(a.service)));
    tr.appendChild(el('td', null, (a.name || '') + (a.phone ? ' ' + a.phone : '')));
    tr.appendChild(el('td', null, a.ticket ? '已取号' : a.missed ? '爽约' : '待取号'));
    var td = el('td');
    // Only a booking still waiting for its villager can be cancelled.
    if (!a.ticket && !a.missed) {
      var b = el('button', 'btn small', '取消');
      b.type = 'button';
      b.setAttribute('data-cancel', a.code);
      b.addEventListener('click', function () {
        b.disabled = true;
        Y.api('DELETE', '/api/appointments/' + encodeURIComponent(a.code)).then(cancelled, function (err) {
          b.disabled = false;
          failed(err);
        });
      });
      td.appendChild(b);
    }
    tr.appendChild(td);
    return tr;
  }
})();
