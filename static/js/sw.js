// The service worker of tdkt, served at /sw.js so that it covers the whole
// site. The server writes the list of versioned static files and the offline
// page in place of SHELL, and the build's stamp in place of VERSION, so every
// change of a script or style makes a new worker that drops the old shell.
//
// What it does, for officers on weak mobile data:
//  - static files (their names carry their hash) come from the cache first;
//  - reading pages (catalog, courses, modules, practice, documents) come from
//    the network first, and from the copy kept by "Tải về để đọc không cần
//    mạng" when the network fails; such a copy is marked so that the page can
//    say it is a kept copy and count the reading once the phone is online;
//  - anything else (exams, live rooms, management) needs the network, and a
//    failed load shows the offline page, which says so.
// It never caches a page the user did not ask to keep: pages carry the
// user's name and progress, and a shared phone must not show them to the
// next user (logging out deletes the kept copies, see offline.js).
"use strict";

var VERSION = "__VERSION__";
var SHELL = __SHELL__;
var SHELL_CACHE = "tdkt-shell-" + VERSION;
var COURSE_CACHE = "tdkt-course-";
var OFFLINE_PAGE = "/offline";
var KEPT_MARK = 'data-kept="1" ';

self.addEventListener("install", function (e) {
  e.waitUntil(caches.open(SHELL_CACHE).then(function (c) { return c.addAll(SHELL); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("tdkt-shell-") === 0 && k !== SHELL_CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

var PRACTICE = /^\/courses\/[^/]+\/modules\/[^/]+\/practice$/;

// Pages worth keeping for reading offline.
var READING = /^\/($|courses\/[^/]+(\/modules\/[^/]+(\/practice)?)?\/?$|documents(\/[^/]+)?\/?$)/;

self.addEventListener("fetch", function (e) {
  var req = e.request;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) { return; }
  if (req.method === "POST" && req.mode === "navigate" && PRACTICE.test(url.pathname)) {
    e.respondWith(practiceAnswer(req, url));
    return;
  }
  if (req.method === "POST" && req.mode === "navigate") {
    // Any other form sent without a connection (the exam's start and submit
    // buttons): the offline page, which says what needs the network, instead
    // of the browser's error.
    e.respondWith(fetch(req).catch(function () { return offlinePage(); }));
    return;
  }
  if (req.method !== "GET") { return; }
  if (url.pathname.indexOf("/static/") === 0) {
    e.respondWith(caches.match(req).then(function (hit) { return hit || fetch(req); }));
    return;
  }
  if (/^\/courses\/[^/]+\/files\//.test(url.pathname)) {
    e.respondWith(fetch(req).catch(function () {
      return caches.match(req, { ignoreSearch: true }).then(function (hit) { return hit || Response.error(); });
    }));
    return;
  }
  if (req.mode !== "navigate") { return; }
  if (READING.test(url.pathname)) {
    e.respondWith(readingPage(req, url));
    return;
  }
  e.respondWith(fetch(req).catch(function () { return offlinePage(); }));
});

// readingPage answers from the network and keeps a downloaded copy fresh; when
// the network fails it answers from the kept copy.
function readingPage(req, url) {
  return fetch(req).then(function (resp) {
    if (resp.ok && !resp.redirected && resp.type === "basic") {
      refresh(url.pathname, resp.clone());
    }
    return resp;
  }).catch(function () {
    return kept(url.pathname).then(function (hit) { return hit ? marked(hit, KEPT_MARK) : offlinePage(); });
  });
}

// practiceAnswer sends a practice answer; when it cannot be sent it answers
// with the kept practice page (or the offline page) carrying the form's
// fields in data-queue, and offline.js puts them in its outbox. The page's
// own script does this when the phone knows it is offline; this covers the
// phone that believes it is online on a link that does not carry.
function practiceAnswer(req, url) {
  var body = req.clone().text();
  return fetch(req).catch(function () {
    return Promise.all([body, kept(url.pathname)]).then(function (r) {
      var mark = 'data-queue="' + encodeURIComponent(r[0]) + '" ';
      return r[1] ? marked(r[1], KEPT_MARK + mark) : caches.match(OFFLINE_PAGE).then(function (hit) { return hit ? marked(hit, mark) : offlinePage(); });
    });
  });
}

// kept finds the copy of a page in any downloaded course.
function kept(path) {
  return caches.keys().then(function (keys) {
    var courses = keys.filter(function (k) { return k.indexOf(COURSE_CACHE) === 0; });
    var i = 0;
    function next() {
      if (i >= courses.length) { return undefined; }
      return caches.open(courses[i++]).then(function (c) { return c.match(path, { ignoreSearch: true }); })
        .then(function (hit) { return hit || next(); });
    }
    return next();
  });
}

// refresh replaces the copy of a page in the courses that keep it, so that a
// downloaded course does not stay as it was on the day of the download.
function refresh(path, resp) {
  caches.keys().then(function (keys) {
    keys.filter(function (k) { return k.indexOf(COURSE_CACHE) === 0; }).forEach(function (k) {
      caches.open(k).then(function (c) {
        return c.match(path, { ignoreSearch: true }).then(function (hit) { if (hit) { return c.put(path, resp.clone()); } });
      });
    });
  });
}

// marked returns a kept page with attributes added to its <html> element:
// data-kept tells the page's script it is read from the phone, data-queue
// carries an answer to put in the outbox (offline.js).
function marked(resp, attrs) {
  return resp.text().then(function (html) {
    html = html.replace("<html ", "<html " + attrs);
    return new Response(html, { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" } });
  });
}

function offlinePage() {
  return caches.match(OFFLINE_PAGE).then(function (hit) {
    return hit || new Response("Không có kết nối mạng. / No connection.", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  });
}
