package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/tdkt/tdkt/internal/quiz"
)

// startExamAsTrainee logs in as the trainee of examContent and starts the
// course's exam, ending on the attempt page.
func startExamAsTrainee(base string) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.Navigate(base + "/login?next=/courses/khoa/exam"),
		chromedp.WaitVisible(`#username`, chromedp.ByID),
		chromedp.SendKeys(`#username`, "hocvien", chromedp.ByID),
		chromedp.SendKeys(`#password`, testPassword, chromedp.ByID),
		chromedp.Submit(`#password`, chromedp.ByID),
		chromedp.WaitVisible(`#start-exam`, chromedp.ByID),
		chromedp.Click(`#start-exam`, chromedp.ByID),
		chromedp.WaitVisible(`#attempt`, chromedp.ByID),
	}
}

func TestBrowserExamSurvivesReload(t *testing.T) {
	e := newEnvFS(t, examContent())
	// The module is read already; this test is about the exam.
	u := mustUser(t, e, "hocvien")
	if err := e.tracker.Complete(context.Background(), u.ID, e.cat.Module("khoa", "bai-mot"), time.Now()); err != nil {
		t.Fatal(err)
	}
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
	err := chromedp.Run(ctx, startExamAsTrainee(srv.URL))
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
	// Answer the rest, rightly, as the trainee. The answered counter moves
	// with each question, a short answer as it is typed, before it is even
	// saved (it used to wait for a reload).
	a, err := e.db.Attempt(context.Background(), attemptID(t, url))
	if err != nil {
		t.Fatal(err)
	}
	paper := e.exams.Paper(a)
	answered := 1
	counter := func(n int) chromedp.Action {
		want := fmt.Sprintf("Đã trả lời %d/%d câu", n, len(paper))
		return chromedp.ActionFunc(func(ctx context.Context) error {
			err := chromedp.Poll(`document.getElementById("answered").textContent === "`+want+`"`, nil,
				chromedp.WithPollingTimeout(5*time.Second)).Do(ctx)
			if err != nil {
				var got string
				_ = chromedp.Text(`#answered`, &got, chromedp.ByID).Do(ctx)
				return fmt.Errorf("counter %q, want %q: %w", got, want, err)
			}
			return nil
		})
	}
	if err := chromedp.Run(ctx, counter(answered)); err != nil {
		t.Fatalf("after reload: %v", err)
	}
	for _, q := range paper {
		switch q.Type {
		case quiz.Single:
			radio := `input[name="a:` + q.ID + `"][value="` + q.Correct[0] + `"]`
			var already, before bool
			if err = chromedp.Run(ctx, chromedp.Evaluate(`document.querySelector('`+radio+`').checked`, &already),
				chromedp.Evaluate(`document.querySelector('#q-`+q.ID+` input:checked') !== null`, &before)); err != nil || already {
				break // answered right before the reload: clicking again changes nothing
			}
			if !before { // a question answered wrongly before is still one question
				answered++
			}
			err = chromedp.Run(ctx, chromedp.Click(radio, chromedp.ByQuery),
				chromedp.WaitVisible(`#q-`+q.ID+` .saved:not(:empty)`, chromedp.ByQuery), counter(answered))
		case quiz.Short:
			answered++
			err = chromedp.Run(ctx, chromedp.SendKeys(`input[name="a:`+q.ID+`"]`, "luật thi đua khen thưởng", chromedp.ByQuery),
				counter(answered),
				chromedp.WaitVisible(`#q-`+q.ID+` .saved:not(:empty)`, chromedp.ByQuery))
		}
		if err != nil {
			t.Fatalf("answer %s: %v", q.ID, err)
		}
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
	if score != "100%" || verdict != "Đạt" {
		t.Fatalf("result: score %q verdict %q", score, verdict)
	}
	a, err = e.db.Attempt(context.Background(), a.ID)
	if err != nil || a.Open() || a.AutoSubmitted {
		t.Fatalf("stored attempt = %+v, %v", a, err)
	}
	// The certificate was issued on passing: open it and download it.
	var serial, href string
	var head string
	err = chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/courses/khoa/certificate"),
		chromedp.WaitVisible(`#cert-download`, chromedp.ByID),
		chromedp.Text(`#cert-serial`, &serial, chromedp.ByID),
		chromedp.AttributeValue(`#cert-download`, "href", &href, nil, chromedp.ByID),
	)
	if err != nil {
		t.Fatalf("certificate page: %v", err)
	}
	// Download it with the page's own session, as the link would.
	err = chromedp.Run(ctx,
		chromedp.Evaluate(`fetch("`+href+`").then(r => r.headers.get("content-type") + " " + r.status + " ").then(async h => h + (await (await fetch("`+href+`")).text()).slice(0, 5))`, &head,
			func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
	)
	if err != nil {
		t.Fatalf("certificate: %v", err)
	}
	screenshot(t, ctx, "exam-4-certificate")
	if !strings.HasPrefix(serial, "TDKT-") || head != "application/pdf 200 %PDF-" {
		t.Fatalf("certificate %q, download %q", serial, head)
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
