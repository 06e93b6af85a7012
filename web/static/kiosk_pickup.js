/* Kiosk: a villager back for a finished 承诺件 types the old ticket's
 * number (or scans its QR code) and gets a pick-up ticket ahead of the
 * walk-ins. */
(function () {
  'use strict';
  var $ = Y.$, el = Y.el, setText = Y.setText;
  var busy = false;

  var open = el('button', 'k-pickup-open', '取件（办好的承诺件）');
  open.type = 'button';
  open.id = 'pickup-open';
  $('start').insertBefore(open, $('start').firstChild);

  var ov = el('div', 'k-err k-pickup');
  ov.id = 'pickup';
  ov.hidden = true;
  var inner = el('div');
  inner.appendChild(el('h2', null, '取件'));
  inner.appendChild(el('p', null, '请输入受理时号票上的号码（例如 B012），或把号票上的二维码对准扫码口'));
  var input = el('input');
  input.id = 'pickup-number';
  input.setAttribute('autocomplete', 'off');
  input.setAttribute('maxlength', '200');
  inner.appendChild(input);
  var pad = el('div', 'k-pad');
  inner.appendChild(pad);
  var msg = el('p', 'k-pickup-msg');
  msg.id = 'pickup-msg';
  inner.appendChild(msg);
  var go = el('button', 'big-btn', '取件号');
  go.type = 'button';
  go.id = 'pickup-go';
  var back = el('button', 'big-btn', '返回');
  back.type = 'button';
  back.id = 'pickup-cancel';
  back.style.background = '#607d8b';
  back.style.marginLeft = '24px';
  inner.appendChild(go);
  inner.appendChild(back);
  ov.appendChild(inner);
  document.body.appendChild(ov);

  function key(label, fn) {
    var b = el('button', null, label);
    b.type = 'button';
    b.setAttribute('data-key', label);
    b.addEventListener('click', fn);
    pad.appendChild(b);
  }
  function typed(ch) { return function () { input.value += ch; setText(msg, ''); }; }

  Y.api('GET', '/api/hall').then(function (r) {
    var cats = r.data.categories || [], i;
    for (i = 0; i < cats.length; i++) { key(cats[i].prefix, typed(cats[i].prefix)); }
    for (i = 1; i <= 9; i++) { key(String(i), typed(String(i))); }
    key('0', typed('0'));
    key('删除', function () { input.value = input.value.slice(0, -1); });
  });

  function show() {
    input.value = '';
    setText(msg, '');
    ov.hidden = false;
    input.focus();
  }
  function hide() { ov.hidden = true; }

  function submit() {
    var v = input.value.replace(/\s+/g, '');
    if (!v) { setText(msg, '请先输入号码'); return; }
    if (busy) { return; }
    busy = true;
    go.disabled = true;
    Y.api('POST', '/api/pickup', { number: v }).then(function (r) {
      busy = false;
      go.disabled = false;
      hide();
      window.yimenKiosk.show(r.data);
      setText($('tk-service'), '取件 · ' + (r.data.service_name || '') + (r.data.category_name ? ' · ' + r.data.category_name : ''));
    }, function (err) {
      busy = false;
      go.disabled = false;
      if (err.code === 'kiosk_not_paired') { hide(); Y.kioskPair(); return; }
      setText(msg, err.code === 'network' ? '取号机暂时连不上服务器，请稍后再试，或到咨询台。' : err.message);
    });
  }

  open.addEventListener('click', show);
  back.addEventListener('click', hide);
  go.addEventListener('click', submit);
  // A scanner types the QR code's address and presses Enter.
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' || e.keyCode === 13) { e.preventDefault(); submit(); }
  });
})();
