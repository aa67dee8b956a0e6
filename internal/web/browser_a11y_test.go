package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/quiz"
)

// axeRun runs axe-core on the whole page with the WCAG 2.0 and 2.1 A and AA
// rules and returns how many rules it applied and the serious and critical
// violations, each with the first few elements it found. Minor and moderate
// findings are left to a person's judgement.
const axeRun = `axe.run(document, {
  runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
  resultTypes: ["violations"]
}).then(function (r) {
  return {
    rules: r.passes.length + r.violations.length + r.incomplete.length + r.inapplicable.length,
    violations: r.violations.filter(function (v) { return v.impact === "serious" || v.impact === "critical"; }).map(function (v) {
      return {id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
        targets: v.nodes.slice(0, 3).map(function (n) { return n.target.join(" ") + (n.failureSummary ? " (" + n.failureSummary.replace(/\s+/g, " ").slice(0, 240) + ")" : ""); })};
    })
  };
})`

type axeResult struct {
	Rules      int `json:"rules"`
	Violations []struct {
		ID      string   `json:"id"`
		Impact  string   `json:"impact"`
		Help    string   `json:"help"`
		Count   int      `json:"count"`
		Targets []string `json:"targets"`
	} `json:"violations"`
}

// axeChecker injects the vendored axe-core into pages and collects what it
// finds, page by page.
type axeChecker struct {
	t      *testing.T
	source string
	pages  int
	rules  int
	found  []string
}

