package live

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/store/storetest"
)

// fakeClock is the platform clock of a test: it moves only when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// start is when the fixture's session begins: 08:00 on 30/11/2026 in
// Vietnam. It lasts 100 minutes; the clock starts a minute in.
var start = time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)

// at is a time minutes after the start.
func at(min int) time.Time { return start.Add(time.Duration(min) * time.Minute) }

// linger is how long the fixture's batcher gathers writes.
var linger = time.Millisecond

// testSlides is how many slides the fixture's room shows.
const testSlides = 8

type env struct {
	clock    *fakeClock
	db       *store.DB
	batch    *store.Batcher
	m        *Manager
	srv      *httptest.Server
	sess     model.LiveSession
	trainer  model.User
	a, b     model.User // expected trainees
	stranger model.User
}

func newEnv(t *testing.T, path string) *env {
	t.Helper()
	return newEnvWith(t, path, nil)
}

// newEnvWith is newEnv with setup changing the fixture (its clock) and the
// manager's options before the manager starts.
func newEnvWith(t *testing.T, path string, setup func(*env, *Options)) *env {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{db: db, batch: store.NewBatcher(db, 512, linger), clock: &fakeClock{t: at(1)}}
	t.Cleanup(func() {
		if e.srv != nil {
			e.srv.Close()
		}
		e.m.Close()
		e.batch.Close()
		db.Close()
	})
	users, _ := db.Users(ctx)
	if len(users) == 0 {
		err = db.WithTx(ctx, func(tx *store.Tx) error {
			prov := model.Unit{Code: "24", Name: "Tỉnh", Kind: model.KindProvince}
			if err := tx.CreateUnit(ctx, &prov); err != nil {
				return err
			}
			xa := model.Unit{Code: "X1", Name: "Xã", Kind: model.KindCommune, ParentID: prov.ID}
			if err := tx.CreateUnit(ctx, &xa); err != nil {
				return err
			}
			for _, spec := range []struct {
				name string
				role model.Role
				unit int64
			}{{"gv", model.RoleTrainer, prov.ID}, {"hva", model.RoleTrainee, xa.ID}, {"hvb", model.RoleTrainee, xa.ID}, {"la", model.RoleTrainee, prov.ID}} {
				u := model.User{Username: spec.name, FullName: spec.name, Role: spec.role, UnitID: spec.unit, PasswordHash: "h"}
				if err := tx.CreateUser(ctx, &u); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		gv, _ := db.UserByUsername(ctx, "gv")
		xa, _ := db.UnitByCode(ctx, "X1")
		s := model.LiveSession{Code: "123456", Title: "Hội nghị", StartsAt: start, EndsAt: at(100),
			LateAfter: 10 * time.Minute, PresentPct: 80, TrainerID: gv.ID}
		if err := db.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateLiveSession(ctx, &s, []int64{xa.ID}, nil) }); err != nil {
			t.Fatal(err)
		}
	}
	e.trainer, _ = db.UserByUsername(ctx, "gv")
	e.a, _ = db.UserByUsername(ctx, "hva")
	e.b, _ = db.UserByUsername(ctx, "hvb")
	e.stranger, _ = db.UserByUsername(ctx, "la")
	e.sess, _ = db.LiveSessionByCode(ctx, "123456")
	opt := Options{Inline: func(s string) string { return "<b>" + s + "</b>" },
		Slides: func(model.LiveSession) int { return testSlides }, RecordDir: filepath.Join(t.TempDir(), "recordings")}
	if setup != nil {
		setup(e, &opt)
	}
	opt.Clock = e.clock.Now
	e.m, err = NewManager(ctx, db, e.batch, opt)
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, _ := strconv.ParseInt(r.URL.Query().Get("user"), 10, 64)
		u, err := db.UserByID(r.Context(), id)
		if err != nil {
			http.Error(w, "no user", http.StatusUnauthorized)
			return
		}
		if err := e.m.Join(w, r, e.sess.ID, u); err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
		}
	}))
	return e
}

type conn struct {
	t  *testing.T
	ws *websocket.Conn
}

func (e *env) dial(t *testing.T, u model.User) *conn {
	t.Helper()
	url := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/?user=" + strconv.FormatInt(u.ID, 10)
	ws, resp, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		code := 0
		if resp != nil {
			code = resp.StatusCode
		}
		t.Fatalf("dial as %s: %v (%d)", u.Username, err, code)
	}
	t.Cleanup(func() { ws.Close() })
	return &conn{t, ws}
}

func (c *conn) send(typ string, data any) {
	c.t.Helper()
	b, _ := json.Marshal(map[string]any{"t": typ, "d": data})
	if err := c.ws.WriteMessage(websocket.TextMessage, b); err != nil {
		c.t.Fatalf("send %s: %v", typ, err)
	}
}

