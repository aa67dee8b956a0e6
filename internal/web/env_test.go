package web

import (
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tdkt/tdkt/content"
	"github.com/tdkt/tdkt/internal/admit"
	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/certificate"
	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/exam"
	"github.com/tdkt/tdkt/internal/live"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/report"
	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/store/storetest"
	"github.com/tdkt/tdkt/static"
)

// env is the real router on a real SQLite file, with the shipped content.
type env struct {
	h       http.Handler
	auth    *auth.Service
	db      *store.DB
	cat     *course.Catalog
	tracker *course.Tracker
	exams   *exam.Service
	rooms   *live.Manager
	clock   *testClock
}

// testClock is the platform clock of a test: the machine's until a test
// sets it, then fixed where the test puts it.
type testClock struct {
	mu    sync.Mutex
	fixed time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fixed.IsZero() {
		return time.Now()
	}
	return c.fixed
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	c.fixed = t
	c.mu.Unlock()
}

const testPassword = "mat-khau-thu"

func newEnv(t testing.TB) *env { return newEnvFS(t, content.FS) }

// newEnvFS is newEnv with the given content instead of the shipped course.
func newEnvFS(t testing.TB, fsys fs.FS) *env {
	t.Helper()
	return newEnvWith(t, fsys, nil, nil)
}

// newEnvProxies is newEnv behind trusted reverse proxies.
func newEnvProxies(t testing.TB, proxies []string) *env {
	t.Helper()
	return newEnvWith(t, content.FS, proxies, nil)
}

// newEnvGate is newEnvFS with heavy work passing the admission gate g.
func newEnvGate(t testing.TB, fsys fs.FS, g *admit.Gate) *env {
	t.Helper()
	return newEnvWith(t, fsys, nil, g)
}

func newEnvWith(t testing.TB, fsys fs.FS, proxies []string, gate *admit.Gate) *env {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	cat, probs := course.Load(fsys)
	if len(probs) > 0 {
		t.Fatalf("content: %v", probs)
	}
	a := auth.New(db, time.Hour)
	tr := course.NewTracker(db, 20*time.Millisecond)
	batch := store.NewBatcher(db, 64, time.Millisecond)
	exams := exam.New(db, batch, cat)
	t.Cleanup(func() {
		_ = tr.Close(ctx)
		batch.Close()
		db.Close()
	})
	certs := certificate.New(db, cat, certificate.Config{Issuer: "Hội đồng Thi đua – Khen thưởng tỉnh Minh Họa",
		SignerTitle: "Chủ tịch", SignerName: "Nguyễn Văn Thắng", Place: "Minh Họa"}, static.Fonts, nil)
	clock := &testClock{}
	rooms, err := live.NewManager(ctx, db, batch, live.Options{Clock: clock.Now, Inline: course.Inline, RecordDir: t.TempDir(),
		Slides: func(s model.LiveSession) int { return len(cat.Slides(s.Title, s.CourseID, s.Deck, s.Modules)) }})
	if err != nil {
		t.Fatal(err)
	}
	lives := live.NewSessions(db, batch, clock.Now)
	t.Cleanup(rooms.Close)
	h, err := New(Deps{Auth: a, Catalog: cat, Tracker: tr, Exams: exams, Certs: certs, Live: rooms, Sessions: lives, Static: static.FS, Health: db.Ping, Version: "test",
		Enrolments: course.NewEnrolments(db, cat), Progress: report.NewProgress(db, lives.CourseAttendance),
		Clock: clock.Now, TrustedProxies: proxies, Gate: gate})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{h: h, auth: a, db: db, cat: cat, tracker: tr, exams: exams, rooms: rooms, clock: clock}
	for _, in := range []auth.UnitInput{
		{Code: "24", Name: "Tỉnh Bắc Ninh", Kind: "tinh"},
		{Code: "07441", Name: "Xã Tam Đa", Kind: "xa", ParentCode: "24"},
	} {
		if _, err := a.CreateUnit(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	for _, in := range []auth.UserInput{
		{Username: "quantri", FullName: "Quản Trị", Role: "admin", UnitCode: "24"},
		{Username: "giangvien", FullName: "Nguyễn Thị Hương", Role: "trainer", UnitCode: "24"},
		{Username: "hocvien", FullName: "Trần Văn Bình", Role: "trainee", UnitCode: "07441"},
	} {
		in.Password = testPassword
		if _, err := a.CreateUser(ctx, in, false); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

type req struct {
	method, path string
	form         url.Values
	body         string // raw body, used when form is nil
	cookie       *http.Cookie
	header       map[string]string
}

func (e *env) do(r req) *httptest.ResponseRecorder {
	var body io.Reader
	if r.form != nil {
		body = strings.NewReader(r.form.Encode())
	} else if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	if body != nil {
		hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if r.cookie != nil {
		hr.AddCookie(r.cookie)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, hr)
	return w
}

func (e *env) login(t testing.TB, username string) *http.Cookie {
	t.Helper()
	w := e.do(req{method: "POST", path: "/login", form: url.Values{"username": {username}, "password": {testPassword}}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("login %s: status %d: %s", username, w.Code, w.Body.String())
	}
	for _, c := range w.Result().Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			return c
		}
	}
	t.Fatalf("login %s: no session cookie", username)
	return nil
}
