// Reader progress: when the end of a module comes into view it is marked as
// done. Phones on weak links drop requests, so a failed save is queued in
// localStorage and sent again when the connection comes back.
(function () {
  "use strict";
  var KEY = "tdkt.pending";

  function queue() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function store(q) {
    try { localStorage.setItem(KEY, JSON.stringify(q)); } catch (e) { /* private mode: nothing to keep */ }
  }
  function post(url) {
    return fetch(url, { method: "POST", credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) {
        if (r.status === 401 || r.status === 403 || r.status === 404) { return null; }
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.json();
      });
  }
  function show(data) {
    var bar = document.getElementById("course-progress");
    var txt = document.getElementById("course-progress-text");
    var form = document.getElementById("complete-form");
    var state = document.getElementById("complete-state");
    var next = document.getElementById("next-link");
    var st = document.getElementById("complete-status");
    if (data && bar) { bar.value = data.course_percent; }
    if (data && txt && txt.dataset.tpl) { txt.textContent = fill(txt.dataset.tpl, data); }
    // The button gives way to the done state and a separate link onwards
    // (module.html); a keyboard user who pressed it lands on the statement.
    var hadFocus = form && form.contains(document.activeElement);
    if (form) { form.hidden = true; }
    if (state) { state.hidden = false; if (hadFocus) { state.focus(); } }
    if (next) { next.hidden = false; }
    if (st) { st.textContent = st.dataset.saved; }
  }
  // num writes a figure as the page's language does (vi "1.234,5", en
  // "1,234.5"), like viet.Num on the server, so a figure the script fills in
  // reads like the ones around it.
  var fmt = new Intl.NumberFormat(document.documentElement.lang === "en" ? "en-GB" : "vi-VN", { maximumFractionDigits: 1 });
  function num(x) { return fmt.format(x); }
  function fill(tpl, d) { return tpl.replace("{done}", num(d.course_done)).replace("{total}", num(d.course_total)).replace("{pct}", num(d.course_percent)); }

  function complete(url, isCurrent) {
    return post(url).then(function (data) { if (isCurrent) { show(data); } return true; })
      .catch(function () {
        var q = queue();
        if (q.indexOf(url) < 0) { q.push(url); store(q); }
        var st = document.getElementById("complete-status");
        if (isCurrent && st) { st.textContent = st.dataset.offline; }
        return false;
      });
  }
  function flush() {
    var q = queue();
    if (!q.length) { return; }
    store([]);
    q.forEach(function (url) { complete(url, false); });
  }

  function watchEnd() {
    var art = document.getElementById("module");
    var end = document.getElementById("module-end");
    if (!art || !end || art.dataset.done === "true") { return; }
    var url = art.dataset.completeUrl;
    var sent = false, start = Date.now();
    // The end counts as reached once the reader has scrolled to it, or after
    // a short while when the whole text fits on a large screen.
    function reached() {
      if (sent) { return; }
      if (window.scrollY < 50 && Date.now() - start < 20000) {
        setTimeout(function () { if (end.getBoundingClientRect().top < window.innerHeight) { reached(); } }, 20000 - (Date.now() - start));
        return;
      }
      sent = true;
      complete(url, true);
    }
    if ("IntersectionObserver" in window) {
      var io = new IntersectionObserver(function (entries) {
        entries.forEach(function (e) { if (e.isIntersecting) { io.disconnect(); reached(); } });
      });
      io.observe(end);
    } else {
      window.addEventListener("scroll", function () {
        if (end.getBoundingClientRect().top < window.innerHeight) { reached(); }
      }, { passive: true });
    }
  }

  // The button marks the module done in place, as reaching the end does,
  // rather than posting a form that reloads the page.
  function markButton() {
    var form = document.getElementById("complete-form"), art = document.getElementById("module");
    if (!form || !art) { return; }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      complete(art.dataset.completeUrl, true);
    });
  }

  // Exam attempt: every answer is sent as it is given. One that cannot be sent
  // (no network) waits in localStorage and is sent again; the server keeps the
  // clock, the countdown here only shows it.
  function attemptPage() {
    var form = document.getElementById("attempt");
    if (!form) { return; }
    var url = form.dataset.save, key = "tdkt.answers." + url, timers = {};
    function pending() { try { return JSON.parse(localStorage.getItem(key) || "{}"); } catch (e) { return {}; } }
    function keep(p) { try { localStorage.setItem(key, JSON.stringify(p)); } catch (e) { /* nothing to keep */ } }
    function status(q, text) {
      var fs = document.getElementById("q-" + q), el = fs && fs.querySelector(".saved");
      if (el) { el.textContent = text; }
    }
    function send(q, body) {
      return fetch(url, { method: "POST", credentials: "same-origin", body: new URLSearchParams(body),
        headers: { "Accept": "application/json" } })
        .then(function (r) {
          if (r.status === 409) { location.reload(); return; } // time up or submitted: show the result
          if (r.status === 503) { // the waiting room: keep the answer and send it when told
            var p0 = pending(); p0[q] = body; keep(p0); status(q, form.dataset.waiting);
            return r.json().then(function (j) { return j.retry_after_ms; }, function () { return 2000; })
              .then(function (ms) {
                clearTimeout(timers[q]);
                timers[q] = setTimeout(function () { send(q, pending()[q] || body); }, (ms || 2000) + Math.random() * 500);
              });
          }
          var p = pending(); delete p[q]; keep(p);
          status(q, r.ok ? form.dataset.saved : form.dataset.refused);
          count();
          net();
        })
        .catch(function () { var p = pending(); p[q] = body; keep(p); status(q, form.dataset.offline); net(); });
    }
    // net shows, above the questions, how many answers wait on the phone for
    // the connection: the trainee must know before pressing submit.
    function net(text) {
      var el = document.getElementById("attempt-net");
      if (!el) { return; }
      var n = Object.keys(pending()).length;
      text = text || (n ? el.dataset.pending.replace("{n}", num(n)) : "");
      el.textContent = text; el.hidden = !text; el.className = text ? "notice" : "";
    }
    function fields(fs) {
      var body = "question=" + encodeURIComponent(fs.dataset.q);
      fs.querySelectorAll("input, select").forEach(function (el) {
        if (!el.name || el.disabled || ((el.type === "radio" || el.type === "checkbox") && !el.checked)) { return; }
        body += "&" + encodeURIComponent(el.name) + "=" + encodeURIComponent(el.value);
      });
      return body;
    }
    function changed(e) {
      var fs = e.target.closest("fieldset.q");
      if (!fs) { return; }
      var q = fs.dataset.q, wait = e.target.type === "text" ? 800 : 0;
      count();
      clearTimeout(timers[q]);
      timers[q] = setTimeout(function () { send(q, fields(fs)); }, wait);
    }
    // done and count follow qview.Done on the server (question_view.go), so
    // the counter reads the same before and after a reload: it counts
    // questions, never case parts; a case once all its parts are answered;
    // an ordering once every item is placed; a short answer as it is typed
    // (the box's live value, not the value it was loaded with).
    function done(box) {
      if (box.querySelector("input:checked")) { return true; }
      var short = box.querySelector("input.short");
      if (short) { return short.value.trim() !== ""; }
      var sel = box.querySelectorAll("select"), set = 0;
      sel.forEach(function (s) { if (s.value !== "") { set++; } });
      if (box.querySelector("ul.order")) { return sel.length > 0 && set === sel.length; }
      return set > 0;
    }
    function count() {
      var n = 0, all = form.querySelectorAll("fieldset.q");
      all.forEach(function (fs) {
        var parts = fs.querySelectorAll("div.part"), ok = true;
        if (parts.length) { parts.forEach(function (p) { ok = ok && done(p); }); } else { ok = done(fs); }
        if (ok) { n++; }
      });
      var el = document.getElementById("answered");
      if (el && el.dataset.tpl) { el.textContent = el.dataset.tpl.replace("{n}", num(n)).replace("{total}", num(all.length)); }
    }
    function retry() { var p = pending(); Object.keys(p).forEach(function (q) { send(q, p[q]); }); }
    form.addEventListener("change", changed);
    form.addEventListener("input", function (e) { if (e.target.type === "text") { changed(e); } });
    form.addEventListener("submit", function (e) {
      var via = e.submitter;
      // Without a connection the submission would end on the browser's error
      // page, away from the questions; the answers stay kept and the trainee
      // submits again when the network is back (before the clock runs out).
      if (!navigator.onLine) { e.preventDefault(); net(form.dataset.nosubmit); return; }
      if (via && via.id === "submit-attempt" && !confirm(form.dataset.confirm)) { e.preventDefault(); }
    });
    window.addEventListener("online", retry);
    // Kept answers are tried again every 3 s, so that one given during a
    // short outage reaches the server soon after the network returns even
    // when the phone never noticed it was offline; with none kept, a slow
    // check every 15 s.
    (function again() {
      retry();
      setTimeout(again, Object.keys(pending()).length ? 3000 : 15000);
    })();

    var timer = document.getElementById("timer"), out = document.getElementById("time-left");
    if (timer && out) {
      var skew = Date.now() - Number(timer.dataset.now), deadline = Number(timer.dataset.deadline);
      var tick = function () {
        var left = Math.max(0, Math.floor((deadline - (Date.now() - skew)) / 1000));
        var m = Math.floor(left / 60), s = left % 60;
        out.textContent = m + ":" + (s < 10 ? "0" : "") + s;
        if (left < 300) { timer.classList.add("low"); }
        if (left === 0) { clearInterval(iv); setTimeout(function () { location.reload(); }, 1500); }
      };
      var iv = setInterval(tick, 1000);
      tick();
    }
  }

  // Waiting room: count down, then come back the way the request came (the
  // server chose the time, with jitter, so that not everyone returns at once).
  function waitingRoom() {
    var w = document.getElementById("waiting");
    if (!w) { return; }
    var after = Number(w.dataset.after) || 3000, left = document.getElementById("wait-left"), t0 = Date.now();
    setInterval(function () {
      if (left) { left.textContent = num(Math.max(0, Math.ceil((after - (Date.now() - t0)) / 1000))); }
    }, 1000);
    setTimeout(function () {
      var f = document.getElementById("wait-retry");
      if (f && f.tagName === "FORM") { f.submit(); } else { location.reload(); }
    }, after);
  }

  // A table wider than the phone scrolls sideways in its own box (app.css).
  // The keyboard scrolls only what holds the focus, so such a box takes the
  // focus (tabindex 0) while, and only while, it is too wide to show whole:
  // a table that fits adds no stop to the Tab key.
  function scrollers() {
    document.querySelectorAll(".content table, table.list, .scroll").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1) { el.tabIndex = 0; } else { el.removeAttribute("tabindex"); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    scrollers();
    window.addEventListener("resize", scrollers);
    waitingRoom();
    flush();
    watchEnd();
    markButton();
    attemptPage();
    var toc = document.querySelector(".toc");
    if (toc && window.matchMedia && window.matchMedia("(min-width: 48rem)").matches) { toc.open = true; }
  });
  window.addEventListener("online", flush);
})();
