package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/quiz"
)

// netSwitch turns Chromium's network off and on through DevTools network
// conditions, as a phone losing its signal. The page's conditions do not
// reach its service worker, whose requests belong to its own DevTools
// target, so the switch attaches to the worker too and keeps that session:
// conditions set through a session last as long as the session.
type netSwitch struct {
	page    context.Context
	workers map[target.ID]context.Context
}

func newNetSwitch(page context.Context) *netSwitch {
	return &netSwitch{page: page, workers: map[target.ID]context.Context{}}
}

func (n *netSwitch) set(off bool) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		if err := network.EmulateNetworkConditions(off, 0, -1, -1).Do(ctx); err != nil {
			return err
		}
		targets, err := chromedp.Targets(n.page)
		if err != nil {
			return err
		}
		for _, ti := range targets {
			if ti.Type == "service_worker" && n.workers[ti.TargetID] == nil {
				n.workers[ti.TargetID], _ = chromedp.NewContext(n.page, chromedp.WithTargetID(ti.TargetID)) // ends with the page's context
				if err := chromedp.Run(n.workers[ti.TargetID], network.Enable()); err != nil {
					return fmt.Errorf("service worker %s: %w", ti.URL, err)
				}
			}
		}
		if len(n.workers) == 0 {
			return fmt.Errorf("no service worker to switch")
		}
		for id, w := range n.workers {
			if err := chromedp.Run(w, network.EmulateNetworkConditions(off, 0, -1, -1)); err != nil {
				return fmt.Errorf("service worker %s: %w", id, err)
			}
		}
		return nil
	})
}

