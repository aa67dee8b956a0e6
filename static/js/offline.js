// Studying without a connection (the service worker is static/js/sw.js):
//  - the "download" card on a course page keeps the course's pages on the
//    phone and says how much space they take;
//  - a kept page read offline says so, and its reading is reported (the
//    module page is asked for again) once the phone is online;
//  - a practice answer given offline waits in an outbox in localStorage with
//    a key made up here, and is sent when the connection returns; the server
//    applies each key once, so sending the outbox twice (a reply lost on the
//    way) stores nothing twice.
(function () {
  "use strict";
  var OUTBOX = "tdkt.outbox", VISITS = "tdkt.visits", KEPT = "tdkt.kept.", COURSE_CACHE = "tdkt-course-";
  var MAX_AGE = 30 * 24 * 3600 * 1000; // exam.ClientKeyDays: the server forgets keys after it
  var root = document.documentElement, lang = root.lang === "en" ? "en-GB" : "vi-VN";
  var user = root.dataset.u || "";

  function load(k, d) { try { return JSON.parse(localStorage.getItem(k) || "null") || d; } catch (e) { return d; } }
  function save(k, v) { try { localStorage.setItem(k, JSON.stringify(v)); } catch (e) { /* private mode: nothing kept */ } }
  function fill(tpl, d) { return tpl.replace(/\{(\w+)\}/g, function (_, k) { return d[k] === undefined ? "" : d[k]; }); }
  function size(n) {
    var f = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
    return n >= 1048576 ? f.format(n / 1048576) + " MB" : f.format(Math.max(1, Math.round(n / 1024))) + " KB";
  }
  function when(ms) {
    return new Intl.DateTimeFormat(lang, { timeZone: "Asia/Ho_Chi_Minh", hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit", year: "numeric" }).format(new Date(ms));
  }
  function newKey() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return (x < 16 ? "0" : "") + x.toString(16); }).join("");
  }

  // The outbox: practice answers to send, oldest first, each with its user,
  // so that a phone shared by two officers never sends one's answer as the
  // other's.
  function outbox() {
    var now = Date.now();
    return load(OUTBOX, []).filter(function (e) { return now - e.at < MAX_AGE; });
  }
  function enqueue(url, body) {
    var q = outbox();
    q.push({ key: newKey(), user: user, url: url, body: body, at: Date.now() });
    save(OUTBOX, q);
  }
  function mine() { return outbox().filter(function (e) { return e.user === user; }); }

  var flushing = false;
  function flush() {
    if (flushing || !user || !navigator.onLine) { return; }
    var todo = mine();
    if (!todo.length) { flushVisits(); return; }
    flushing = true;
    var sent = 0, refused = [];
    function drop(key) { save(OUTBOX, outbox().filter(function (e) { return e.key !== key; })); }
    function next(i) {
      if (i >= todo.length) { return done(); }
      var e = todo[i];
      return fetch(e.url, { method: "POST", credentials: "same-origin", headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
        body: e.body + "&client_key=" + e.key })
        .then(function (r) {
          if (r.ok) { drop(e.key); sent++; return next(i + 1); }
          if (r.status === 401 || r.status === 403 || r.status >= 500) { return done(); } // log in again, or later
          return r.json().catch(function () { return {}; }).then(function (j) { // refused: it would be refused again
            drop(e.key); refused.push(j.error || ("HTTP " + r.status)); return next(i + 1);
          });
        }, done);
    }
    function done() { flushing = false; report(sent, refused); flushVisits(); }
    next(0);
  }
  function report(sent, refused) {
    var el = document.getElementById("outbox-status");
    if (!el) { return; }
    var left = mine().length, parts = [];
    if (sent) { parts.push(fill(el.dataset.sent, { n: sent })); }
    if (refused.length) { parts.push(fill(el.dataset.refused, { why: refused.join("; ") })); }
    if (left) { parts.push(fill(el.dataset.pending, { n: left })); }
    el.textContent = parts.join(" ");
    el.hidden = !parts.length;
    el.className = parts.length ? "notice" : ""; // tests and styles look for a shown .notice
  }

  // Reading done offline: the module page is asked for again once online,
  // which records the visit on the server as any reading does.
  function flushVisits() {
    var v = load(VISITS, []).filter(function (e) { return e.user === user; });
    if (!v.length || !navigator.onLine) { return; }
    save(VISITS, load(VISITS, []).filter(function (e) { return e.user !== user; }));
    v.forEach(function (e) {
      fetch(e.path, { credentials: "same-origin" }).then(function (r) { if (!r.ok) { throw new Error(r.status); } })
        .catch(function () { var all = load(VISITS, []); all.push(e); save(VISITS, all); });
    });
  }

  function keptPage() {
    if (root.dataset.kept !== "1") { return; }
    var main = document.getElementById("main"), msg = document.getElementById("outbox-status");
    if (main && msg) {
      var p = document.createElement("p");
      p.className = "notice"; p.setAttribute("role", "status"); p.textContent = msg.dataset.kept;
      main.insertBefore(p, main.firstChild);
    }
    if (/\/modules\/[^/]+$/.test(location.pathname) && user) {
      var v = load(VISITS, []);
      if (!v.some(function (e) { return e.path === location.pathname && e.user === user; })) {
        v.push({ path: location.pathname, user: user, at: Date.now() });
        save(VISITS, v);
      }
    }
  }

  // Practice: with no connection the answer goes to the outbox instead of
  // the server. When the phone believes it is online but the request fails,
  // the service worker answers with the kept page and the form's fields in
  // data-queue, and they are put in the outbox here.
  function practice() {
    var forms = document.querySelectorAll("form.practice");
    forms.forEach(function (f) {
      f.addEventListener("submit", function (e) {
        if (navigator.onLine) { return; }
        e.preventDefault();
        enqueue(f.getAttribute("action"), new URLSearchParams(new FormData(f)).toString());
        var st = f.querySelector(".queued") || document.createElement("p");
        st.className = "queued meta"; st.setAttribute("role", "status");
        st.textContent = document.getElementById("outbox-status").dataset.queued;
        f.appendChild(st);
        report(0, []);
      });
    });
    // "Try again" on an answered question opens it in place, without a round
    // trip (and works on a kept page, where the link's address is not kept).
    document.querySelectorAll("form.practice a.again").forEach(function (a) {
      a.addEventListener("click", function (e) {
        e.preventDefault();
        var f = a.closest("form"), fs = f.querySelector("fieldset.q"), b = document.createElement("button");
        f.querySelectorAll("input[disabled], select[disabled]").forEach(function (el) { el.disabled = false; });
        f.querySelectorAll(".mark, .explain").forEach(function (el) { el.remove(); });
        if (fs) { fs.classList.remove("reviewed"); }
        b.type = "submit"; b.className = "btn"; b.textContent = a.dataset.check;
        a.replaceWith(b);
        var first = f.querySelector("input:not([type=hidden])");
        if (first) { first.focus(); }
      });
    });
    if (root.dataset.queue) {
      enqueue(location.pathname, decodeURIComponent(root.dataset.queue));
      delete root.dataset.queue;
    }
    report(0, []);
  }

  // The download card of a course page.
  function courseCard() {
    var card = document.getElementById("offline-card");
    if (!card) { return; }
    var id = card.dataset.course, btn = document.getElementById("offline-save"), del = document.getElementById("offline-remove");
    var st = document.getElementById("offline-state");
    if (!("caches" in window) || !("serviceWorker" in navigator)) { st.textContent = card.dataset.unsupported; btn.disabled = true; return; }
    function shown() {
      var k = load(KEPT + id, null);
      if (k && k.user === user) {
        st.textContent = fill(card.dataset.saved, { n: k.files, size: size(k.bytes), at: when(k.at) });
        btn.textContent = card.dataset.update; del.hidden = false;
      } else {
        del.hidden = true;
      }
    }
    btn.addEventListener("click", function () {
      btn.disabled = true;
      var bytes = 0, n = 0;
      fetch(card.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (list) {
          if (navigator.storage && navigator.storage.persist) { navigator.storage.persist(); }
          return caches.open(COURSE_CACHE + id).then(function (cache) {
            var i = 0;
            function one() {
              if (i >= list.files.length) { return; }
              var f = list.files[i++];
              // X-Tdkt-Download: a download is not a reading, so the server
              // does not count it toward progress.
              return fetch(f.url, { credentials: "same-origin", headers: { "X-Tdkt-Download": "1" } }).then(function (r) {
                if (!r.ok || r.redirected) { throw new Error(f.url + ": " + r.status); }
                return r.clone().blob().then(function (b) {
                  bytes += b.size; n++;
                  st.textContent = fill(card.dataset.saving, { n: n, total: list.files.length, size: size(bytes) });
                  return cache.put(f.url, r);
                });
              }).then(one);
            }
            return one();
          });
        })
        .then(function () {
          save(KEPT + id, { user: user, title: card.dataset.title, files: n, bytes: bytes, at: Date.now() });
          btn.disabled = false; shown();
        })
        .catch(function () { btn.disabled = false; st.textContent = card.dataset.failed; });
    });
    del.addEventListener("click", function () {
      caches.delete(COURSE_CACHE + id).then(function () {
        localStorage.removeItem(KEPT + id); st.textContent = card.dataset.removed; btn.textContent = card.dataset.save; del.hidden = true;
      });
    });
    shown();
  }

  // Logging out removes the kept pages: they show the user's name and
  // progress, and the next person on this phone must not see them. Answers
  // still in the outbox stay; they are sent when their owner logs in again.
  function onLogout() {
    document.querySelectorAll("form[action='/logout']").forEach(function (f) {
      f.addEventListener("submit", function () {
        if (!("caches" in window)) { return; }
        caches.keys().then(function (keys) {
          keys.forEach(function (k) { if (k.indexOf(COURSE_CACHE) === 0) { caches.delete(k); } });
        });
        for (var i = localStorage.length - 1; i >= 0; i--) {
          var k = localStorage.key(i);
          if (k && k.indexOf(KEPT) === 0) { localStorage.removeItem(k); }
        }
      });
    });
  }

  // Pages another officer kept on this phone (their session ended without
  // logging out) are removed once someone else logs in: they carry that
  // officer's name and progress.
  function forgetOthers() {
    if (!user || !("caches" in window)) { return; }
    for (var i = localStorage.length - 1; i >= 0; i--) {
      var k = localStorage.key(i);
      if (k && k.indexOf(KEPT) === 0) {
        var c = load(k, null);
        if (c && c.user !== user) { caches.delete(COURSE_CACHE + k.slice(KEPT.length)); localStorage.removeItem(k); }
      }
    }
  }

  // The offline page lists the courses kept on this phone.
  function offlinePage() {
    var list = document.getElementById("offline-list");
    if (!list) { return; }
    var any = false;
    for (var i = 0; i < localStorage.length; i++) {
      var k = localStorage.key(i);
      if (k && k.indexOf(KEPT) === 0) {
        var c = load(k, null), id = k.slice(KEPT.length), li = document.createElement("li"), a = document.createElement("a");
        a.href = "/courses/" + encodeURIComponent(id); a.textContent = (c && c.title) || id;
        li.appendChild(a); list.appendChild(li); any = true;
      }
    }
    document.getElementById("offline-courses").hidden = !any;
    document.getElementById("offline-retry").addEventListener("click", function () { location.reload(); });
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(function () { /* http on a LAN address: no offline reading */ });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (root.dataset.kept !== "1") { forgetOthers(); }
    keptPage();
    practice();
    courseCard();
    onLogout();
    offlinePage();
    flush();
    setInterval(flush, 20000);
  });
  window.addEventListener("online", flush);
})();
