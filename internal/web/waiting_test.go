package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tdkt/tdkt/internal/admit"
	"github.com/tdkt/tdkt/internal/model"
)

// When the gate is full, heavy work is answered at once from the waiting
// room (the call returns; nothing is kept waiting), in the form each client
// can follow, and nothing is stored; the ticket it gives brings the client
// back ahead of newcomers, and the retried request does its work.
func TestWaitingRoomOverHTTP(t *testing.T) {
	g := admit.New(admit.Config{Limit: 1}) // zero budgets: nobody waits in the queue
	e := newEnvGate(t, examContent(), g)
	ck := e.login(t, "hocvien")
	u, err := e.db.UserByUsername(context.Background(), "hocvien")
	if err != nil {
		t.Fatal(err)
	}

	busy, err := g.Enter(context.Background(), admit.Submit, "")
	if err != nil {
		t.Fatal(err)
	}
	jsonHdr := map[string]string{"Accept": "application/json"}

	// A script (the exam page's, or the load generator) gets JSON.
	w := e.do(req{method: "POST", path: "/courses/khoa/exam/start", cookie: ck, header: jsonHdr})
	if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("start while full: %d %s", w.Code, w.Body.String())
	}
	var got struct {
		Waiting bool   `json:"waiting"`
		Place   int    `json:"place"`
		After   int64  `json:"retry_after_ms"`
		Ticket  string `json:"ticket"`
		Error   string `json:"error"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || !got.Waiting || got.Place != 1 || got.After < 100 || got.Ticket == "" || got.Error == "" {
		t.Fatalf("waiting room JSON %s (%v)", w.Body.String(), err)
	}
	if w.Header().Get("Retry-After") == "" || w.Header().Get("X-Tdkt-Ticket") != got.Ticket || w.Header().Get("X-Tdkt-Retry-Ms") == "" {
		t.Fatalf("headers %v", w.Header())
	}
	var wait *http.Cookie
	for _, c := range w.Result().Cookies() {
		if c.Name == waitCookie {
			wait = c
		}
	}
	if wait == nil || wait.Value != got.Ticket || !wait.HttpOnly {
		t.Fatalf("ticket cookie %+v", wait)
	}
	if _, err := e.db.OpenAttempt(context.Background(), u.ID, "khoa", model.AttemptExam, ""); err == nil {
		t.Fatal("an attempt was opened by a request sent to the waiting room")
	}

	// A page view gets a page that reloads itself.
	w = e.do(req{method: "GET", path: "/courses/khoa/modules/bai-mot", cookie: ck})
	body := w.Body.String()
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(body, "Phòng chờ") || !strings.Contains(body, `http-equiv="refresh"`) ||
		!strings.Contains(body, `id="waiting"`) || !strings.Contains(body, `href="/courses/khoa/modules/bai-mot"`) {
		t.Fatalf("page view while full: %d %.800s", w.Code, body)
	}

	// A form gets a page that sends the same form again.
	w = e.do(req{method: "POST", path: "/attempts/7/submit", cookie: ck, form: url.Values{"a:q1": {"2"}}})
	body = w.Body.String()
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(body, `<form method="post" action="/attempts/7/submit" id="wait-retry">`) ||
		!strings.Contains(body, `name="a:q1" value="2"`) || strings.Contains(body, `http-equiv="refresh"`) {
		t.Fatalf("form while full: %d %.1200s", w.Code, body)
	}

	// A login: the officer's password is never written back into a page.
	w = e.do(req{method: "POST", path: "/login", form: url.Values{"username": {"giangvien"}, "password": {testPassword}}})
	body = w.Body.String()
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(body, "Hệ thống đang đông") || strings.Contains(body, testPassword) ||
		!strings.Contains(body, `value="giangvien"`) {
		t.Fatalf("login while full: %d %.1200s", w.Code, body)
	}
	if s := g.Stats(); s.Refused[admit.Start] != 1 || s.Refused[admit.Page] != 1 || s.Refused[admit.Submit] != 1 || s.Refused[admit.Login] != 1 {
		t.Fatalf("refused %+v", s.Refused)
	}

	// The place frees; the start comes back with its ticket and is served.
	busy.Done()
	w = e.do(req{method: "POST", path: "/courses/khoa/exam/start", cookie: ck, header: map[string]string{"Accept": "application/json", "X-Tdkt-Ticket": got.Ticket}})
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"attempt"`) {
		t.Fatalf("start after the wait: %d %s", w.Code, w.Body.String())
	}
	if s := g.Stats(); s.InFlight != 0 || s.Admitted[admit.Start] != 1 {
		t.Fatalf("after: %+v", s)
	}
}
