package web

import (
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/quiz"
)

// focusJS describes the focused element: its id, classes and text, whether
// it is on the screen, and the contrast of its focus outline against what
// lies behind it (0 when it has none).
const focusJS = `(function () {
  var el = document.activeElement;
  if (!el || el === document.body) { return {tag: "body"}; }
  function rgb(c) { var m = c.match(/[\d.]+/g) || [0, 0, 0, 0]; return m.map(Number).concat(m.length < 4 ? [1] : []); }
  function lum(c) {
    var v = c.slice(0, 3).map(function (x) { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  }
  var bg = [255, 255, 255, 1];
  for (var p = el.parentElement; p; p = p.parentElement) {
    var c = rgb(getComputedStyle(p).backgroundColor);
    if (c[3] > 0) { bg = c; break; }
  }
  var s = getComputedStyle(el), contrast = 0;
  if (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) {
    var a = lum(rgb(s.outlineColor)), b = lum(bg);
    contrast = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }
  var r = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), id: el.id, cls: el.className || "", text: (el.textContent || "").trim().slice(0, 60),
    type: el.type || "", form: Array.prototype.indexOf.call(document.querySelectorAll("form.practice"), el.closest("form.practice")),
    checked: !!el.checked, onScreen: r.width > 2 && r.height > 2 && r.top >= 0 && r.left >= 0 && r.right <= window.innerWidth + 1,
    contrast: contrast};
})()`

type focused struct {
	Tag      string  `json:"tag"`
	ID       string  `json:"id"`
	Class    string  `json:"cls"`
	Text     string  `json:"text"`
	Type     string  `json:"type"`
	Form     int     `json:"form"`
	Checked  bool    `json:"checked"`
	OnScreen bool    `json:"onScreen"`
	Contrast float64 `json:"contrast"`
}

// From the keyboard alone: the first Tab on a page reaches a visible "skip
// to main content" link and Enter takes the focus to the main content;
// focused links and buttons show an outline that stands out (3:1) from
// what is behind it; a practice question is answered with Space on a
// radio button and sent with Enter, another sent with Space.
func TestBrowserKeyboard(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	ctx, cancel := browser(t)
	defer cancel()
	co := e.cat.Course("nghiep-vu-thi-dua-khen-thuong")
	var m *course.Module
	for _, mm := range co.Modules {
		if len(mm.Questions) > 1 && mm.Questions[0].Type == quiz.Single && mm.Questions[1].Type == quiz.Single {
			m = mm
			break
		}
	}
	if m == nil {
		t.Fatal("no module with two single-choice practice questions")
	}
	modURL := srv.URL + "/courses/" + co.ID + "/modules/" + m.ID
	now := func() focused {
		t.Helper()
		var f focused
		if err := chromedp.Run(ctx, chromedp.Evaluate(focusJS, &f)); err != nil {
			t.Fatal(err)
		}
		return f
	}
	key := func(k string) focused {
		t.Helper()
		if err := chromedp.Run(ctx, chromedp.KeyEvent(k)); err != nil {
			t.Fatal(err)
		}
		return now()
	}
	// tabTo presses Tab until the focus is on what want accepts, at most n times.
	tabTo := func(what string, n int, want func(focused) bool) focused {
		t.Helper()
		var f focused
		for range n {
			if f = key("\t"); want(f) {
				return f
			}
		}
		t.Fatalf("%d Tabs did not reach %s; the focus is on %+v", n, what, f)
		return f
	}
	if err := chromedp.Run(ctx, logIn(srv.URL, "hocvien"), chromedp.Navigate(modURL), chromedp.WaitVisible(`#module`, chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	f := key("\t")
	if f.Class != "skip" || f.Text != "Bỏ qua, đến nội dung chính" || !f.OnScreen {
		t.Fatalf("the first Tab focused %+v, want the skip link, on the screen", f)
	}
	if f.Contrast < 3 {
		t.Errorf("the skip link's focus outline has a contrast of %.1f, want at least 3", f.Contrast)
	}
	screenshot(t, ctx, "keys-1-skip")
	if f = key("\r"); f.Tag != "main" {
		t.Fatalf("Enter on the skip link focused %+v, want main", f)
	}
	if f = key("\t"); f.Tag != "a" || !f.OnScreen || f.Contrast < 3 {
		t.Fatalf("the Tab after the skip focused %+v, want a link of the main content, on the screen, outlined at 3:1", f)
	}
	// The header's links sit on the red bar: their outline must show there too.
	if err := chromedp.Run(ctx, chromedp.Navigate(modURL), chromedp.WaitVisible(`#module`, chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	key("\t")
	if f = key("\t"); f.Class != "brand" || f.Contrast < 3 {
		t.Fatalf("the second Tab focused %+v, want the brand link outlined at 3:1 on the bar", f)
	}
	screenshot(t, ctx, "keys-2-brand")

	// Practice from the keyboard: Space chooses, Enter sends.
	if err := chromedp.Run(ctx, chromedp.Navigate(modURL+"/practice"), chromedp.WaitVisible(`form.practice`, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	answer := func(form int, send string) {
		t.Helper()
		tabTo(fmt.Sprintf("a choice of question %d", form+1), 80, func(f focused) bool { return f.Type == "radio" && f.Form == form })
		if f := key(" "); !f.Checked {
			t.Fatalf("Space on a choice of question %d left it unchecked: %+v", form+1, f)
		}
		f := tabTo(fmt.Sprintf("the button of question %d", form+1), 20, func(f focused) bool { return f.Tag == "button" && f.Form == form })
		if f.Contrast < 3 {
			t.Errorf("the focused button has an outline contrast of %.1f", f.Contrast)
		}
		key(send)
		q := m.Questions[form].ID
		if err := chromedp.Run(ctx, waitEval(`location.hash === "#q-`+q+`" && document.querySelector('#q-`+q+` .mark') !== null`)); err != nil {
			t.Fatalf("question %d sent with %q: no feedback: %v", form+1, send, err)
		}
	}
	answer(0, "\r")
	screenshot(t, ctx, "keys-3-practice")
	// The answer page opens at the question answered: the next Tab stays
	// there (its "try again" link), and goes on to the next question.
	if f := key("\t"); f.Form != 0 {
		t.Fatalf("the Tab after answering focused %+v, want the answered question's form", f)
	}
	answer(1, " ")
}
