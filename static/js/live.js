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
  var poll = null, roll = null;

  function status(text) { $("live-status").textContent = text; }
  function show(i) {
    if (i < 0 || i >= slides.length) { return; }
    slides.forEach(function (s, k) { s.hidden = k !== i; });
    current = i;
    $("slide-no").textContent = (i + 1) + "/" + slides.length;
    $("follow").hidden = following || trainer;
  }
  function send(t, d) {
    if (ws && ws.readyState === 1) { ws.send(JSON.stringify({ t: t, d: d })); }
  }

  function renderPoll(p, mine, tally) {
    poll = p;
    var box = $("poll");
    if (!p) { box.hidden = true; return; }
    box.hidden = false;
    $("poll-text").textContent = p.text;
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
      label.appendChild(document.createTextNode(" " + o));
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
      li.appendChild(document.createTextNode(" " + n + " · " + (poll ? poll.options[i] : i + 1)));
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

  function handle(m) {
    if (m.seq) {
      if (lastSeq && m.seq > lastSeq + 1 && ws) { ws.close(); return; } // missed something: resync
      lastSeq = m.seq;
    }
    var d = m.d || {};
    switch (m.t) {
      case "hello":
        lastSeq = d.seq;
        trainerAt = d.slide;
        if (following) { show(d.slide); }
        renderPoll(d.poll, d.my_answer, d.tally);
        renderRoll(d.rollcall, d.marked);
        break;
      case "slide":
        trainerAt = d.index;
        if (following || trainer) { show(d.index); }
        break;
      case "poll": renderPoll(d, null, null); break;
      case "tally": renderTally(d.counts); break;
      case "answered": $("poll-status").textContent = root.dataset.msgAnswered; break;
      case "rollcall": renderRoll(d, false); break;
      case "marked": $("here").hidden = true; $("rollcall-text").textContent = root.dataset.msgMarked; break;
      case "presence":
        if ($("presence")) { $("presence").textContent = d.expected_online + "/" + d.expected + " · " + d.connected; }
        break;
      case "error": $("live-error").textContent = d.message; break;
    }
  }

  function connect() {
    status("…");
    ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/live/" + root.dataset.session + "/ws");
    ws.onopen = function () { retry = 0; status(root.dataset.msgConnected); };
    ws.onmessage = function (e) { try { handle(JSON.parse(e.data)); } catch (err) { /* a bad frame is skipped */ } };
    ws.onclose = function (e) {
      status(root.dataset.msgReconnecting);
      if (e.code === 1008) { return; } // the server asked us to stop
      var wait = Math.min(30000, 500 * Math.pow(2, retry++)) * (0.5 + Math.random());
      setTimeout(connect, wait);
    };
  }

  $("prev").addEventListener("click", function () {
    if (trainer) { send("goto", { index: Math.max(0, current - 1) }); return; }
    following = false; show(current - 1);
  });
  $("next").addEventListener("click", function () {
    if (trainer) { send("goto", { index: Math.min(slides.length - 1, current + 1) }); return; }
    following = false; show(current + 1);
  });
  $("follow").addEventListener("click", function () { following = true; show(trainerAt); });
  $("poll-form").addEventListener("submit", function (e) {
    e.preventDefault();
    if (!poll) { return; }
    var choices = [];
    root.querySelectorAll("#poll-options input:checked").forEach(function (i) { choices.push(Number(i.value)); });
    if (choices.length) { send("answer", { poll: poll.id, choices: choices }); }
  });
  $("here").addEventListener("click", function () { if (roll) { send("here", { rollcall: roll.id }); } });
  if (trainer) {
    $("poll-open").addEventListener("submit", function (e) {
      e.preventDefault();
      var opts = $("poll-opts").value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
      send("poll_open", { text: $("poll-q").value, options: opts, multiple: $("poll-multi").checked });
    });
    $("poll-close").addEventListener("click", function () { send("poll_close"); });
    $("rollcall-open").addEventListener("submit", function (e) {
      e.preventDefault();
      send("rollcall_open", { seconds: Number($("rc-seconds").value) });
    });
    $("rollcall-close").addEventListener("click", function () { send("rollcall_close"); });
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
