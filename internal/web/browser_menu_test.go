package web

import (
	"net/http/httptest"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// shownJS says whether the element matching a selector is missing, hidden
// (takes no room), off the screen, or shown.
const shownJS = `(function (sel) {
  var el = document.querySelector(sel);
  if (!el) { return "missing"; }
  var r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) { return "hidden"; }
  if (r.left < 0 || r.right > window.innerWidth) { return "off screen"; }
  return "shown";
})`

// At 360 px an administrator's header is one row (the courses, the language
// and a menu button): the other links wait in a menu that opens from the keyboard (focus its summary, press Enter)
// and shows them on screen. A trainee's few links stay in the bar. On a
// wide screen the links stand in the bar and the menu is not there.
func TestBrowserCompactMenu(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	ctx, cancel := browser(t)
	defer cancel()
	login := func(user string) chromedp.Tasks {
		return chromedp.Tasks{
			network.ClearBrowserCookies(), // log the previous user out
			chromedp.Navigate(srv.URL + "/login"),
			chromedp.WaitVisible(`#username`, chromedp.ByID),
			chromedp.SendKeys(`#username`, user, chromedp.ByID),
			chromedp.SendKeys(`#password`, testPassword, chromedp.ByID),
			chromedp.Submit(`#password`, chromedp.ByID),
			chromedp.WaitVisible(`.cards`, chromedp.ByQuery),
		}
	}
	shown := func(sel string) string {
		t.Helper()
		var s string
		if err := chromedp.Run(ctx, chromedp.Evaluate(shownJS+`(`+"`"+sel+"`"+`)`, &s)); err != nil {
			t.Fatalf("measure %s: %v", sel, err)
		}
		return s
	}
	var height float64
	if err := chromedp.Run(ctx, login("quantri"),
		chromedp.Evaluate(`document.querySelector("header.top").getBoundingClientRect().height`, &height)); err != nil {
		t.Fatalf("admin home: %v", err)
	}
	screenshot(t, ctx, "menu-1-closed")
	// One row: the bar's padding around a 44 px tap target.
	if height > 64 {
		t.Errorf("the administrator's header is %.0f px tall at 360 px, want one row (≤ 64 px)", height)
	}
	if got := shown(`header a[href="/admin/audit"]`); got != "hidden" {
		t.Errorf("the audit link before the menu is opened: %s, want hidden", got)
	}
	for _, sel := range []string{`header a[href="/"]:not(.brand)`, `header button[name="lang"]`, `header .menu > summary`} {
		if got := shown(sel); got != "shown" {
			t.Errorf("%s: %s, want shown in the bar", sel, got)
		}
	}
	if shown(`header .menu > summary`) != "shown" {
		t.FailNow() // no menu to open
	}
	// Open it from the keyboard.
	var open bool
	if err := chromedp.Run(ctx,
		chromedp.Focus(`header .menu > summary`, chromedp.ByQuery),
		chromedp.KeyEvent(kb.Enter),
		chromedp.Evaluate(`document.querySelector("header .menu").open`, &open),
	); err != nil {
		t.Fatalf("open the menu: %v", err)
	}
	screenshot(t, ctx, "menu-2-open")
	if !open {
		t.Fatal("Enter on the focused summary did not open the menu")
	}
	for _, sel := range []string{`.menu-list a[href="/live"]`, `.menu-list a[href="/manage/progress"]`, `.menu-list a[href="/admin/users"]`, `.menu-list a[href="/admin/audit"]`,
		`.menu-list a[href="/password"]`, `.menu-list button.link`} {
		if got := shown(sel); got != "shown" {
			t.Errorf("%s in the open menu: %s, want shown", sel, got)
		}
	}
	var label string
	if err := chromedp.Run(ctx, chromedp.AttributeValue(`header .menu > summary`, "aria-label", &label, nil, chromedp.ByQuery)); err != nil || label == "" {
		t.Errorf("the menu's summary has no accessible name (%q, %v)", label, err)
	}

	// A trainee has no menu: their links are in the bar.
	if err := chromedp.Run(ctx, login("hocvien")); err != nil {
		t.Fatalf("trainee home: %v", err)
	}
	if got := shown(`header .menu`); got != "missing" {
		t.Errorf("a trainee's menu: %s, want none", got)
	}
	for _, sel := range []string{`header a[href="/live"]`, `header a[href="/password"]`} {
		if got := shown(sel); got != "shown" {
			t.Errorf("trainee %s: %s, want shown", sel, got)
		}
	}

	// A wide screen: the administrator's links stand in the bar.
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(1280, 800), login("quantri")); err != nil {
		t.Fatalf("wide: %v", err)
	}
	if got := shown(`header .nav-wide a[href="/admin/audit"]`); got != "shown" {
		t.Errorf("the audit link on a wide screen: %s, want in the bar", got)
	}
	if got := shown(`header .menu > summary`); got != "hidden" {
		t.Errorf("the menu on a wide screen: %s, want hidden", got)
	}
}
