/* The ticket page of a 承诺件 becomes its case page: where the job stands,
 * the date it is promised by, what to bring. Also what a waiting villager
 * must bring (一次性告知). ticket.js calls Y.caseView after each fetch. */
(function () {
  'use strict';
  var $ = Y.$, setText = Y.setText, el = Y.el;
  var days = '日一二三四五六';

  function dateText(d) {
    // "2026-11-30" → "11月30日（星期一）"
    var p = (d || '').split('-');
    if (p.length !== 3) { return d || ''; }
    var dt = new Date(+p[0], +p[1] - 1, +p[2]);
    return (+p[1]) + '月' + (+p[2]) + '日（星期' + days.charAt(dt.getDay()) + '）';
  }

  function list(ul, items) {
    ul.textContent = '';
    for (var i = 0; i < items.length; i++) { ul.appendChild(el('li', null, items[i])); }
  }

  function box() {
    var b = $('t-case');
    if (b) { return b; }
    b = el('section', 't-case');
    b.id = 't-case';
    b.appendChild(el('p', 't-case-due')).id = 'tc-due';
    b.appendChild(el('p', 't-case-say')).id = 'tc-say';
    var bring = el('div', 't-case-bring');
    bring.id = 'tc-bring-box';
    bring.appendChild(el('h3')).id = 'tc-bring-title';
    bring.appendChild(el('ul')).id = 'tc-bring';
    b.appendChild(bring);
    b.appendChild(el('p', 't-case-resp')).id = 'tc-resp';
    b.appendChild(el('ol', 't-case-steps')).id = 'tc-steps';
    var after = $('t-ahead');
    after.parentNode.insertBefore(b, after.nextSibling);
    return b;
  }

  function say(c) {
    if (c.suspended) { return '暂停办理：' + (c.reason || '请补正材料') + '。补齐后请交到窗口，办理时限顺延。'; }
    switch (c.state) {
    case 'accepted': return '已受理，正在办理。办好后本页会显示“待取件”。';
    case 'processing': return '已转送' + (c.note ? '（' + c.note + '）' : '') + '办理，办好后本页会显示“待取件”。';
    case 'ready': return '已经办好，请带好以下证件来大厅取件：在取号机点“取件”，输入号码 ' + c.number + '，或扫描号票上的二维码。' +
      (c.pickup ? '您的取件号是 ' + c.pickup + '，请留意叫号。' : '');
    case 'picked_up': return '已取件，感谢您的耐心。';
    case 'closed': return '此件已结案。';
    }
    return '';
  }

  Y.caseView = function (t) {
    var c = t['case'], b = $('t-case');
    // 一次性告知: what a waiting villager must have ready.
    var bringLine = $('t-bring');
    if (!bringLine) {
      bringLine = el('p', 't-bring');
      bringLine.id = 't-bring';
      $('t-ahead').parentNode.insertBefore(bringLine, $('t-ahead').nextSibling);
    }
    setText(bringLine, !c && t.bring && t.bring.length && (t.status === 'waiting' || t.status === 'transferred' || t.status === 'called') ?
      '请带好：' + t.bring.join('、') : '');
    bringLine.hidden = !bringLine.textContent;
    if (!c) {
      if (b) { b.hidden = true; }
      return;
    }
    b = box();
    b.hidden = false;
    var note = document.querySelector('.t-note');
    if (note) { setText(note, '本页会自动刷新：办理进度一有变化，这里就会显示。有疑问请找首问责任人。'); }
    document.body.className += ' st-case case-' + c.state + (c.suspended ? ' case-suspended' : '') + (c.alarm ? ' case-late' : '');
    setText($('t-status'), c.suspended ? '暂停办理（需补正材料）' : c.state === 'ready' ? '已办好，待取件' : c.state_name);
    setText($('t-ahead'), '');
    var done = c.state === 'ready' || c.state === 'picked_up' || c.state === 'closed';
    setText($('tc-due'), done ? (c.done_at ? '办结于 ' + dateText(c.done_at.slice(0, 10)) : '') :
      '承诺 ' + dateText(c.due) + '前办结' + (c.overdue ? '（已超期，我们正在催办）' : c.days_left > 0 ? '，还有 ' + c.days_left + ' 个工作日' : '，今天办结'));
    setText($('tc-say'), say(c));
    var bringing = c.state === 'ready' || c.state === 'accepted' || c.state === 'processing';
    $('tc-bring-box').hidden = !bringing;
    setText($('tc-bring-title'), c.state === 'ready' ? '取件请带' : '取件时请带');
    list($('tc-bring'), c.pickup_bring || []);
    setText($('tc-resp'), '首问责任人：' + c.responsible_name + (c.window_name ? '（' + c.window_name + '）' : '') +
      (c.documents && c.documents.length ? '。已收材料：' + c.documents.join('、') : ''));
    var steps = [];
    for (var i = 0; i < (c.steps || []).length; i++) {
      var s = c.steps[i];
      steps.push(s.at.slice(5, 16).replace('-', '月').replace(' ', '日 ') + '　' + s.name + (s.text ? '：' + s.text : ''));
    }
    list($('tc-steps'), steps);
  };
})();
