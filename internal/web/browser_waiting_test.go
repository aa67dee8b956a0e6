package web

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tdkt/tdkt/internal/admit"
)

// In a real browser: while the server is full, an answer is kept on the
// phone and shown as waiting, then sent by itself once there is room; a page
// view shows the waiting room, which reloads itself into the page. Nothing
// here waits on a clock: each step waits for what the page shows.
func TestBrowserWaitingRoom(t *testing.T) {
	g := admit.New(admit.Config{Limit: 1}) // zero budgets: while the place is held, all goes to the waiting room
	e := newEnvGate(t, examContent(), g)
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	ctx, cancel := browser(t)
	defer cancel()
	err := chromedp.Run(ctx, startExamAsTrainee(srv.URL))
	if err != nil {
		t.Fatalf("start the exam: %v", err)
	}

	busy, err := g.Enter(context.Background(), admit.Submit, "")
	if err != nil {
		t.Fatal(err)
	}
	var name, value, status string
	err = chromedp.Run(ctx,
		chromedp.AttributeValue(`fieldset.q input[type=radio]`, "name", &name, nil, chromedp.ByQuery),
		chromedp.AttributeValue(`fieldset.q input[type=radio]`, "value", &value, nil, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	top, _, _ := strings.Cut(strings.TrimPrefix(name, "a:"), "/")
	sel := `#q-` + top + ` .saved`
	err = chromedp.Run(ctx,
		chromedp.Click(`fieldset.q input[type=radio]`, chromedp.ByQuery),
		chromedp.WaitVisible(sel+`:not(:empty)`, chromedp.ByQuery),
		chromedp.Text(sel, &status, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("answer while full: %v", err)
	}
	if !strings.Contains(status, "đang đông") {
		t.Fatalf("while full the answer shows %q", status)
	}
	screenshot(t, ctx, "waiting-1-answer-kept")
	busy.Done()
	err = chromedp.Run(ctx, chromedp.Poll(`document.querySelector('`+sel+`').textContent === 'Đã lưu'`, nil))
	if err != nil {
		t.Fatalf("the kept answer was not sent once there was room: %v", err)
	}
	var url string
	if err := chromedp.Run(ctx, chromedp.Location(&url)); err != nil {
		t.Fatal(err)
	}
	answers, err := e.db.Answers(context.Background(), attemptID(t, url))
	if err != nil || len(answers) != 1 || answers[0].QuestionID != top {
		t.Fatalf("stored answers %+v (%v), want the one given while full", answers, err)
	}

	// A page view while full: the waiting room, then the page by itself.
	busy, err = g.Enter(context.Background(), admit.Submit, "")
	if err != nil {
		t.Fatal(err)
	}
	var place string
	err = chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/courses/khoa/exam"),
		chromedp.WaitVisible(`#waiting`, chromedp.ByID),
		chromedp.Text(`#waiting`, &place, chromedp.ByID),
	)
	if err != nil {
		t.Fatalf("page view while full: %v", err)
	}
	if !strings.Contains(place, "Vị trí của bạn") {
		t.Fatalf("waiting room reads %q", place)
	}
	screenshot(t, ctx, "waiting-2-room")
	busy.Done()
	if err := chromedp.Run(ctx, chromedp.WaitVisible(`#resume-exam`, chromedp.ByID)); err != nil {
		t.Fatalf("the waiting room did not come back to the page: %v", err)
	}
}
