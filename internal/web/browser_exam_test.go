package web

import (
	"context"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

func TestBrowserExamSurvivesReload(t *testing.T) {
	e := newEnvFS(t, examContent())
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	ctx, cancel := browser(t)
	defer cancel()
	// Accept the "submit?" confirmation like a trainee would.
	chromedp.ListenTarget(ctx, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			go chromedp.Run(ctx, page.HandleJavaScriptDialog(true))
		}
	})
	err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/login?next=/courses/khoa/exam"),
		chromedp.WaitVisible(`#username`, chromedp.ByID),
		chromedp.SendKeys(`#username`, "hocvien", chromedp.ByID),
		chromedp.SendKeys(`#password`, testPassword, chromedp.ByID),
		chromedp.Submit(`#password`, chromedp.ByID),
		chromedp.WaitVisible(`#start-exam`, chromedp.ByID),
		chromedp.Click(`#start-exam`, chromedp.ByID),
		chromedp.WaitVisible(`#attempt`, chromedp.ByID),
	)
	if err != nil {
		t.Fatalf("start the exam: %v", err)
	}
	screenshot(t, ctx, "exam-1-start")
	// Answer the first choice question: the page saves it by itself.
	var name, value, saved, left1 string
	err = chromedp.Run(ctx,
		chromedp.AttributeValue(`fieldset.q input[type=radio]`, "name", &name, nil, chromedp.ByQuery),
		chromedp.AttributeValue(`fieldset.q input[type=radio]`, "value", &value, nil, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("find a question: %v", err)
	}
	// The status line of the question holding that radio button.
	top, _, _ := strings.Cut(strings.TrimPrefix(name, "a:"), "/")
	status := `#q-` + top + ` .saved`
	err = chromedp.Run(ctx,
		chromedp.Click(`fieldset.q input[type=radio]`, chromedp.ByQuery),
		chromedp.WaitVisible(status+`:not(:empty)`, chromedp.ByQuery),
		chromedp.Text(status, &saved, chromedp.ByQuery),
		chromedp.Text(`#time-left`, &left1, chromedp.ByID),
	)
	if err != nil {
		t.Fatalf("answer: %v", err)
	}
	if saved != "Đã lưu" || !regexp.MustCompile(`^(19|20):\d\d$`).MatchString(left1) {
		t.Fatalf("after answering: status %q, time left %q", saved, left1)
	}
	screenshot(t, ctx, "exam-2-answered")
	// Reload: the answer and the clock come back from the server.
	var checked bool
	var left2, url string
	sel := `input[name="` + name + `"][value="` + value + `"]`
	err = chromedp.Run(ctx,
		chromedp.Reload(),
		chromedp.WaitVisible(`#attempt`, chromedp.ByID),
		chromedp.Evaluate(`document.querySelector('`+sel+`').checked`, &checked),
		chromedp.Text(`#time-left`, &left2, chromedp.ByID),
		chromedp.Location(&url),
	)
	if err != nil {
		t.Fatalf("reload: %v", err)
	}
	if !checked || !regexp.MustCompile(`^(19|20):\d\d$`).MatchString(left2) {
		t.Fatalf("after reload: answer checked %v, time left %q", checked, left2)
	}
	// Submit and see the result.
	var score, verdict string
	err = chromedp.Run(ctx,
		chromedp.Click(`#submit-attempt`, chromedp.ByID),
		chromedp.WaitVisible(`#score`, chromedp.ByID),
		chromedp.Text(`#score`, &score, chromedp.ByID),
		chromedp.Text(`#verdict`, &verdict, chromedp.ByID),
	)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	screenshot(t, ctx, "exam-3-result")
	if !strings.HasSuffix(score, "%") || verdict == "" {
		t.Fatalf("result: score %q verdict %q", score, verdict)
	}
	a, err := e.db.Attempt(context.Background(), attemptID(t, url))
	if err != nil || a.Open() || a.AutoSubmitted {
		t.Fatalf("stored attempt = %+v, %v", a, err)
	}
}

func attemptID(t *testing.T, url string) int64 {
	m := regexp.MustCompile(`/attempts/(\d+)`).FindStringSubmatch(url)
	if m == nil {
		t.Fatalf("no attempt in %q", url)
	}
	var id int64
	for _, c := range m[1] {
		id = id*10 + int64(c-'0')
	}
	return id
}
