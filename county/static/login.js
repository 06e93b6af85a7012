(function () {
  'use strict';
  document.getElementById('login-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var err = document.getElementById('login-error');
    err.textContent = '';
    County.api('POST', '/api/county/login', {
      user: document.getElementById('user').value.trim(),
      password: document.getElementById('password').value
    }).then(function () {
      var next = new URLSearchParams(location.search).get('next') || '/county';
      if (next.charAt(0) !== '/' || next.charAt(1) === '/') next = '/county';
      location.href = next;
    }).catch(function (e) { err.textContent = e.message; });
  });
})();
