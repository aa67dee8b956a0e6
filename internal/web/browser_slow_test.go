package web

import (
	"net/http/httptest"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// DevTools' "Slow 3G" preset: 400 kbit/s each way and 2 s added to every
// request (a 400 ms round trip, times five for the handshakes a request
// pays on a new connection, as DevTools reckons it).
const (
	slow3GLatencyMs = 2000
	slow3GBytesPerS = 500 * 1000 / 8 * 0.8
)

// pageTiming is what the browser measured of the page it shows: when the
// document's last byte arrived, when text was first painted, and which of
// the files it fetched over the network held back its first render.
type pageTiming struct {
	ResponseEnd float64  `json:"responseEnd"`
	FCP         float64  `json:"fcp"`
	Blocking    []string `json:"blocking"`
	Styled      bool     `json:"styled"`
	Title       string   `json:"title"`
}

const readTiming = `(function(){
  var nav = performance.getEntriesByType("navigation")[0] || {};
  var fcp = performance.getEntriesByName("first-contentful-paint")[0];
  var blocking = performance.getEntriesByType("resource")
    .filter(function (r) { return r.renderBlockingStatus === "blocking" && r.transferSize > 0; }) // a file from the cache costs no wait
    .map(function (r) { return r.name; });
  var bar = document.querySelector("header.top");
  return {responseEnd: nav.responseEnd || 0, fcp: fcp ? fcp.startTime : -1, blocking: blocking,
    styled: !!bar && getComputedStyle(bar).backgroundColor !== "rgba(0, 0, 0, 0)",
    title: (document.querySelector("#module h1") || {}).textContent || ""};
})()`

// A module page on an emulated slow 3G link, opened as a first visit (empty
// cache, no service worker): the page arrives within 3 seconds and nothing
// else holds back its first render, since its style comes inside it and its
// scripts are deferred. The figure asserted is the emulated network's; the
// paint time is logged, since it also depends on how busy this machine is.
func TestBrowserModuleOnSlow3G(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	ctx, cancel := browser(t)
	defer cancel()
	co := e.cat.Courses[0]
	err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/login"),
		chromedp.WaitVisible(`#username`, chromedp.ByID),
		chromedp.SendKeys(`#username`, "hocvien", chromedp.ByID),
		chromedp.SendKeys(`#password`, testPassword, chromedp.ByID),
		chromedp.Submit(`#password`, chromedp.ByID),
		chromedp.WaitVisible(`.cards`, chromedp.ByQuery),
		// Forget what the login visit left: the cached files, the worker and
		// its caches, the cookie that says the stylesheet is cached.
		chromedp.Evaluate(`navigator.serviceWorker.getRegistrations().then(function (rs) { return Promise.all(rs.map(function (r) { return r.unregister(); })); })
			.then(function () { return caches.keys(); }).then(function (ks) { return Promise.all(ks.map(function (k) { return caches.delete(k); })); }).then(function () { return true; })`,
			nil, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
		network.ClearBrowserCache(),
		network.DeleteCookies(cssCookie).WithURL(srv.URL),
		network.EmulateNetworkConditions(false, slow3GLatencyMs, slow3GBytesPerS, slow3GBytesPerS),
	)
	if err != nil {
		t.Fatalf("prepare: %v", err)
	}
	for i, m := range co.Modules[:2] { // a first visit, then the next module
		var pt pageTiming
		err := chromedp.Run(ctx,
			chromedp.Navigate(srv.URL+"/courses/"+co.ID+"/modules/"+m.ID),
			chromedp.WaitVisible(`#module h1`, chromedp.ByQuery),
			waitEval(`performance.getEntriesByName("first-contentful-paint").length > 0`),
			chromedp.Evaluate(readTiming, &pt),
		)
		if err != nil {
			t.Fatalf("%s: %v", m.ID, err)
		}
		t.Logf("visit %d, %s on slow 3G: document in %.0f ms, first paint at %.0f ms, render-blocking files %v",
			i+1, m.ID, pt.ResponseEnd, pt.FCP, pt.Blocking)
		if pt.ResponseEnd <= slow3GLatencyMs {
			t.Fatalf("the network was not slowed: the document arrived in %.0f ms", pt.ResponseEnd)
		}
		if pt.ResponseEnd > 3000 {
			t.Errorf("visit %d: the module page took %.0f ms to arrive on slow 3G, over 3 s", i+1, pt.ResponseEnd)
		}
		if len(pt.Blocking) > 0 {
			t.Errorf("visit %d: the first render waited for %v as well as the page: each costs another 2 s on slow 3G", i+1, pt.Blocking)
		}
		if !pt.Styled || pt.Title == "" {
			t.Errorf("visit %d: page not readable at first paint (styled %v, title %q)", i+1, pt.Styled, pt.Title)
		}
	}
}
