/* Window screen: the number one window serves, for a TV or a cheap tablet
 * above the window. */
(function () {
  'use strict';
  var $ = Y.$, setText = Y.setText;
  var id = $('w').getAttribute('data-window');
  var main = $('w'), num = $('w-num'), state = $('w-state'), staff = $('w-staff'), cats = $('w-cats');

  function render(b, msg) {
    var w = b.windows[id];
    if (!w) { return; }
    setText($('w-name'), w.name);
    var showNum = w.state === 'called' || w.state === 'serving';
    setText(num, showNum ? w.number : (w.state === 'paused' ? '暂停服务' : '—'));
    var st = w.state === 'called' ? '请 ' + w.number + ' 号到本窗口办理' :
      w.state === 'serving' ? '正在办理' :
      w.state === 'paused' ? (w.reason ? '原因：' + w.reason : '请稍候') :
      (Y.windowState[w.state] || '');
    setText(state, st);
    setText(staff, w.staff_name ? '工作人员：' + w.staff_name + (w.post ? '（' + w.post + '岗）' : '') : '');
    var names = [], i;
    for (i = 0; i < w.categories.length; i++) {
      var q = b.queues[w.categories[i]];
      names.push(q ? q.name + ' 等候 ' + q.waiting + ' 人' : w.categories[i]);
    }
    setText(cats, names.join('　'));
    var cls = 'w-main w-' + w.state;
    if (msg.type === 'called' && msg.window === id) {
      main.className = cls;
      void main.offsetWidth;
      cls += ' flash';
    } else if (main.className.indexOf('flash') >= 0 && main.className.indexOf('w-' + w.state) >= 0) {
      cls += ' flash';
    }
    if (main.className !== cls) { main.className = cls; }
  }
  window.yimenBoard = new Y.Board({ screen: 'screen=window&window=' + encodeURIComponent(id), onMessage: function (msg, b) { render(b, msg); } });
})();
