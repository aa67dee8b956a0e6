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
    var btn = document.getElementById("complete-btn");
    var st = document.getElementById("complete-status");
    if (data && bar) { bar.value = data.course_percent; }
    if (data && txt && txt.dataset.tpl) { txt.textContent = fill(txt.dataset.tpl, data); }
    if (btn) { btn.className = "btn done"; btn.textContent = st ? st.dataset.done : "✓"; }
    if (st) { st.textContent = st.dataset.saved; }
  }
  function fill(tpl, d) { return tpl.replace("{done}", d.course_done).replace("{total}", d.course_total).replace("{pct}", d.course_percent); }

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

  document.addEventListener("DOMContentLoaded", function () {
    flush();
    watchEnd();
    var toc = document.querySelector(".toc");
    if (toc && window.matchMedia && window.matchMedia("(min-width: 48rem)").matches) { toc.open = true; }
  });
  window.addEventListener("online", flush);
})();