// A trainee downloads a course, loses the network, reads a module and
// answers practice questions offline; when the network returns, the reading
// and the answers reach the server, each answer exactly once.
func TestBrowserOfflineStudy(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	ctx, cancel := browser(t)
	defer cancel()
	bg := context.Background()
	net := newNetSwitch(ctx)
	u, err := e.auth.UserByUsername(bg, "hocvien")
	if err != nil {
		t.Fatal(err)
	}
	co := e.cat.Courses[0]
	var m *course.Module
	for _, mm := range co.Modules[1:] {
		if len(mm.Questions) > 1 && mm.Questions[0].Type == quiz.Single && mm.Questions[1].Type == quiz.Single {
			m = mm
			break
		}
	}
	if m == nil {
		t.Fatal("no module with single-choice practice questions")
	}
	base := srv.URL + "/courses/" + co.ID
	modURL := base + "/modules/" + m.ID

	var state string
	err = chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/login"),
		chromedp.WaitVisible(`#username`, chromedp.ByID),
		chromedp.SendKeys(`#username`, "hocvien", chromedp.ByID),
		chromedp.SendKeys(`#password`, testPassword, chromedp.ByID),
		chromedp.Submit(`#password`, chromedp.ByID),
		chromedp.WaitVisible(`.cards`, chromedp.ByQuery),
		chromedp.Navigate(base),
		chromedp.WaitVisible(`#offline-save`, chromedp.ByID),
		// The worker must control the page before the download, as a phone's
		// would after its first visit.
		waitEval(`!!navigator.serviceWorker.controller`),
		chromedp.Click(`#offline-save`, chromedp.ByID),
		waitText(`#offline-state`, "Đã tải về máy"),
		chromedp.Text(`#offline-state`, &state, chromedp.ByID),
	)
	if err != nil {
		t.Fatalf("download the course: %v (state %q)", err, state)
	}
	t.Logf("download: %s", state)
	p, err := e.tracker.Progress(bg, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Module(m).FirstSeenAt.IsZero() {
		t.Fatalf("downloading the course counted %s as read", m.ID)
	}

	// The network goes. The module opens from the phone and says so; reading
	// it to the end is kept for later.
	var notice, title string
	err = chromedp.Run(ctx,
		net.set(true),
		chromedp.Navigate(modURL),
		chromedp.WaitVisible(`#module`, chromedp.ByID),
		chromedp.Text(`#module h1`, &title, chromedp.ByQuery),
		chromedp.Text(`#main > .notice`, &notice, chromedp.ByQuery),
		chromedp.Evaluate(`document.getElementById("module-end").scrollIntoView()`, nil),
		waitText(`#complete-status`, "Mất kết nối"),
	)
	if err != nil {
		t.Fatalf("read offline: %v", err)
	}
	if !strings.Contains(title, m.Title) || !strings.Contains(notice, "bản đã tải về máy") {
		t.Fatalf("offline module page: title %q, notice %q", title, notice)
	}

	// Two practice answers given offline wait on the phone.
	q0, q1 := m.Questions[0], m.Questions[1]
	answer := func(q, choice int) chromedp.Action {
		return chromedp.Evaluate(`(function(){var f=document.querySelectorAll('form.practice')[`+strconv.Itoa(q)+`], a=f.querySelector('a.again');
			if (a) { a.click(); }
			var r=f.querySelectorAll('input[type=radio]'); r[`+strconv.Itoa(choice)+`].checked=true; f.requestSubmit();})()`, nil)
	}
	err = chromedp.Run(ctx,
		chromedp.Navigate(modURL+"/practice"),
		chromedp.WaitVisible(`form.practice`, chromedp.ByQuery),
		answer(0, 0),
		waitText(`#outbox-status`, "1 câu trả lời"),
		answer(1, 1),
		waitText(`#outbox-status`, "2 câu trả lời"),
	)
	if err != nil {
		t.Fatalf("answer offline: %v", err)
	}
	stored := func() map[string]model.SavedAnswer {
		t.Helper()
		a, err := e.exams.Practice(bg, u.ID, m)
		if err != nil {
			t.Fatal(err)
		}
		_, rows, err := e.exams.Answers(bg, a)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	if rows := stored(); len(rows) != 0 {
		t.Fatalf("answers reached the server with the network cut: %v", rows)
	}
	var outbox string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`localStorage.getItem("tdkt.outbox")`, &outbox)); err != nil {
		t.Fatal(err)
	}

	// The network returns: the page sends what it kept.
	err = chromedp.Run(ctx,
		net.set(false),
		waitText(`#outbox-status`, "Đã gửi 2 câu trả lời"),
	)
	if err != nil {
		t.Fatalf("send when back online: %v", err)
	}
	rows := stored()
	if len(rows) != 2 || rows[q0.ID].Answer == "" || rows[q1.ID].Answer == "" {
		t.Fatalf("after the network returned the server holds %v", rows)
	}
	first := rows[q0.ID]
	// The module read offline is done, and counted as read.
	if !waitFor(func() bool {
		p, _ := e.tracker.Progress(bg, u.ID)
		return p.Module(m).Done() && !p.Module(m).FirstSeenAt.IsZero()
	}) {
		t.Fatal("the module read offline was not recorded when the network returned")
	}

	// Exactly once: the first question is answered again online, then the
	// phone sends its old outbox again (as when a reply is lost on the way).
	// The old answer must not come back over the new one.
	err = chromedp.Run(ctx,
		chromedp.Navigate(modURL+"/practice"),
		chromedp.WaitVisible(`form.practice`, chromedp.ByQuery),
		answer(0, 1),
		chromedp.WaitVisible(`form.practice`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !waitFor(func() bool { return stored()[q0.ID].Answer != first.Answer }) {
		var body string
		_ = chromedp.Run(ctx, chromedp.Evaluate(`location.href+" "+document.body.innerText.slice(0,600)`, &body))
		t.Fatalf("the online answer was not stored: %v; page %s", stored(), body)
	}
	newer := stored()[q0.ID]
	sctx, scancel := context.WithTimeout(ctx, 10*time.Second)
	defer scancel()
	err = chromedp.Run(sctx,
		chromedp.Evaluate(`localStorage.setItem("tdkt.outbox", `+string(must(json.Marshal(outbox)))+`)`, nil),
		chromedp.Reload(),
		waitText(`#outbox-status`, "Đã gửi 2 câu trả lời"),
	)
	if err != nil {
		var st, ob string
		_ = chromedp.Run(ctx, chromedp.Evaluate(`document.getElementById("outbox-status").outerHTML`, &st), chromedp.Evaluate(`localStorage.getItem("tdkt.outbox")+" online="+navigator.onLine`, &ob))
		t.Fatalf("send the outbox again: %v: %s %s", err, st, ob)
	}
	if got := stored()[q0.ID]; got.Answer != newer.Answer || !got.SavedAt.Equal(newer.SavedAt) {
		t.Fatalf("a repeat of a queued answer was applied again: %+v, want %+v", got, newer)
	}

	// The officer's session ends without a logout and another logs in on
	// the same phone: the first one's kept pages go.
	var keys string
	err = chromedp.Run(ctx,
		network.DeleteCookies("tdkt_session").WithURL(srv.URL),
		chromedp.Navigate(srv.URL+"/login"),
		chromedp.WaitVisible(`#username`, chromedp.ByID),
		chromedp.SendKeys(`#username`, "giangvien", chromedp.ByID),
		chromedp.SendKeys(`#password`, testPassword, chromedp.ByID),
		chromedp.Submit(`#password`, chromedp.ByID),
		chromedp.WaitVisible(`.cards`, chromedp.ByQuery),
		waitEval(`(caches.keys().then(function (k) { window.keptNow = k.join(" "); }), window.keptNow !== undefined && window.keptNow.indexOf("tdkt-course-") < 0)`),
		chromedp.Evaluate(`window.keptNow`, &keys),
	)
	if err != nil {
		t.Fatalf("another officer on the same phone: %v (caches %q)", err, keys)
	}
}

// waitFor polls cond for up to ten seconds: the server side of a browser
// test finishes in its own time.
func waitFor(cond func() bool) bool {
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// An exam answer given while the network is down is kept on the phone and
// reaches the server by itself once the network returns; submitting without
// a network keeps the trainee on the questions and says why.
func TestBrowserExamAnswerDuringOutage(t *testing.T) {
	e := newEnvFS(t, examContent())
	u := mustUser(t, e, "hocvien")
	if err := e.tracker.Complete(context.Background(), u.ID, e.cat.Module("khoa", "bai-mot"), time.Now()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	ctx, cancel := browser(t)
	defer cancel()
	net := newNetSwitch(ctx)
	var name, value string
	err := chromedp.Run(ctx,
		startExamAsTrainee(srv.URL),
		waitEval(`!!navigator.serviceWorker.controller`),
		chromedp.AttributeValue(`fieldset.q input[type=radio]`, "name", &name, nil, chromedp.ByQuery),
		chromedp.AttributeValue(`fieldset.q input[type=radio]`, "value", &value, nil, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("start the exam: %v", err)
	}
	top, _, _ := strings.Cut(strings.TrimPrefix(name, "a:"), "/")
	var attemptID int64
	if err := chromedp.Run(ctx, chromedp.Evaluate(`Number(location.pathname.split("/")[2])`, &attemptID)); err != nil {
		t.Fatal(err)
	}
	saved := func() bool {
		a, err := e.exams.Attempt(context.Background(), u.ID, attemptID)
		if err != nil {
			t.Fatal(err)
		}
		_, rows, err := e.exams.Answers(context.Background(), a)
		if err != nil {
			t.Fatal(err)
		}
		_, ok := rows[top]
		return ok
	}
	var note, after string
	err = chromedp.Run(ctx,
		net.set(true),
		chromedp.Click(`fieldset.q input[type=radio]`, chromedp.ByQuery),
		waitText(`#q-`+top+` .saved`, "Chưa lưu được"),
		waitText(`#attempt-net`, "1 câu trả lời đang được giữ trên máy"),
		chromedp.Click(`#submit-attempt`, chromedp.ByID),
		waitText(`#attempt-net`, "chưa nộp bài được"),
		chromedp.Text(`#attempt-net`, &note, chromedp.ByID),
		chromedp.Evaluate(`location.pathname`, &after),
	)
	if err != nil {
		t.Fatalf("answer offline: %v", err)
	}
	if saved() || !strings.HasPrefix(after, "/attempts/") {
		t.Fatalf("offline: answer on the server %v, page %s", saved(), after)
	}
	// The network returns; nothing is pressed.
	err = chromedp.Run(ctx,
		net.set(false),
		waitText(`#q-`+top+` .saved`, "Đã lưu"),
		waitEval(`document.getElementById("attempt-net").hidden`),
	)
	if err != nil {
		t.Fatalf("send when back online: %v", err)
	}
	if !saved() {
		t.Fatal("the kept answer did not reach the server")
	}
	t.Logf("offline submit said: %s", note)
}

// The site is an installable web app: Chromium finds nothing missing in its
// manifest, icons and service worker.
func TestBrowserInstallable(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	ctx, cancel := browser(t)
	defer cancel()
	var errs []*page.InstallabilityError
	err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/login"),
		chromedp.WaitVisible(`#username`, chromedp.ByID),
		waitEval(`!!navigator.serviceWorker.controller`),
		chromedp.ActionFunc(func(ctx context.Context) error {
			var err error
			errs, err = page.GetInstallabilityErrors().Do(ctx)
			return err
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, ie := range errs {
		t.Errorf("not installable: %s %v", ie.ErrorID, ie.ErrorArguments)
	}
}
