package web

import (
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// overflowJS measures the page at the reader's font size: the body's font
// size, whether the page scrolls sideways, the outermost elements that
// stick out on the right (a table scrolling inside its own box does not
// count), what stays put while the page scrolls and covers more than a
// third of the screen, and, in the header, links and buttons that are off
// the screen or lie on top of one another.
const overflowJS = `(function () {
  var w = window.innerWidth, out = [], hdr = [];
  function name(el) {
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "");
  }
  function clipped(el) {
    for (var p = el.parentElement; p; p = p.parentElement) {
      var o = getComputedStyle(p).overflowX;
      if (o === "auto" || o === "scroll" || o === "hidden") { return true; }
    }
    return false;
  }
  document.querySelectorAll("body *").forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= w + 1 || clipped(el)) { return; }
    var p = el.parentElement, pr = p && p.getBoundingClientRect();
    if (pr && pr.right > w + 1 && !clipped(p)) { return; } // its parent is reported
    out.push(name(el) + " right=" + Math.round(r.right));
  });
  var items = [];
  document.querySelectorAll("header.top a, header.top button, header.top summary").forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || el.closest("details:not([open]) > :not(summary)")) { return; } // a closed menu's entries
    if (r.left < -1 || r.right > w + 1) { hdr.push(name(el) + " off screen"); }
    items.forEach(function (o) {
      var q = o.r, x = Math.min(r.right, q.right) - Math.max(r.left, q.left), y = Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top);
      if (x > 1 && y > 1 && !o.el.contains(el) && !el.contains(o.el)) { hdr.push(name(el) + " overlaps " + name(o.el)); }
    });
    items.push({el: el, r: r});
  });
  var stuck = [];
  document.querySelectorAll("body *").forEach(function (el) {
    var pos = getComputedStyle(el).position, r = el.getBoundingClientRect();
    if ((pos === "sticky" || pos === "fixed") && r.height > window.innerHeight / 3) { stuck.push(name(el) + " " + Math.round(r.height) + " px tall"); }
  });
  return {stuck: stuck, font: parseFloat(getComputedStyle(document.body).fontSize), scroll: document.scrollingElement.scrollWidth, width: w,
    wide: out.slice(0, 6), header: hdr, links: items.length};
})()`

type overflowResult struct {
	Stuck  []string `json:"stuck"`
	Font   float64  `json:"font"`
	Scroll int      `json:"scroll"`
	Width  int      `json:"width"`
	Wide   []string `json:"wide"`
	Header []string `json:"header"`
	Links  int      `json:"links"`
}

// With the phone's text size doubled (Android's font size setting, 32 px
// instead of 16), a trainee's pages follow it, still fit 360 px without
// scrolling sideways, nothing that stays put while the page scrolls (the
// exam's clock) covers more than a third of the screen, and the header's
// links stay on the screen and apart.
func TestBrowserLargeFont(t *testing.T) {
	e := newEnv(t)
	sess := scheduleRoom(t, e, "525252", "Hội nghị tập huấn trực tuyến")
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	ctx, cancel := browser(t)
	defer cancel()
	chromedp.ListenTarget(ctx, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			go chromedp.Run(ctx, page.HandleJavaScriptDialog(true))
		}
	})
	if err := chromedp.Run(ctx, page.SetFontSizes(&page.FontSizes{Standard: 32, Fixed: 26})); err != nil {
		t.Fatal(err)
	}
	co := e.cat.Course("nghiep-vu-thi-dua-khen-thuong")
	m := practiceModule(t, co)
	base := "/courses/" + co.ID
	var failed []string
	measure := func(name string) {
		t.Helper()
		var r overflowResult
		if err := chromedp.Run(ctx, chromedp.Evaluate(overflowJS, &r)); err != nil {
			t.Fatalf("measure %s: %v", name, err)
		}
		screenshot(t, ctx, "font-"+strings.ReplaceAll(name, " ", "-"))
		if r.Font < 31 {
			failed = append(failed, fmt.Sprintf("%s: the text is %.0f px, not the reader's 32 px", name, r.Font))
		}
		if r.Scroll > r.Width+1 {
			failed = append(failed, fmt.Sprintf("%s: the page is %d px wide on a %d px screen: %s", name, r.Scroll, r.Width, strings.Join(r.Wide, ", ")))
		}
		if len(r.Stuck) > 0 {
			failed = append(failed, fmt.Sprintf("%s: what stays on the screen while scrolling covers more than a third of it: %s", name, strings.Join(r.Stuck, ", ")))
		}
		if len(r.Header) > 0 || r.Links < 2 {
			failed = append(failed, fmt.Sprintf("%s: header (%d links): %s", name, r.Links, strings.Join(r.Header, ", ")))
		}
	}
	visit := func(name, path, ready string) {
		t.Helper()
		if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+path), chromedp.WaitVisible(ready, chromedp.ByQuery)); err != nil {
			t.Fatalf("open %s: %v", name, err)
		}
		measure(name)
	}
	run := func(what string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	visit("login", "/login", `#username`)
	run("log in", logIn(srv.URL, "hocvien"))
	measure("catalog")
	visit("course", base, `#course-progress`)
	for _, mm := range co.Modules {
		visit("module "+mm.ID, base+"/modules/"+mm.ID, `#module`)
	}
	visit("practice", base+"/modules/"+m.ID+"/practice", `form.practice`)
	run("answer a practice question",
		chromedp.Evaluate(`(function(){var f=document.querySelector('form.practice');f.querySelector('input[type=radio]').checked=true;f.requestSubmit();})()`, nil),
		chromedp.WaitVisible(`form.practice .mark`, chromedp.ByQuery))
	measure("practice with feedback")
	visit("exam", base+"/exam", `#start-exam`)
	run("start the exam", chromedp.Click(`#start-exam`, chromedp.ByID), chromedp.WaitVisible(`#attempt`, chromedp.ByID))
	measure("attempt")
	visit("live room", "/live/"+strconv.FormatInt(sess.ID, 10), `#slides`)
	run("connect", waitText(`#live-status`, "đã kết nối"))
	measure("live room")
	// A trainer's header keeps its menu; opened, every entry is on the screen.
	run("log in as trainer", logIn(srv.URL, "giangvien"))
	measure("trainer's catalog")
	var off []string
	run("open the menu", chromedp.Click(`details.menu summary`, chromedp.ByQuery),
		chromedp.WaitVisible(`.menu-list`, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('.menu-list a, .menu-list button')).filter(function (el) {
			var r = el.getBoundingClientRect(); return r.width === 0 || r.left < -1 || r.right > window.innerWidth + 1;
		}).map(function (el) { return el.textContent; })`, &off))
	screenshot(t, ctx, "font-trainer-menu")
	if len(off) > 0 {
		failed = append(failed, "trainer's menu: entries off the screen: "+strings.Join(off, ", "))
	}
	if len(failed) > 0 {
		t.Fatalf("at 360 px with 32 px text:\n%s", strings.Join(failed, "\n"))
	}
}
