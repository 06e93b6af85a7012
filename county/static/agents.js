(function () {
  'use strict';
  var el = County.el;

  function list() {
    return County.api('GET', '/api/county/agents').then(function (as) {
      var tb = document.getElementById('agents');
      tb.replaceChildren.apply(tb, as.map(function (a) {
        var tr = el('tr');
        [a.user, a.name, a.station || '—'].forEach(function (c) { tr.appendChild(el('td', null, c)); });
        return tr;
      }));
    });
  }

  document.getElementById('agent-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var err = document.getElementById('agent-error'), made = document.getElementById('agent-made');
    err.textContent = ''; made.textContent = '';
    County.api('POST', '/api/county/agents', {
      user: document.getElementById('a-user').value.trim(),
      name: document.getElementById('a-name').value.trim(),
      station: document.getElementById('a-station').value.trim()
    }).then(function (a) {
      made.textContent = '已为 ' + a.name + ' 建好账号 ' + a.user + '，初始密码 ' + a.password + '（只显示这一次，请抄给本人）';
      ev.target.reset();
      return list();
    }).catch(function (e) { err.textContent = e.message; });
  });
  list();
})();