// expect reads until a message of type typ arrives (others are skipped).
func (c *conn) expect(typ string) Outgoing {
	c.t.Helper()
	out, _ := c.until(typ)
	return out
}

func decode[T any](t *testing.T, o Outgoing) T {
	var v T
	if err := json.Unmarshal(o.Data.(json.RawMessage), &v); err != nil {
		t.Fatalf("decode %s: %v", o.Type, err)
	}
	return v
}

// waitFor polls cond until it holds: persistence is asynchronous by design.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestRoomFlow(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, storetest.DSN(t))
	tr, a, b := e.dial(t, e.trainer), e.dial(t, e.a), e.dial(t, e.b)
	if h := decode[Snapshot](t, tr.expect(MsgHello)); !h.You.Trainer || h.Title != "Hội nghị" {
		t.Fatalf("trainer hello = %+v", h)
	}
	if h := decode[Snapshot](t, a.expect(MsgHello)); h.You.Trainer || h.You.ID != e.a.ID {
		t.Fatalf("trainee hello = %+v", h)
	}
	b.expect(MsgHello)

	// Slides: the trainer moves, everyone follows, in sequence.
	tr.send(MsgGoto, map[string]int{"index": 3})
	sa, sb := a.expect(MsgSlide), b.expect(MsgSlide)
	if decode[map[string]int](t, sa)["index"] != 3 || sa.Seq == 0 || sa.Seq != sb.Seq || sa.TS == 0 {
		t.Fatalf("slide = %+v / %+v", sa, sb)
	}
	// A trainee cannot drive the room.
	a.send(MsgGoto, map[string]int{"index": 9})
	if er := decode[ErrorData](t, a.expect(MsgError)); er.Code != "forbidden" {
		t.Fatalf("trainee goto: %+v", er)
	}

	// A poll: answers are tied to the account, one per person, changeable.
	tr.send(MsgPollOpen, map[string]any{"text": "Ai quyết định tặng Giấy khen của xã?", "options": []string{"Chủ tịch UBND xã", "Chủ tịch UBND tỉnh"}})
	poll := decode[PollView](t, a.expect(MsgPoll))
	b.expect(MsgPoll)
	if !poll.Open || len(poll.Options) != 2 {
		t.Fatalf("poll = %+v", poll)
	}
	a.send(MsgAnswer, map[string]any{"poll": poll.ID, "choices": []int{1}})
	a.expect(MsgAnswered)
	a.send(MsgAnswer, map[string]any{"poll": poll.ID, "choices": []int{0}})
	a.expect(MsgAnswered)
	b.send(MsgAnswer, map[string]any{"poll": poll.ID, "choices": []int{0}})
	b.expect(MsgAnswered)
	b.send(MsgAnswer, map[string]any{"poll": poll.ID, "choices": []int{0, 1}})
	if er := decode[ErrorData](t, b.expect(MsgError)); er.Code != "bad_request" {
		t.Fatalf("two choices on a single poll: %+v", er)
	}
	b.send(MsgAnswer, map[string]any{"poll": poll.ID, "choices": []int{7}})
	b.expect(MsgError)
	tally := decode[map[string]any](t, tr.expect(MsgTally))
	if c := tally["counts"].([]any); c[0].(float64) != 2 || c[1].(float64) != 0 {
		t.Fatalf("tally = %v", tally)
	}
	waitFor(t, "answers persisted", func() bool {
		got, _ := e.db.PollAnswers(ctx, poll.ID)
		return len(got) == 2 && got[e.a.ID] == "[0]"
	})

	// Roll call: check in once; a second tap is harmless.
	tr.send(MsgRollCallOpen, map[string]int{"seconds": 60})
	rc := decode[RollCallView](t, a.expect(MsgRollCall))
	a.send(MsgHere, map[string]int64{"rollcall": rc.ID})
	a.expect(MsgMarked)
	a.send(MsgHere, map[string]int64{"rollcall": rc.ID})
	a.expect(MsgMarked)
	waitFor(t, "roll-call mark persisted", func() bool {
		m, _ := e.db.RollCallMarks(ctx, rc.ID)
		return len(m) == 1
	})

	// A reconnection gets the room as it is now: slide, open poll with my
	// answer, roll call with my mark.
	a.ws.Close()
	a2 := e.dial(t, e.a)
	snap := decode[Snapshot](t, a2.expect(MsgHello))
	if snap.Slide != 3 || snap.Poll == nil || snap.Poll.ID != poll.ID || len(snap.MyAnswer) != 1 || snap.MyAnswer[0] != 0 ||
		snap.RollCall == nil || snap.Marked == nil || !*snap.Marked || snap.Seq < sa.Seq {
		t.Fatalf("snapshot after reconnecting = %+v", snap)
	}
	tr.send(MsgRollCallClose, nil)
	for decode[RollCallView](t, b.expect(MsgRollCall)).Open { // b sees the open one first, then the close
	}
	b.send(MsgHere, map[string]int64{"rollcall": rc.ID})
	if er := decode[ErrorData](t, b.expect(MsgError)); er.Code != "closed" {
		t.Fatalf("late check-in: %+v", er)
	}
	tr.send(MsgPollClose, nil)
	if p := decode[PollView](t, b.expect(MsgPoll)); p.Open {
		t.Fatal("poll still open")
	}

	// Presence: two intervals for the reconnecting trainee, none open once everyone leaves.
	for _, c := range []*conn{tr, a2, b} {
		c.ws.Close()
	}
	waitFor(t, "presence closed", func() bool {
		ps, _ := e.db.Presence(ctx, e.sess.ID)
		open, ofA := 0, 0
		for _, p := range ps {
			if p.LeftAt.IsZero() {
				open++
			}
			if p.UserID == e.a.ID {
				ofA++
			}
		}
		return len(ps) >= 4 && open == 0 && ofA == 2
	})
}

