// Live room client (docs/live-protocol.md). The slides are on the page;
// only small messages travel. After a drop the page reconnects by itself,
// waiting longer after each failure, with jitter, and the server's hello
// brings back the slide, the open poll with this user's answer and the roll
// call.
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root) { return; }
  var $ = function (id) { return document.getElementById(id); };
  var trainer = root.dataset.trainer === "true";
  var slides = root.querySelectorAll(".slide");
  var current = 0, trainerAt = 0, following = true, lastSeq = 0, retry = 0, ws = null;
  var poll = null, roll = null, myAnswer = null;
  var msg = root.dataset;
  var questions = {}, myVotes = {}, handUp = false, chatOn = true, muted = false;
  var expected = [], online = {}, guests = [], mutedIds = {}, hall = {};
  var errorText = $("live-errors") ? JSON.parse($("live-errors").textContent) : {};
  // num writes a figure as the page's language does (vi "1.234" and "1,5",
  // en "1,234" and "1.5"), like viet.Num on the server: a room of thousands
  // reads its counts the way its own pages write them.
  var numFmt = new Intl.NumberFormat(document.documentElement.lang === "en" ? "en-GB" : "vi-VN", { maximumFractionDigits: 1 });
  function num(x) { return numFmt.format(x); }

  function status(text) { $("live-status").textContent = text; }
  // announce says text to a screen reader through the polite live region
  // #live-announce. The same words again would not be read out, so a repeat
  // (two polls with one question) ends with a no-break space.
  function announce(text) {
    var r = $("live-announce");
    if (!r || !text) { return; }
    r.textContent = r.textContent === text ? text + "\u00a0" : text;
  }
  // fill puts args in place of the %d and %s of a message, in order.
  function fill(tpl, args) { var k = 0; return (tpl || "").replace(/%[ds]/g, function () { return args[k++]; }); }
  function show(i) {
    if (i < 0 || i >= slides.length) { return; }
    var moved = i !== current;
    slides.forEach(function (s, k) { s.hidden = k !== i; });
    current = i;
    $("slide-no").textContent = (i + 1) + "/" + slides.length;
    $("follow").hidden = following || trainer;
    if (moved) {
      var h = slides[i].querySelector("h1, h2, h3");
      announce(fill(msg.msgSlide, [num(i + 1), num(slides.length), h ? h.textContent.trim() : ""]).replace(/:\s*$/, ""));
    }
  }
  function send(t, d) {
    if (ws && ws.readyState === 1) { ws.send(JSON.stringify({ t: t, d: d })); return true; }
    return false;
  }

  // A poll answer or a roll-call mark is kept until the server says it is
  // recorded: given while the link is down, or lost with it, it is sent
  // again after the next hello if its poll or roll call is still open.
  var kept = {};
  function sendKept(t, d) {
    kept[t] = d;
    return send(t, d);
  }
  function resendKept(h) {
    var a = kept.answer, r = kept.here;
    if (a) {
      delete kept.answer;
      if (h.poll && h.poll.open && h.poll.id === a.poll) {
        if (JSON.stringify(h.my_answer || []) !== JSON.stringify(a.choices)) { sendKept("answer", a); }
      } else if (!h.poll || h.poll.id === a.poll) {
        $("poll-status").textContent = msg.msgKeptLate;
      }
    }
    if (r) {
      delete kept.here;
      if (h.rollcall && h.rollcall.open && h.rollcall.id === r.rollcall) {
        if (!h.marked) { sendKept("here", r); }
      } else if (!h.marked) {
        $("rollcall-text").textContent = msg.msgKeptLate;
      }
    }
  }

  // Text-only mode (?lean=1, docs/live-protocol.md): no voice, the chat only
  // on demand, fewer tallies. Chosen by the participant, and on by default
  // when the phone says its link is slow or it wants to save data.
  var lean = (function () {
    var v = null;
    try { v = localStorage.getItem("tdkt.lean"); } catch (e) { /* no storage */ }
    if (v !== null) { return v === "1"; }
    var c = navigator.connection;
    return !trainer && !!c && (c.saveData || /(^|-)(2g|3g)$/.test(c.effectiveType || ""));
  })();

  // rich puts a poll's text into node: the server's inline HTML for a bank
  // question (rendered from its Markdown, raw HTML escaped), else plain text.
  function rich(node, text, html) {
    if (html) { node.innerHTML = html; } else { node.textContent = text; }
  }
  // renderPoll shows a poll; mine is this user's answer, kept when the
  // same poll closes so the phone shows it beside the key.
  function renderPoll(p, mine, tally) {
    if (!p || !poll || p.id !== poll.id) { myAnswer = null; }
    if (mine) { myAnswer = mine.length ? mine : null; }
    mine = myAnswer;
    poll = p;
    var box = $("poll");
    if (!p) { box.hidden = true; return; }
    box.hidden = false;
    rich($("poll-text"), p.text, p.text_html);
    var ul = $("poll-options");
    ul.textContent = "";
    p.options.forEach(function (o, i) {
      var li = document.createElement("li"), label = document.createElement("label"), input = document.createElement("input");
      input.type = p.multiple ? "checkbox" : "radio";
      input.name = "choice";
      input.value = i;
      input.checked = !!(mine && mine.indexOf(i) >= 0);
      input.disabled = !p.open;
      label.appendChild(input);
      label.appendChild(document.createTextNode(" "));
      var text = el("span", "", "opt");
      rich(text, o, p.options_html && p.options_html[i]);
      label.appendChild(text);
      if (!p.open && p.correct && p.correct.indexOf(i) >= 0) { label.appendChild(el("strong", " ✓", "key")); }
      if (!p.open && input.checked) { label.appendChild(el("em", " · " + msg.msgYours, "yours")); }
      li.appendChild(label);
      ul.appendChild(li);
    });
    $("poll-send").hidden = !p.open;
    $("poll-status").textContent = mine ? root.dataset.msgAnswered : "";
    if (tally) { renderTally(tally); }
  }
  function renderTally(counts) {
    var ul = $("poll-tally"), total = counts.reduce(function (a, b) { return a + b; }, 0) || 1;
    ul.textContent = "";
    counts.forEach(function (n, i) {
      var li = document.createElement("li"), bar = document.createElement("span"), fill = document.createElement("span");
      bar.className = "bar";
      fill.className = "fill w" + Math.round(n * 20 / total);
      bar.appendChild(fill);
      li.appendChild(bar);
      li.appendChild(document.createTextNode(" " + num(n) + " (" + num(n * 100 / total) + "%) · "));
      var label = el("span");
      rich(label, poll ? poll.options[i] : String(i + 1), poll && poll.options_html && poll.options_html[i]);
      li.appendChild(label);
      ul.appendChild(li);
    });
  }
  function renderRoll(r, marked) {
    roll = r;
    var box = $("rollcall");
    if (!r || !r.open) { box.hidden = true; return; }
    box.hidden = false;
    $("here").hidden = trainer || marked;
    $("rollcall-text").textContent = marked ? root.dataset.msgMarked : "";
  }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }
  function button(text, onClick) {
    var b = el("button", text, "btn");
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  // Questions: most up-voted first among open ones, answered after them;
  // the trainer also sees those waiting for approval and the hidden.
  function renderQuestions() {
    var list = Object.keys(questions).map(function (k) { return questions[k]; });
    var rank = { pending: 0, open: 1, answered: 2, hidden: 3 };
    list.sort(function (a, b) { return rank[a.status] - rank[b.status] || b.votes - a.votes || a.seq - b.seq; });
    var ol = $("questions");
    ol.textContent = "";
    list.forEach(function (q) {
      var li = el("li", null, q.status === "hidden" ? "hidden-q" : "");
      li.appendChild(el("span", q.text));
      var meta = " — " + q.name + " · " + q.votes + " " + msg.msgVotes;
      if (q.status === "pending") { meta += " · " + msg.msgPending; }
      if (q.status === "answered") { meta += " · " + msg.msgAnsweredQ; }
      if (q.status === "hidden") { meta += " · " + msg.msgHidden; }
      li.appendChild(el("span", meta, "q-meta"));
      if (q.status === "open" && !myVotes[q.seq]) {
        li.appendChild(button("▲ " + msg.msgVote, function () { send("vote", { question: q.seq }); }));
      }
      if (trainer) {
        var act = function (a) { return function () { send("moderate", { question: q.seq, action: a }); }; };
        if (q.status === "pending" || q.status === "hidden") { li.appendChild(button(msg.msgApprove, act("approve"))); }
        if (q.status === "open") { li.appendChild(button(msg.msgMarkAnswered, act("answered"))); }
        if (q.status !== "hidden") { li.appendChild(button(msg.msgHide, act("hide"))); }
      }
      ol.appendChild(li);
    });
  }
  function addChat(line) {
    var ul = $("chat-lines"), li = el("li");
    li.appendChild(el("b", line.name + ": "));
    li.appendChild(document.createTextNode(line.text));
    ul.appendChild(li);
    while (ul.children.length > 50) { ul.removeChild(ul.firstChild); }
    ul.scrollTop = ul.scrollHeight;
  }
  function renderSettings() {
    $("chat-off").hidden = chatOn;
    $("chat-form").hidden = (!chatOn && !trainer) || muted;
    $("ask-form").hidden = muted;
    $("muted-note").hidden = !muted;
    if ($("hand")) { $("hand").hidden = muted; }
    if (trainer) { $("chat-on").checked = chatOn; }
  }
  function renderHand() {
    var b = $("hand");
    if (!b) { return; }
    b.textContent = handUp ? msg.msgHandDown : msg.msgHandUp;
    b.setAttribute("aria-pressed", handUp ? "true" : "false");
  }
  function personItem(p, withControls) {
    var li = el("li", p.name + (p.unit ? " — " + p.unit : ""));
    if (withControls && !p.trainer) {
      li.appendChild(button(mutedIds[p.id] ? msg.msgUnmute : msg.msgMute, function () { send("mute", { user: p.id, on: !mutedIds[p.id] }); }));
      li.appendChild(button(msg.msgRemove, function () {
        if (window.confirm(msg.msgRemoveConfirm)) { send("remove", { user: p.id }); }
      }));
    }
    return li;
  }
  // The console shows who is absent right now (expected, not connected)
  // and who is connected; names came once with hello.
  function renderRoster() {
    if (!trainer) { return; }
    var abs = $("absent-list"), on = $("online-list"), nAbs = 0, nOn = 0;
    abs.textContent = "";
    on.textContent = "";
    expected.forEach(function (p) {
      if (online[p.id]) { on.appendChild(personItem(p, true)); nOn++; return; }
      if (hall[p.id]) { on.appendChild(personItem({ id: p.id, name: p.name + " (" + msg.msgHall + ")", unit: p.unit }, false)); nOn++; return; }
      abs.appendChild(personItem(p, false));
      nAbs++;
    });
    guests.forEach(function (p) { on.appendChild(personItem(p, true)); nOn++; });
    $("absent-n").textContent = num(nAbs);
    $("online-n").textContent = num(nOn);
  }
  function setRoster(r) {
    if (!r) { return; }
    online = {};
    (r.online || []).forEach(function (id) { online[id] = true; });
    guests = r.guests || [];
    mutedIds = {};
    (r.muted || []).forEach(function (id) { mutedIds[id] = true; });
    hall = {};
    (r.hall || []).forEach(function (id) { hall[id] = true; });
    renderRoster();
  }
  function renderHands(hs) {
    if (!trainer) { return; }
    var ol = $("hands");
    ol.textContent = "";
    (hs || []).forEach(function (h) {
      var li = el("li", h.name);
      li.appendChild(button(msg.msgLower, function () { send("hand", { up: false, user: h.id }); }));
      ol.appendChild(li);
    });
    $("hands-n").textContent = (hs || []).length;
  }

  function handle(m) {
    if (m.seq) {
      if (lastSeq && m.seq > lastSeq + 1 && ws) { again(true); return; } // missed something: resync
      lastSeq = m.seq;
    }
    var d = m.d || {};
    switch (m.t) {
      case "hello":
        voiceConfig(d.audio);
        recording(d.recording);
        // After a drop the room ended the voice; a trainer still speaking restarts it.
        if (trainer && mic) { send("audio", { on: true, codec: "opus", sample_rate: mic.ctx.sampleRate, channels: 1, frame_ms: 60, kbps: 24 }); }
        lastSeq = d.seq;
        wanted = null;
        trainerAt = d.slide;
        if (following) { show(d.slide); }
        renderPoll(d.poll, d.my_answer, d.tally);
        renderRoll(d.rollcall, d.marked);
        resendKept(d);
        if ($("chat-follow")) { $("chat-follow").hidden = !d.lean; }
        questions = {};
        myVotes = {};
        (d.my_votes || []).forEach(function (s) { myVotes[s] = true; });
        (d.questions || []).forEach(function (q) { questions[q.seq] = q; });
        renderQuestions();
        $("chat-lines").textContent = "";
        (d.chat || []).forEach(addChat);
        chatOn = d.chat_on;
        muted = !!d.muted;
        handUp = !!d.hand_up;
        renderHand();
        renderSettings();
        if (trainer) {
          $("moderated").checked = d.moderated;
          expected = d.expected || [];
          setRoster(d.roster);
          renderHands(d.hands);
        }
        break;
      case "question": questions[d.seq] = d; renderQuestions(); break;
      case "votes":
        Object.keys(d).forEach(function (s) { if (questions[s]) { questions[s].votes = d[s]; } });
        renderQuestions();
        break;
      case "voted": myVotes[d.question] = true; renderQuestions(); break;
      case "chat": addChat(d); break;
      case "chat_log": $("chat-lines").textContent = ""; (d || []).forEach(addChat); break;
      case "settings":
        chatOn = d.chat;
        if (trainer) { $("moderated").checked = d.moderated; }
        renderSettings();
        break;
      case "hand": handUp = d.up; renderHand(); break;
      case "hands": renderHands(d); break;
      case "muted": muted = d.on; renderSettings(); break;
      case "roster": setRoster(d); break;
      case "audio": voiceConfig(d.on ? d : null); break;
      case "record": recording(d.on); break;
      case "slide":
        // The room confirming an earlier tap of this trainer's, not the last:
        // the view is already further on.
        if (trainer && wanted !== null && d.index !== wanted) { trainerAt = d.index; break; }
        wanted = null;
        trainerAt = d.index;
        if (following || trainer) { show(d.index); }
        break;
      case "poll":
        var fresh = d.open && (!poll || poll.id !== d.id);
        renderPoll(d, null, null);
        if (fresh) { announce(fill(msg.msgPoll, [$("poll-text").textContent.trim()])); }
        break;
      case "tally": renderTally(d.counts); break;
      case "answered": delete kept.answer; myAnswer = d.choices; $("poll-status").textContent = root.dataset.msgAnswered; break;
      case "rollcall":
        renderRoll(d, false);
        if (d.open && !trainer) { announce(msg.msgRollcall); } // the trainer has no "Present" to press
        break;
      case "marked": delete kept.here; $("here").hidden = true; $("rollcall-text").textContent = root.dataset.msgMarked; break;
      case "presence":
        if ($("presence")) {
          var n = [d.expected_online, d.expected, d.connected], k = 0;
          $("presence").textContent = msg.msgPresence.replace(/%d/g, function () { return num(n[k++]); });
        }
        break;
      case "error":
        if (!d.code) { break; }
        d.message = errorText[d.code] || d.message;
        $("live-error").textContent = d.message;
        if (d.code !== "removed" && d.code !== "kicked") {
          setTimeout(function () { if ($("live-error").textContent === d.message) { $("live-error").textContent = ""; } }, 8000);
        }
        break;
    }
  }

  // The trainer's voice (docs/live-protocol.md, "The trainer's voice"):
  // Opus packets in binary messages on this same connection. Listeners
  // decode every packet (the count is on #voice as data-frames) and play
  // them once the person taps "listen", a little behind real time so that
  // an uneven 3G link does not break the sound.
  var vbox = $("voice"), V = vbox ? vbox.dataset : {};
  var voice = { cfg: null, dec: null, ctx: null, gain: null, playAt: 0, listening: false, frames: 0, delay: 0 };
  var canDecode = typeof window.AudioDecoder === "function" && typeof window.AudioContext === "function";
  function voiceState() {
    if (!vbox || trainer) { return; }
    var st = $("voice-state"), play = $("voice-play");
    if (!voice.cfg) { st.textContent = V.msgOff; play.hidden = true; return; }
    if (!canDecode) { st.textContent = V.msgUnsupported; play.hidden = true; return; }
    play.hidden = false;
    play.textContent = voice.listening ? V.msgMute : V.msgListen;
    play.setAttribute("aria-pressed", voice.listening ? "true" : "false");
    st.textContent = V.msgOn + (voice.listening ? " · " + V.msgDelay.replace("%s", num(voice.delay / 1000)) : "");
  }
  function voiceConfig(cfg) {
    if (voice.dec) { try { voice.dec.close(); } catch (e) { /* already closed */ } }
    voice.dec = null;
    voice.cfg = cfg && cfg.codec ? cfg : null;
    voiceState();
  }
  function voiceDecoder() {
    if (voice.dec || !voice.cfg || !canDecode) { return voice.dec; }
    voice.dec = new AudioDecoder({
      output: function (data) {
        voice.frames++;
        vbox.dataset.frames = voice.frames;
        if (voice.listening && voice.ctx) { voicePlay(data); }
        data.close();
      },
      error: function () { voice.dec = null; } // the next packet starts a new decoder
    });
    voice.dec.configure({ codec: "opus", sampleRate: voice.cfg.sample_rate, numberOfChannels: voice.cfg.channels });
    return voice.dec;
  }
  function voicePlay(data) {
    var n = data.numberOfFrames, buf = voice.ctx.createBuffer(1, n, data.sampleRate);
    var pcm = new Float32Array(n);
    data.copyTo(pcm, { planeIndex: 0, format: "f32-planar" });
    buf.copyToChannel(pcm, 0);
    var now = voice.ctx.currentTime;
    // 0.3 s of cushion; more than 1.5 s behind, skip ahead rather than lag.
    if (voice.playAt < now + 0.05 || voice.playAt > now + 1.5) { voice.playAt = now + 0.3; }
    var src = voice.ctx.createBufferSource();
    src.buffer = buf;
    src.connect(voice.gain);
    src.start(voice.playAt);
    voice.playAt += buf.duration;
  }
  function voicePacket(buf) {
    if (!voice.cfg || buf.byteLength < 15) { return; }
    var v = new DataView(buf);
    if (v.getUint8(0) !== 1) { return; }
    var ts = v.getUint32(5) * 4294967296 + v.getUint32(9);
    voice.delay = Math.max(0, Date.now() - ts);
    var dec = voiceDecoder();
    if (!dec) { return; }
    var at = ts * 1000, step = voice.cfg.frame_ms * 1000;
    for (var off = 13; off + 2 <= buf.byteLength;) {
      var n = v.getUint16(off);
      off += 2;
      if (n === 0 || off + n > buf.byteLength) { return; }
      try { dec.decode(new EncodedAudioChunk({ type: "key", timestamp: at, data: new Uint8Array(buf, off, n) })); } catch (e) { return; }
      at += step;
      off += n;
    }
    if (voice.listening && (voice.frames % 8 === 0)) { voiceState(); }
  }
  if (vbox && !trainer) {
    $("voice-play").addEventListener("click", function () {
      voice.listening = !voice.listening;
      if (voice.listening && !voice.ctx) {
        voice.ctx = new AudioContext(); // made on a tap: browsers allow sound only after one
        voice.gain = voice.ctx.createGain();
        voice.gain.gain.value = Number($("voice-volume").value);
        voice.gain.connect(voice.ctx.destination);
      }
      if (voice.ctx) { voice.listening ? voice.ctx.resume() : voice.ctx.suspend(); }
      voice.playAt = 0;
      voiceState();
    });
    $("voice-volume").addEventListener("input", function (e) { if (voice.gain) { voice.gain.gain.value = Number(e.target.value); } });
  }

  // The trainer's side: the microphone through a 48 kHz mono audio graph
  // (an AudioWorklet hands the page 60 ms of samples at a time), encoded as
  // Opus at 24 kbit/s in 60 ms packets, four to a message.
  var mic = null;
  function micState(text) { $("voice-mic-state").textContent = text || ""; }
  function micStart() {
    if (typeof window.AudioEncoder !== "function" || typeof window.AudioWorkletNode !== "function" || !navigator.mediaDevices) {
      micState(V.msgNoMic);
      return;
    }
    var ctx = null;
    navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } }).then(function (stream) {
      ctx = new AudioContext({ sampleRate: 48000 });
      return ctx.audioWorklet.addModule(V.worklet).then(function () { return stream; });
    }).then(function (stream) {
      var node = new AudioWorkletNode(ctx, "tdkt-mic", { numberOfInputs: 1, numberOfOutputs: 1, channelCount: 1, channelCountMode: "explicit" });
      var silent = ctx.createGain(); // the graph runs only what reaches its destination
      silent.gain.value = 0;
      ctx.createMediaStreamSource(stream).connect(node);
      node.connect(silent);
      silent.connect(ctx.destination);
      var pending = [], size = 0, ts = 0;
      var enc = new AudioEncoder({
        output: function (chunk) {
          var b = new Uint8Array(chunk.byteLength);
          chunk.copyTo(b);
          pending.push(b);
          size += 2 + b.length;
          if (pending.length >= 4) {
            var msgb = new Uint8Array(1 + size), off = 1;
            msgb[0] = 1;
            pending.forEach(function (p) { msgb[off] = p.length >> 8; msgb[off + 1] = p.length & 255; msgb.set(p, off + 2); off += 2 + p.length; });
            pending = []; size = 0;
            if (ws && ws.readyState === 1) { ws.send(msgb.buffer); }
          }
        },
        error: function () { micStop(); micState(V.msgNoMic); }
      });
      enc.configure({ codec: "opus", sampleRate: ctx.sampleRate, numberOfChannels: 1, bitrate: 24000, opus: { frameDuration: 60000 } });
      node.port.onmessage = function (e) {
        if (!mic) { return; }
        var pcm = e.data;
        var data = new AudioData({ format: "f32-planar", sampleRate: ctx.sampleRate, numberOfFrames: pcm.length, numberOfChannels: 1, timestamp: ts, data: pcm });
        ts += pcm.length * 1e6 / ctx.sampleRate;
        try { mic.enc.encode(data); } catch (err) { /* closed while stopping */ }
        data.close();
      };
      mic = { stream: stream, ctx: ctx, enc: enc };
      send("audio", { on: true, codec: "opus", sample_rate: ctx.sampleRate, channels: 1, frame_ms: 60, kbps: 24 });
      $("voice-mic").textContent = V.msgStop;
      $("voice-mic").setAttribute("aria-pressed", "true");
      micState(V.msgOn);
    }).catch(function () {
      if (ctx) { ctx.close(); }
      micState(V.msgNoMic);
    });
  }
  function micStop() {
    if (!mic) { return; }
    var m = mic;
    mic = null;
    m.stream.getTracks().forEach(function (t) { t.stop(); });
    try { m.enc.close(); m.ctx.close(); } catch (e) { /* already stopped */ }
    send("audio", { on: false });
    $("voice-mic").textContent = V.msgStart;
    $("voice-mic").setAttribute("aria-pressed", "false");
    micState("");
  }
  if (vbox && trainer) {
    $("voice-mic").addEventListener("click", function () { if (mic) { micStop(); } else { micStart(); } });
  }
  // Recording: everyone sees the notice while it runs; the trainer's
  // button starts and stops it.
  var recOn = false;
  function recording(on) {
    recOn = !!on;
    $("recording").hidden = !recOn;
    var btn = $("record");
    if (btn) {
      btn.textContent = recOn ? btn.dataset.stop : btn.dataset.start;
      btn.setAttribute("aria-pressed", recOn ? "true" : "false");
    }
  }
  if ($("record")) { $("record").addEventListener("click", function () { send("record", { on: !recOn }); }); }

  // The connection's state is shown (connected, reconnecting, offline) and
  // set on the room as a class for the style. A link that dies silently (a
  // phone between cells) is found by a beat every 20 s that the server
  // answers: no message within 10 s after it, and the page reconnects.
  var pending = null, beatTimer = null, waitTimer = null;
  function state(name, text) {
    root.dataset.conn = name;
    status(text);
  }
  function connect() {
    clearTimeout(pending);
    state("connecting", "…");
    var sock = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/live/" + root.dataset.session + "/ws" + (lean ? "?lean=1" : ""));
    ws = sock;
    sock.binaryType = "arraybuffer";
    sock.onopen = function () { retry = 0; state("open", lean ? msg.msgConnectedLean : msg.msgConnected); beat(); };
    sock.onmessage = function (e) {
      clearTimeout(waitTimer);
      if (typeof e.data !== "string") { voicePacket(e.data); return; }
      try { handle(JSON.parse(e.data)); } catch (err) { /* a bad frame is skipped */ }
    };
    sock.onclose = function (e) {
      if (sock !== ws) { return; } // a connection already given up
      clearTimeout(beatTimer); clearTimeout(waitTimer);
      if (e.code === 1008) { state("closed", e.reason); return; } // the server asked us to stop
      again();
    };
  }
  // again gives up the current connection and connects anew after a wait
  // that grows with each failure, with jitter, so ten thousand phones do not
  // come back in the same second; at once when the browser says it is online.
  function again(now) {
    var old = ws;
    ws = null;
    if (old) { old.onclose = null; old.onmessage = null; try { old.close(); } catch (e) { /* already closed */ } }
    clearTimeout(beatTimer); clearTimeout(waitTimer); clearTimeout(pending);
    if (!navigator.onLine) { state("offline", msg.msgOffline); return; } // the online event reconnects
    state("reconnecting", msg.msgReconnecting);
    var wait = now ? 0 : Math.min(30000, 500 * Math.pow(2, retry++)) * (0.5 + Math.random());
    pending = setTimeout(connect, wait);
  }
  function beat() {
    clearTimeout(beatTimer);
    beatTimer = setTimeout(function () {
      if (!send("beat")) { return; }
      waitTimer = setTimeout(function () { again(); }, 10000);
      beat();
    }, 20000);
  }
  window.addEventListener("offline", function () { again(); });
  window.addEventListener("online", function () { retry = 0; again(true); });
  if ($("lean")) {
    $("lean").checked = lean;
    $("lean").addEventListener("change", function (e) {
      lean = e.target.checked;
      try { localStorage.setItem("tdkt.lean", lean ? "1" : "0"); } catch (err) { /* no storage */ }
      retry = 0; again(true);
    });
  }
  if ($("chat-follow")) {
    $("chat-follow").addEventListener("click", function () {
      if (send("chat_follow", { on: true })) { $("chat-follow").hidden = true; }
    });
  }

  // go moves the trainer's own view at once and tells the room: a second
  // tap before the room's answer then moves one slide further, not to the
  // same slide again. The room's slide message confirms it.
  var wanted = null;
  function go(i) {
    if (i !== current && send("goto", { index: i })) { wanted = i; show(i); }
  }
  $("prev").addEventListener("click", function () {
    if (trainer) { go(Math.max(0, current - 1)); return; }
    following = false; show(current - 1);
  });
  $("next").addEventListener("click", function () {
    if (trainer) { go(Math.min(slides.length - 1, current + 1)); return; }
    following = false; show(current + 1);
  });
  $("follow").addEventListener("click", function () { following = true; show(trainerAt); });
  $("poll-form").addEventListener("submit", function (e) {
    e.preventDefault();
    if (!poll) { return; }
    var choices = [];
    root.querySelectorAll("#poll-options input:checked").forEach(function (i) { choices.push(Number(i.value)); });
    if (choices.length && !sendKept("answer", { poll: poll.id, choices: choices })) { $("poll-status").textContent = msg.msgKept; }
  });
  $("here").addEventListener("click", function () {
    if (roll && !sendKept("here", { rollcall: roll.id })) { $("rollcall-text").textContent = msg.msgKept; }
  });
  if ($("hand")) { $("hand").addEventListener("click", function () { send("hand", { up: !handUp }); }); }
  $("ask-form").addEventListener("submit", function (e) {
    e.preventDefault();
    send("ask", { text: $("ask-text").value });
    $("ask-text").value = "";
  });
  $("chat-form").addEventListener("submit", function (e) {
    e.preventDefault();
    send("say", { text: $("chat-text").value });
    $("chat-text").value = "";
  });
  if (trainer) {
    // A bank question fills the form; its key goes along only if the
    // trainer left the question and options as they were.
    var bank = $("bank-data") ? JSON.parse($("bank-data").textContent) : [], picked = null;
    if ($("poll-bank")) {
      $("poll-bank").addEventListener("change", function (e) {
        picked = bank[Number(e.target.value)] || null;
        if (!picked) { return; }
        $("poll-q").value = picked.text;
        $("poll-opts").value = picked.options.join("\n");
        $("poll-multi").checked = picked.multiple;
      });
    }
    $("poll-open").addEventListener("submit", function (e) {
      e.preventDefault();
      var opts = $("poll-opts").value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
      var d = { text: $("poll-q").value, options: opts, multiple: $("poll-multi").checked };
      if (picked && picked.text === d.text && picked.options.join("\n") === opts.join("\n") && picked.multiple === d.multiple) {
        d.correct = picked.correct;
        d.source = picked.id;
      }
      send("poll_open", d);
    });
    $("poll-close").addEventListener("click", function () { send("poll_close"); });
    $("rollcall-open").addEventListener("submit", function (e) {
      e.preventDefault();
      send("rollcall_open", { seconds: Number($("rc-seconds").value) });
    });
    $("rollcall-close").addEventListener("click", function () { send("rollcall_close"); });
    $("chat-on").addEventListener("change", function (e) { send("chat_toggle", { on: e.target.checked }); });
    $("moderated").addEventListener("change", function (e) { send("moderation", { on: e.target.checked }); });
    var qr = $("hall-qr"); // the hall code changes every 30 seconds
    if (qr) { setInterval(function () { qr.src = qr.src.split("?")[0] + "?r=" + Date.now(); }, 30000); }
  }

  // The lobby counts down to the start; the room works before it, too.
  var starts = Number(root.dataset.starts);
  function lobby() {
    var left = Math.floor((starts - Date.now()) / 1000);
    $("lobby").hidden = left <= 0;
    if (left > 0) {
      $("countdown").textContent = Math.floor(left / 60) + ":" + ("0" + left % 60).slice(-2);
      setTimeout(lobby, 1000);
    }
  }
  lobby();
  show(0);
  connect();
})();
