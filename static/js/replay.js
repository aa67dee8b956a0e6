// Replay of a recorded live session: the trainer's voice plays in the page's
// audio player and the slides follow it; polls (with their final tally),
// roll calls and approved questions appear as the audio passes their moment.
// Seeking works both ways: the page shows what was on screen at that moment.
(function () {
  "use strict";
  var audio = document.getElementById("replay-audio");
  if (!audio) { return; }
  var timeline = JSON.parse(document.getElementById("replay-timeline").textContent) || [];
  var slides = document.querySelectorAll("#slides .slide");
  var list = document.getElementById("replay-list");
  var shownSlide = -1, shownEvents = -1;
  function clock(ms) {
    var s = Math.floor(ms / 1000);
    return Math.floor(s / 60) + ":" + ("0" + s % 60).slice(-2);
  }
  function describe(e) {
    switch (e.t) {
      case "poll":
        return "📊 " + e.text + " — " + (e.options || []).map(function (o, i) { return o + ": " + ((e.tally || [])[i] || 0); }).join(", ");
      case "rollcall": return "✅ " + e.marked;
      case "question": return "❓ " + e.text;
    }
    return "";
  }
  function update() {
    var now = audio.currentTime * 1000, slide = 0, upTo = -1;
    timeline.forEach(function (e, i) {
      if (e.at > now) { return; }
      upTo = i;
      if (e.t === "slide") { slide = e.index || 0; }
    });
    if (slide !== shownSlide && slide < slides.length) {
      slides.forEach(function (s, k) { s.hidden = k !== slide; });
      shownSlide = slide;
    }
    if (upTo !== shownEvents) { // rebuilt only when it changes: after a seek too
      list.textContent = "";
      timeline.slice(0, upTo + 1).forEach(function (e) {
        var text = describe(e);
        if (!text) { return; }
        var li = document.createElement("li");
        li.textContent = clock(e.at) + " " + text;
        list.appendChild(li);
      });
      shownEvents = upTo;
    }
    document.getElementById("replay-now").textContent = clock(now) + " · " + (slide + 1) + "/" + slides.length;
  }
  audio.addEventListener("timeupdate", update);
  audio.addEventListener("seeked", update);
  update();

  // Minutes actually played while the page is on screen go to the server,
  // which counts them toward attendance where the session allows it. A seek
  // is not playing; the server caps the total at the session's length.
  var watchURL = document.getElementById("replay").dataset.watch, played = 0, last = null;
  audio.addEventListener("timeupdate", function () {
    var t = audio.currentTime;
    if (last !== null && !audio.paused && !document.hidden) {
      var d = t - last;
      if (d > 0 && d < 2) { played += d; }
    }
    last = t;
  });
  audio.addEventListener("seeking", function () { last = null; });
  function report(leaving) {
    while (played >= 1) {
      var s = Math.min(120, Math.floor(played));
      played -= s;
      var body = new URLSearchParams({ seconds: String(s) });
      if (leaving && navigator.sendBeacon) {
        navigator.sendBeacon(watchURL, body);
      } else {
        fetch(watchURL, { method: "POST", body: body, credentials: "same-origin" }).catch(function () { played += s; });
      }
    }
  }
  setInterval(function () { report(false); }, 30000);
  window.addEventListener("pagehide", function () { report(true); });
  document.addEventListener("visibilitychange", function () { if (document.hidden) { report(true); } });
})();