func TestBadMessages(t *testing.T) {
	e := newEnv(t, storetest.DSN(t))
	a := e.dial(t, e.a)
	a.expect(MsgHello)
	for _, tc := range []struct {
		raw, code string
	}{
		{`{not json`, "bad_json"},
		{`{"d": {}}`, "bad_json"},
		{`{"t": "fly"}`, "unknown_type"},
		{`{"t": "poll_open", "d": {"text": "x", "options": ["a", "b"]}}`, "forbidden"},
		{`{"t": "answer", "d": {"poll": 999, "choices": [0]}}`, "closed"},
		{`{"t": "here", "d": "nope"}`, "bad_request"},
	} {
		if err := a.ws.WriteMessage(websocket.TextMessage, []byte(tc.raw)); err != nil {
			t.Fatal(err)
		}
		if er := decode[ErrorData](t, a.expect(MsgError)); er.Code != tc.code || er.Message == "" {
			t.Errorf("%s: got %+v, want %s", tc.raw, er, tc.code)
		}
	}
	// Trainer commands with bad data are refused too.
	tr := e.dial(t, e.trainer)
	tr.expect(MsgHello)
	tr.send(MsgPollOpen, map[string]any{"text": "", "options": []string{"a"}})
	if er := decode[ErrorData](t, tr.expect(MsgError)); er.Code != "bad_request" {
		t.Errorf("empty poll: %+v", er)
	}
	tr.send(MsgRollCallOpen, map[string]int{"seconds": 1})
	tr.expect(MsgError)
	// The room still works for everyone.
	tr.send(MsgGoto, map[string]int{"index": 1})
	a.expect(MsgSlide)

	// A flood is rate-limited, then the connection is closed.
	flood := e.dial(t, e.b)
	flood.expect(MsgHello)
	for i := 0; i < 200; i++ {
		if flood.ws.WriteMessage(websocket.TextMessage, []byte(`{"t":"ping"}`)) != nil {
			break
		}
	}
	limited := false
	_ = flood.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, msg, err := flood.ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != websocket.ClosePolicyViolation {
				t.Fatalf("flood ended with %v, want a policy-violation close", err)
			}
			break
		}
		limited = limited || strings.Contains(string(msg), "rate_limited")
	}
	if !limited {
		t.Error("no rate_limited error before the close")
	}
	// An oversize frame closes that connection with 1009.
	big := e.dial(t, e.b)
	big.expect(MsgHello)
	_ = big.ws.WriteMessage(websocket.TextMessage, []byte(`{"t":"ping","d":"`+strings.Repeat("x", 8000)+`"}`))
	_ = big.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		if _, _, err := big.ws.ReadMessage(); err != nil {
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != websocket.CloseMessageTooBig {
				t.Fatalf("oversize frame ended with %v, want 1009", err)
			}
			break
		}
	}
	// Others are unaffected.
	tr.send(MsgGoto, map[string]int{"index": 2})
	a.expect(MsgSlide)
}

