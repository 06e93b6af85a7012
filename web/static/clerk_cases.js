/* Clerk's desk: the intake of a 承诺件 (who, phone, documents received)
 * and the panel of the clerk's own cases, with near-due and overdue
 * warnings. clerk.js calls Y.caseIntake on 办结·承诺件. */
(function () {
  'use strict';
  var $ = Y.$, el = Y.el, setText = Y.setText;
  var lastLoad = 0;

  // The intake form, shown in place of the sub-choosers.
  var form = el('form', 'card c-sub c-intake');
  form.id = 'sub-case';
  form.hidden = true;
  form.appendChild(el('h3', null, '承诺件受理登记'));
  var who = el('p');
  var name = field(who, '村民姓名', 'case-name', 20, '可不填');
  var phone = field(who, '联系电话', 'case-phone', 20, '可不填');
  phone.setAttribute('inputmode', 'tel');
  form.appendChild(who);
  form.appendChild(el('p', null, '已收材料（一次性告知，请核对）：'));
  var docs = el('div', 'c-docs');
  form.appendChild(docs);
  var other = field(form, '其他材料', 'case-other', 40, '');
  var note = field(form, '备注', 'case-note', 40, '');
  var ok = el('button', 'btn ok', '确认受理，办结·承诺件');
  ok.type = 'submit';
  ok.id = 'case-intake-ok';
  var cancel = el('button', 'btn', '取消');
  cancel.type = 'button';
  form.appendChild(el('br'));
  form.appendChild(ok);
  form.appendChild(cancel);

  function field(parent, label, id, max, hint) {
    var l = el('label', null, label + ' ');
    var i = el('input');
    i.id = id;
    i.setAttribute('maxlength', String(max));
    if (hint) { i.setAttribute('placeholder', hint); }
    l.appendChild(i);
    parent.appendChild(l);
    return i;
  }

  var send = null;
  Y.caseIntake = function (state, submit) {
    send = submit;
    name.value = phone.value = other.value = note.value = '';
    docs.textContent = '';
    var bring = (state && state.ticket && state.ticket.bring) || [];
    for (var i = 0; i < bring.length; i++) {
      var l = el('label'), cb = el('input');
      cb.type = 'checkbox';
      cb.checked = true;
      cb.value = bring[i];
      l.appendChild(cb);
      l.appendChild(document.createTextNode(' ' + bring[i]));
      docs.appendChild(l);
    }
    form.hidden = false;
    if (form.scrollIntoView) { form.scrollIntoView(false); }
    name.focus();
  };

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var got = [], cbs = docs.querySelectorAll('input'), i;
    for (i = 0; i < cbs.length; i++) { if (cbs[i].checked) { got.push(cbs[i].value); } }
    var more = other.value.split(/[、，,]/);
    for (i = 0; i < more.length; i++) { if (more[i].replace(/\s+/g, '')) { got.push(more[i].replace(/^\s+|\s+$/g, '')); } }
    form.hidden = true;
    if (send) { send({ name: name.value, phone: phone.value.replace(/\s+/g, ''), documents: got, note: note.value }); }
    setTimeout(load, 800);
  });
  cancel.addEventListener('click', function () { form.hidden = true; });

  // The panel of my cases.
  var panel = el('div', 'card c-cases');
  panel.id = 'my-cases';
  panel.appendChild(el('h2', null, '我负责的承诺件（首问负责）'));
  var warn = el('div');
  warn.id = 'case-warn';
  panel.appendChild(warn);
  var list = Y.cases.table(panel, 'my-cases-rows', '没有未结案的承诺件'), body = list.body, none = list.none;

  var actions = document.querySelector('.c-actions');
  actions.parentNode.insertBefore(form, actions.nextSibling);
  $('status-form').parentNode.insertBefore(panel, $('status-form'));

  function load() {
    if ($('desk').hidden) { return; }
    lastLoad = Date.now();
    Y.api('GET', '/api/cases/mine').then(function (r) {
      var a = r.data, i;
      body.textContent = '';
      for (i = 0; i < a.cases.length; i++) {
        body.appendChild(Y.cases.row(a.cases[i], function (err) {
          if (err) { setText(warn, err.message); warn.className = 'c-case-warn late'; return; }
          load();
        }));
      }
      none.hidden = a.cases.length > 0;
      warn.textContent = '';
      if (a.overdue) { warn.appendChild(el('div', 'c-case-warn late', '⚠ 有 ' + a.overdue + ' 件承诺件已超期，请尽快办结')); }
      if (a.near_due) { warn.appendChild(el('div', 'c-case-warn near', '有 ' + a.near_due + ' 件承诺件今天或下个工作日到期')); }
    }, function () { /* signed out: clerk.js shows the sign-in */ });
  }

  window.yimenCases = { reload: load };

  // Cases move slowly: a look every half minute, at once when the desk
  // appears.
  var shown = false;
  setInterval(function () {
    var now = !$('desk').hidden;
    if (now && (!shown || Date.now() - lastLoad > 30000)) { load(); }
    shown = now;
  }, 1000);
})();