func newAxeChecker(t *testing.T) *axeChecker {
	t.Helper()
	src, err := os.ReadFile("testdata/axe/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	return &axeChecker{t: t, source: string(src)}
}

// check runs axe on the page ctx shows now, under the name page.
func (a *axeChecker) check(ctx context.Context, name string) {
	a.t.Helper()
	var loaded bool
	var res axeResult
	err := chromedp.Run(ctx,
		// The script goes in through DevTools, which the page's
		// Content-Security-Policy does not govern; a page keeps it until it is left.
		chromedp.Evaluate(`typeof axe !== "undefined"`, &loaded),
		chromedp.ActionFunc(func(ctx context.Context) error {
			if loaded {
				return nil
			}
			return chromedp.Evaluate(a.source+"\n;true", nil).Do(ctx)
		}),
		chromedp.Evaluate(axeRun, &res, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
	)
	if err != nil {
		a.t.Fatalf("axe on %s: %v", name, err)
	}
	a.pages++
	a.rules = max(a.rules, res.Rules)
	for _, v := range res.Violations {
		a.found = append(a.found, fmt.Sprintf("%s: %s (%s, %d elements: %s): %s", name, v.ID, v.Impact, v.Count, v.Help, strings.Join(v.Targets, "; ")))
	}
}

// report fails the test with every violation found, after at least min pages.
func (a *axeChecker) report(min int) {
	a.t.Helper()
	a.t.Logf("axe-core checked %d pages, up to %d rules a page", a.pages, a.rules)
	if a.pages < min || a.rules < 20 {
		a.t.Fatalf("only %d pages and %d rules were checked", a.pages, a.rules)
	}
	if len(a.found) > 0 {
		a.t.Fatalf("%d serious or critical accessibility violations:\n%s", len(a.found), strings.Join(a.found, "\n"))
	}
}

// practiceModule is a module of the shipped course whose first practice
// question is a single choice, answerable with one radio button.
func practiceModule(t *testing.T, co *course.Course) *course.Module {
	t.Helper()
	for _, m := range co.Modules {
		if len(m.Questions) > 0 && m.Questions[0].Type == quiz.Single {
			return m
		}
	}
	t.Fatal("no module with a single-choice practice question")
	return nil
}

// logIn logs user in on the browser ctx, dropping any earlier session.
func logIn(base, user string) chromedp.Tasks {
	return chromedp.Tasks{
		network.ClearBrowserCookies(),
		chromedp.Navigate(base + "/login"),
		chromedp.WaitVisible(`#username`, chromedp.ByID),
		chromedp.SendKeys(`#username`, user, chromedp.ByID),
		chromedp.SendKeys(`#password`, testPassword, chromedp.ByID),
		chromedp.Submit(`#password`, chromedp.ByID),
		chromedp.WaitVisible(`.cards`, chromedp.ByQuery),
	}
}

// The pages a trainee uses (every module, in Vietnamese and a few in
// English), and a trainer's reports, pass axe-core's WCAG 2.1 A and AA rules
// at 360 px without a serious or critical violation: contrast, labels,
// names of links and buttons, landmarks, languages, scrolling boxes.
func TestBrowserAccessibility(t *testing.T) {
	e := newEnv(t)
	sess := scheduleRoom(t, e, "515151", "Hội nghị tập huấn trực tuyến")
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	ctx, cancel := browser(t)
	defer cancel()
	chromedp.ListenTarget(ctx, func(ev any) { // the exam's "submit?" question
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			go chromedp.Run(ctx, page.HandleJavaScriptDialog(true))
		}
	})
	axe := newAxeChecker(t)
	visit := func(name, path, ready string) {
		t.Helper()
		if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+path), chromedp.WaitVisible(ready, chromedp.ByQuery)); err != nil {
			t.Fatalf("open %s (%s): %v", name, path, err)
		}
		axe.check(ctx, name)
	}
	run := func(what string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	co := e.cat.Course("nghiep-vu-thi-dua-khen-thuong")
	m := practiceModule(t, co)
	base := "/courses/" + co.ID
	// A document that was replaced shows the most: its status, its successor, a note.
	doc := e.cat.Register.Documents[0]
	for _, d := range e.cat.Register.Documents {
		if d.Status == course.Replaced {
			doc = d
			break
		}
	}

	visit("login", "/login", `#username`)
	visit("offline", "/offline", `#offline-retry`)
	run("log in", logIn(srv.URL, "hocvien"))
	axe.check(ctx, "catalog")
	visit("course", base, `#course-progress`)
	for _, mm := range co.Modules { // tables, pictures, notes: each module has its own
		visit("module "+mm.ID, base+"/modules/"+mm.ID, `#module`)
	}
	visit("practice", base+"/modules/"+m.ID+"/practice", `form.practice`)
	run("answer a practice question",
		chromedp.Evaluate(`(function(){var f=document.querySelector('form.practice');f.querySelector('input[type=radio]').checked=true;f.requestSubmit();})()`, nil),
		chromedp.WaitVisible(`form.practice .mark`, chromedp.ByQuery))
	axe.check(ctx, "practice with feedback")
	visit("exam", base+"/exam", `#start-exam`)
	run("start the exam",
		chromedp.Click(`#start-exam`, chromedp.ByID),
		chromedp.WaitVisible(`#attempt`, chromedp.ByID),
		chromedp.Click(`fieldset.q input[type=radio]`, chromedp.ByQuery),
		chromedp.WaitVisible(`fieldset.q .saved:not(:empty)`, chromedp.ByQuery))
	axe.check(ctx, "attempt")
	run("submit the exam", chromedp.Click(`#submit-attempt`, chromedp.ByID), chromedp.WaitVisible(`#score`, chromedp.ByID))
	axe.check(ctx, "result")
	visit("exam with history", base+"/exam", `#start-exam`)
	visit("certificate", base+"/certificate", `h1`)
	visit("documents", "/documents", `table`)
	visit("document", "/documents/"+doc.Slug, `#doc-status`)
	visit("live sessions", "/live", `.cards`)
	room := "/live/" + strconv.FormatInt(sess.ID, 10)
	visit("live room", room, `#slides`)
	run("connect to the room", waitText(`#live-status`, "đã kết nối"))
	axe.check(ctx, "live room, connected")
	visit("password", "/password", `#current`)
	// A dossier case, answered wrongly on purpose: the checks show.
	visit("dossiers", base+"/dossiers", `#dossiers`)
	visit("dossier", base+"/dossiers/"+co.Dossiers[0].ID, `#dossier-form`)
	run("send the dossier", chromedp.Click(`#dossier-submit`, chromedp.ByID), chromedp.WaitVisible(`#checks`, chromedp.ByID))
	axe.check(ctx, "dossier checks")
	// The same in English: the page's language and its parts change.
	run("switch to English", chromedp.Click(`form[action="/lang"] button`, chromedp.ByQuery), waitEval(`document.documentElement.lang === "en"`))
	visit("catalog (en)", "/", `.cards`)
	// The course's text stays Vietnamese there, and says so, for a screen
	// reader to read it with a Vietnamese voice.
	vietnamese := func(page, sel string) {
		t.Helper()
		var langs []string
		run("languages on "+page, chromedp.Evaluate(`Array.from(document.querySelectorAll('`+sel+`')).map(function (el) { return el.closest('[lang]').lang; })`, &langs))
		if len(langs) == 0 {
			t.Fatalf("%s: nothing matches %s", page, sel)
		}
		for _, l := range langs {
			if l != "vi" {
				t.Fatalf("%s: %s is marked %q, want vi: %q", page, sel, l, langs)
			}
		}
	}
	visit("module (en)", base+"/modules/"+m.ID, `#module`)
	vietnamese("module (en)", `#module h1 span, .objectives li, .content p`)
	visit("practice (en)", base+"/modules/"+m.ID+"/practice", `form.practice`)
	vietnamese("practice (en)", `.stem p, .opts label span, .explain p:not(.cite) ~ div p`)
	visit("live room (en)", room, `#slides`)
	vietnamese("live room (en)", `#slides .slide h2`)

	run("log in as trainer", logIn(srv.URL, "giangvien"))
	axe.check(ctx, "trainer's catalog")
	visit("progress", "/manage/progress", `#progress-table`)
	visit("enrol", "/manage/enrol", `#enrol-form`)
	visit("attendance", "/manage/live/"+strconv.FormatInt(sess.ID, 10)+"/attendance", `#att-totals`)
	visit("officers", "/manage/progress/officers?course="+co.ID, `h1`)
	visit("course statistics", "/manage/courses/"+co.ID+"/stats", `h1`)
	axe.report(40)
}
