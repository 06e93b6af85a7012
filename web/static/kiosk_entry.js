/* Kiosk: the overlay where a villager types a number or code on a big pad
 * (取件, 预约取号). Y.kioskEntry builds it with an opening button on the
 * start screen; opts: id, open (button label), title, hint, go (label),
 * maxlength, numeric, onGo(value, ui). */
(function () {
  'use strict';
  var $ = Y.$, el = Y.el, setText = Y.setText;

  Y.kioskEntry = function (opts) {
    var open = el('button', 'k-pickup-open', opts.open);
    open.type = 'button';
    open.id = opts.id + '-open';
    // The entries share the priority buttons' row (wrapping below them on
    // a narrow screen), so that each one added leaves the services room.
    var row = $('k-entries');
    if (!row) {
      row = el('div', 'k-entries');
      row.id = 'k-entries';
      document.querySelector('#start .k-prio').appendChild(row);
    }
    row.insertBefore(open, row.firstChild);

    var ov = el('div', 'k-err k-pickup');
    ov.id = opts.id;
    ov.hidden = true;
    var inner = el('div');
    inner.appendChild(el('h2', null, opts.title));
    inner.appendChild(el('p', null, opts.hint));
    var input = el('input');
    input.id = opts.id + '-input';
    input.setAttribute('autocomplete', 'off');
    input.setAttribute('maxlength', String(opts.maxlength));
    if (opts.numeric) { input.setAttribute('inputmode', 'numeric'); }
    inner.appendChild(input);
    var pad = el('div', 'k-pad');
    inner.appendChild(pad);
    var msg = el('p', 'k-pickup-msg');
    msg.id = opts.id + '-msg';
    inner.appendChild(msg);
    var go = el('button', 'big-btn', opts.go);
    go.type = 'button';
    go.id = opts.id + '-go';
    var back = el('button', 'big-btn', '返回');
    back.type = 'button';
    back.id = opts.id + '-cancel';
    back.style.background = '#607d8b';
    back.style.marginLeft = '24px';
    inner.appendChild(go);
    inner.appendChild(back);
    ov.appendChild(inner);
    document.body.appendChild(ov);

    var ui = {
      input: input, msg: msg, go: go, back: back, busy: false,
      key: function (label, fn) {
        var b = el('button', null, label);
        b.type = 'button';
        b.setAttribute('data-key', label);
        b.addEventListener('click', fn);
        pad.appendChild(b);
      },
      typed: function (ch) {
        return function () {
          if (input.value.length < Number(input.getAttribute('maxlength'))) { input.value += ch; }
          setText(msg, '');
        };
      },
      hide: function () { ov.hidden = true; setText(back, '返回'); },
      // call posts body to path and shows the ticket, or says why not.
      call: function (path, body, shown) {
        if (ui.busy) { return; }
        ui.busy = true;
        go.disabled = true;
        Y.api('POST', path, body).then(function (r) {
          ui.busy = false;
          go.disabled = false;
          ui.hide();
          window.yimenKiosk.show(r.data);
          shown(r.data);
        }, function (err) {
          ui.busy = false;
          go.disabled = false;
          if (err.code === 'kiosk_not_paired') { ui.hide(); Y.kioskPair(); return; }
          if (opts.onError) { opts.onError(err, ui); }
          setText(msg, err.code === 'network' ? '取号机暂时连不上服务器，请稍后再试，或到咨询台。' : err.message);
        });
      }
    };
    open.addEventListener('click', function () {
      input.value = '';
      setText(msg, '');
      ov.hidden = false;
      input.focus();
    });
    back.addEventListener('click', ui.hide);
    go.addEventListener('click', function () { opts.onGo(input.value, ui); });
    return ui;
  };

  // Y.kioskTicketPad gives an entry the keys to type a ticket number (the
  // hall's letters and the digits), and submits what a QR scanner types:
  // the ticket page's address, then Enter.
  Y.kioskTicketPad = function (ui, submit) {
    Y.api('GET', '/api/hall').then(function (r) {
      var cats = r.data.categories || [], i;
      for (i = 0; i < cats.length; i++) { ui.key(cats[i].prefix, ui.typed(cats[i].prefix)); }
      for (i = 1; i <= 9; i++) { ui.key(String(i), ui.typed(String(i))); }
      ui.key('0', ui.typed('0'));
      ui.key('删除', function () { ui.input.value = ui.input.value.slice(0, -1); });
    });
    ui.input.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' || e.keyCode === 13) { e.preventDefault(); submit(ui.input.value, ui); }
    });
  };
})();
