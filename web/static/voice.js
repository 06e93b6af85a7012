/* Voice announcements for the lobby screen: "请 B012 号 到 3 号窗口 办理",
 * built from short recorded clips (/voice/NAME.ogg) played back to back,
 * chime first, one announcement at a time, never overlapping.
 *
 * window.yimenVoice exposes the queue for tests and for the curious:
 *   queue   announcements waiting (oldest first)
 *   current the one being spoken, or null
 *   played  the last announced texts (newest last, at most 50)
 *   ready   whether the browser lets the page play sound
 */
(function () {
  'use strict';
  var MAX_QUEUE = 8, MAX_PLAYED = 50, GAP = 600;
  var AC = window.AudioContext || window.webkitAudioContext;
  var V = window.yimenVoice = {
    queue: [], current: null, played: [], ready: false, version: '', errors: 0,
    mode: AC ? 'webaudio' : 'audio'
  };
  var ctx = null, buffers = {}, loading = {}, audioEl = null, onReady = null;

  // clipsFor spells an announcement as clip names.
  function spell(s, out) {
    var i, c;
    s = String(s || '').toLowerCase();
    for (i = 0; i < s.length; i++) {
      c = s.charAt(i);
      if (/[a-z0-9]/.test(c)) { out.push(c); }
    }
  }
  // A window number reads the Chinese way: 3 三, 10 十, 12 十二, 23 二十三.
  function windowNumber(id, out) {
    var n = parseInt(id, 10);
    if (String(n) !== String(id) || n < 1 || n > 99) { spell(id, out); return; }
    if (n < 10) { out.push(String(n)); return; }
    if (n >= 20) { out.push(String(Math.floor(n / 10))); }
    out.push('shi');
    if (n % 10) { out.push(String(n % 10)); }
  }

  V.textFor = function (number, windowId, recall) {
    return (recall ? '再次 ' : '') + '请 ' + number + ' 号 到 ' + windowId + ' 号窗口 办理';
  };
  V.clipsFor = function (number, windowId, recall) {
    var out = ['chime'];
    if (recall) { out.push('zaici'); }
    out.push('qing');
    spell(number, out);
    out.push('hao', 'dao');
    windowNumber(windowId, out);
    out.push('hao', 'chuangkou', 'banli');
    return out;
  };

  function url(name) { return '/voice/' + name + '.ogg' + (V.version ? '?v=' + V.version : ''); }

  function load(name, done) {
    if (buffers[name]) { done(buffers[name]); return; }
    if (loading[name]) { loading[name].push(done); return; }
    loading[name] = [done];
    var x = new XMLHttpRequest();
    x.open('GET', url(name), true);
    x.responseType = 'arraybuffer';
    function finish(buf) {
      var cbs = loading[name] || [];
      delete loading[name];
      if (buf) { buffers[name] = buf; }
      for (var i = 0; i < cbs.length; i++) { cbs[i](buf || null); }
    }
    x.onload = function () {
      if (x.status !== 200 || !ctx) { finish(null); return; }
      try {
        ctx.decodeAudioData(x.response, function (b) { finish(b); }, function () { finish(null); });
      } catch (e) { finish(null); }
    };
    x.onerror = function () { finish(null); };
    x.send();
  }

  // playWebAudio schedules the clips back to back and calls done when the
  // last one has ended (by the clock, so a lost 'ended' never stalls us).
  function playWebAudio(clips, done) {
    var bufs = [], left = clips.length, i;
    function go() {
      var t = ctx.currentTime + 0.05, start = t, j, src;
      for (j = 0; j < bufs.length; j++) {
        if (!bufs[j]) { continue; }
        src = ctx.createBufferSource();
        src.buffer = bufs[j];
        src.connect(ctx.destination);
        src.start(t);
        t += bufs[j].duration;
      }
      setTimeout(done, Math.round((t - start) * 1000) + 100);
    }
    for (i = 0; i < clips.length; i++) {
      (function (k) {
        load(clips[k], function (b) {
          bufs[k] = b;
          if (!b) { V.errors++; }
          if (--left === 0) { go(); }
        });
      })(i);
    }
  }

  // playAudioElement is the fallback for browsers without Web Audio: one
  // <audio> element playing the clips in turn.
  function playAudioElement(clips, done) {
    var i = 0, guard = null;
    if (!audioEl) { audioEl = new Audio(); }
    function next() {
      clearTimeout(guard);
      if (i >= clips.length) { audioEl.onended = audioEl.onerror = null; done(); return; }
      audioEl.src = url(clips[i++]);
      audioEl.onended = next;
      audioEl.onerror = function () { V.errors++; next(); };
      guard = setTimeout(next, 4000); // a stuck clip never stalls the queue
      var p = audioEl.play();
      if (p && p.catch) { p.catch(function () { V.errors++; next(); }); }
    }
    next();
  }

  function pump() {
    if (V.current || !V.queue.length) { return; }
    var item = V.queue.shift();
    V.current = item;
    function done() {
      V.played.push(item.text);
      if (V.played.length > MAX_PLAYED) { V.played.splice(0, V.played.length - MAX_PLAYED); }
      V.current = null;
      setTimeout(pump, GAP);
    }
    if (!V.ready) { item.muted = true; done(); return; }
    if (ctx) { playWebAudio(item.clips, done); } else { playAudioElement(item.clips, done); }
  }

  // announce queues a call. The queue is bounded: when calls come faster
  // than they can be spoken, the oldest waiting ones are dropped (the
  // screen still shows them).
  V.announce = function (number, windowId, recall) {
    var item = { text: V.textFor(number, windowId, recall), clips: V.clipsFor(number, windowId, recall) };
    V.queue.push(item);
    if (V.queue.length > MAX_QUEUE) { V.queue.splice(0, V.queue.length - MAX_QUEUE); }
    pump();
  };

  function setReady() {
    if (V.ready) { return; }
    V.ready = true;
    if (onReady) { onReady(); }
    // Warm the cache with the words every call uses.
    if (ctx) {
      var common = ['chime', 'qing', 'hao', 'dao', 'chuangkou', 'banli', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
      for (var i = 0; i < common.length; i++) { load(common[i], function () {}); }
    }
  }

  // unlock is called from a user gesture (the overlay's button).
  V.unlock = function () {
    if (ctx && ctx.resume) {
      ctx.resume().then(setReady, setReady);
    } else {
      // An <audio> element unlocks by playing something in the gesture.
      if (!audioEl) { audioEl = new Audio(); }
      audioEl.src = url('chime');
      var p = audioEl.play();
      if (p && p.then) { p.then(setReady, setReady); } else { setReady(); }
    }
  };

  // init creates the audio context and reports whether a tap is needed.
  V.init = function (needTap, ready) {
    onReady = ready;
    var x = new XMLHttpRequest();
    x.open('GET', '/voice/', true);
    x.onload = function () { try { V.version = JSON.parse(x.responseText).version || ''; } catch (e) { /* keep */ } };
    x.send();
    if (AC) {
      try { ctx = new AC(); } catch (e) { ctx = null; V.mode = 'audio'; }
    }
    if (ctx && ctx.state === 'running') { setReady(); return; }
    if (ctx && ctx.onstatechange !== undefined) {
      ctx.onstatechange = function () { if (ctx.state === 'running') { setReady(); } };
    }
    needTap();
  };
})();