func TestMembership(t *testing.T) {
	e := newEnv(t, storetest.DSN(t))
	if _, err := e.m.Check(context.Background(), e.sess.ID, e.stranger); !errors.Is(err, ErrNotInvited) {
		t.Fatalf("stranger: %v", err)
	}
	if _, err := e.m.Check(context.Background(), 999, e.a); !errors.Is(err, ErrNoSession) {
		t.Fatalf("no session: %v", err)
	}
	url := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/?user=" + strconv.FormatInt(e.stranger.ID, 10)
	if _, resp, err := websocket.DefaultDialer.Dial(url, nil); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("stranger dial: %v", err)
	}
	h := http.Header{"Origin": {"https://evil.example"}}
	url = "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/?user=" + strconv.FormatInt(e.a.ID, 10)
	if _, resp, err := websocket.DefaultDialer.Dial(url, h); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin dial: %v", err)
	}
}

// After a restart the room comes back as it was: slide, open poll with its
// answers; presence left open is closed at shutdown and reopened on rejoin.
func TestRestartRecovery(t *testing.T) {
	ctx := context.Background()
	path := storetest.DSN(t)
	e := newEnv(t, path)
	tr, a := e.dial(t, e.trainer), e.dial(t, e.a)
	tr.expect(MsgHello)
	a.expect(MsgHello)
	tr.send(MsgGoto, map[string]int{"index": 5})
	a.expect(MsgSlide)
	tr.send(MsgPollOpen, map[string]any{"text": "Đúng hay sai?", "options": []string{"Đúng", "Sai"}})
	p := decode[PollView](t, a.expect(MsgPoll))
	a.send(MsgAnswer, map[string]any{"poll": p.ID, "choices": []int{1}})
	a.expect(MsgAnswered)
	e.srv.Close()
	e.srv = nil
	e.m.Close() // shutdown: presence closed now
	e.batch.Close()
	e.batch = store.NewBatcher(e.db, 512, time.Millisecond)
	ps, _ := e.db.Presence(ctx, e.sess.ID)
	for _, x := range ps {
		if x.LeftAt.IsZero() {
			t.Fatalf("presence left open at shutdown: %+v", x)
		}
	}
	e.db.Close()

	e2 := newEnv(t, path)
	a2 := e2.dial(t, e2.a)
	snap := decode[Snapshot](t, a2.expect(MsgHello))
	if snap.Slide != 5 || snap.Poll == nil || !snap.Poll.Open || len(snap.MyAnswer) != 1 || snap.MyAnswer[0] != 1 || snap.Tally[1] != 1 {
		t.Fatalf("after restart = %+v", snap)
	}
	waitFor(t, "presence reopened", func() bool {
		ps, _ := e2.db.Presence(ctx, e2.sess.ID)
		open := 0
		for _, x := range ps {
			if x.UserID == e2.a.ID && x.LeftAt.IsZero() {
				open++
			}
		}
		return open == 1
	})
}

// A connection whose queue is full is dropped at once; the broadcast does
// not wait for it and the others get the message.
func TestSlowClientIsDroppedNotWaitedOn(t *testing.T) {
	e := newEnv(t, storetest.DSN(t))
	r := newRoom(e.sess, nil, e.db, e.batch, Options{}) // not running: the test is its only goroutine
	var dropped atomic.Int64
	r.dropped = &dropped
	slow := &Client{room: r, p: Participant{ID: e.a.ID}, send: make(chan *frame, sendQueue)}
	fast := &Client{room: r, p: Participant{ID: e.b.ID}, send: make(chan *frame, sendQueue)}
	for i := 0; i < sendQueue; i++ {
		slow.send <- &frame{pm: encode(MsgSlide, 0, nil)}
	}
	r.clients[slow], r.clients[fast] = struct{}{}, struct{}{}
	r.byUser[slow.p.ID], r.byUser[fast.p.ID] = []*Client{slow}, []*Client{fast}
	// On this goroutine: were the broadcast to wait on the full queue, the
	// test would never get past this line.
	r.broadcast(MsgSlide, map[string]int{"index": 1})
	if _, still := r.clients[slow]; still {
		t.Fatal("the slow connection was kept")
	}
	if len(fast.send) != 1 {
		t.Fatalf("the healthy connection got %d messages, want 1", len(fast.send))
	}
	if dropped.Load() != 1 {
		t.Fatalf("dropped count = %d, want 1 (monitoring reads it)", dropped.Load())
	}
	for range slow.send { // drains, then ends: the room closed the queue
	}
}

// addTrainee adds a trainee to the fixture's commune, so the session expects them.
func (e *env) addTrainee(t *testing.T, name string) model.User {
	t.Helper()
	ctx := context.Background()
	xa, _ := e.db.UnitByCode(ctx, "X1")
	u := model.User{Username: name, FullName: name, Role: model.RoleTrainee, UnitID: xa.ID, PasswordHash: "h"}
	if err := e.db.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, &u) }); err != nil {
		t.Fatal(err)
	}
	return u
}
