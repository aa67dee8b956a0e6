package web

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// brokenWords lists the words of table cells that the browser split over
// two lines: a run of letters and digits (a syllable, a figure) whose range
// has more than one line box. A break after a slash or a dash, which
// typography allows, is not counted.
const brokenWords = `(function(){
  var out = [];
  document.querySelectorAll('.content td, .content th').forEach(function (cell) {
    var walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (var n = walk.nextNode(); n; n = walk.nextNode()) {
      var re = /[^\s\/\-–—]+/g, m;
      while ((m = re.exec(n.data))) {
        var r = document.createRange();
        r.setStart(n, m.index);
        r.setEnd(n, m.index + m[0].length);
        var lines = {};
        Array.prototype.forEach.call(r.getClientRects(), function (q) { if (q.width > 0) { lines[Math.round(q.top)] = true; } });
        if (Object.keys(lines).length > 1) { out.push(m[0]); }
      }
    }
  });
  return out;
})()`

// Every table of the shipped courses, at 360 px: no word is broken in the
// middle (a table wider than the screen scrolls instead), measured in
// Chromium on every module page.
func TestBrowserTablesKeepWordsWhole(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	ctx, cancel := browser(t)
	defer cancel()
	if err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/login"),
		chromedp.WaitVisible(`#username`, chromedp.ByID),
		chromedp.SendKeys(`#username`, "giangvien", chromedp.ByID), // a trainer also reads the trainer course
		chromedp.SendKeys(`#password`, testPassword, chromedp.ByID),
		chromedp.Submit(`#password`, chromedp.ByID),
		chromedp.WaitVisible(`.cards`, chromedp.ByQuery),
	); err != nil {
		t.Fatalf("log in: %v", err)
	}
	pages, tables := 0, 0
	for _, co := range e.cat.Courses {
		for _, m := range co.Modules {
			var broken []string
			var n int
			err := chromedp.Run(ctx,
				chromedp.Navigate(srv.URL+"/courses/"+co.ID+"/modules/"+m.ID),
				chromedp.WaitVisible(`#module`, chromedp.ByID),
				chromedp.Evaluate(`document.querySelectorAll('.content table').length`, &n),
				chromedp.Evaluate(brokenWords, &broken),
			)
			if err != nil {
				t.Fatalf("%s: %v", m.File, err)
			}
			pages++
			tables += n
			if len(broken) > 0 {
				t.Errorf("%s: %d words broken inside table cells at 360 px, e.g. %s", m.File, len(broken), strings.Join(broken[:min(5, len(broken))], ", "))
			}
		}
	}
	if pages < 10 || tables < 10 {
		t.Fatalf("only %d pages with %d tables were measured", pages, tables)
	}
	t.Logf("%d module pages, %d tables measured", pages, tables)
}
