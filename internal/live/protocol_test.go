package live

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/store/storetest"
)

// The trainer cannot move past the last slide: the room refuses it and
// nobody is sent a slide that does not exist.
func TestGotoStaysWithinTheSlides(t *testing.T) {
	e := newEnv(t, storetest.DSN(t))
	tr, a := e.dial(t, e.trainer), e.dial(t, e.a)
	if h := decode[Snapshot](t, tr.expect(MsgHello)); h.Slides != testSlides {
		t.Fatalf("hello slides = %d, want %d", h.Slides, testSlides)
	}
	a.expect(MsgHello)
	tr.send(MsgGoto, map[string]int{"index": testSlides})
	tr.refused("bad_request")
	tr.send(MsgGoto, map[string]int{"index": 588})
	tr.refused("bad_request")
	tr.send(MsgGoto, map[string]int{"index": testSlides - 1})
	out, skipped := a.until(MsgSlide)
	if got := decode[map[string]int](t, out)["index"]; got != testSlides-1 || len(skipped) > 0 && strings.Contains(strings.Join(skipped, ","), MsgSlide) {
		t.Fatalf("slide = %d after %v, want %d and no other slide", got, skipped, testSlides-1)
	}
}

// Every refusal a correct client never causes counts toward the limit, not
// only bad JSON and the rate: past fifty the connection gets the error
// kicked and is closed with 1008. Refusals anyone can meet (a poll closing
// as they answer) do not count.
func TestRefusalsOfEveryKindCount(t *testing.T) {
	e := newEnv(t, storetest.DSN(t))
	for _, tc := range []struct {
		name  string
		msg   Incoming
		kicks bool
	}{
		{"unknown_type", Incoming{Type: "fly"}, true},
		{"forbidden", Incoming{Type: MsgGoto, Data: json.RawMessage(`{"index":1}`)}, true},
		{"bad_request", Incoming{Type: MsgHere, Data: json.RawMessage(`"nope"`)}, true},
		{"closed", Incoming{Type: MsgAnswer, Data: json.RawMessage(`{"poll":9,"choices":[0]}`)}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRoom(e.sess, nil, e.db, e.batch, Options{}) // not running: the test is its only goroutine
			c := &Client{room: r, p: Participant{ID: e.a.ID}, send: make(chan *frame, 2*maxStrikes)}
			r.clients[c] = struct{}{}
			r.byUser[c.p.ID] = []*Client{c}
			for i := 0; i < maxStrikes; i++ {
				r.handle(c, tc.msg)
			}
			if _, ok := r.clients[c]; !ok {
				t.Fatalf("closed after %d refusals, the limit is %d", maxStrikes, maxStrikes)
			}
			r.handle(c, tc.msg)
			_, still := r.clients[c]
			if still == tc.kicks {
				t.Fatalf("after %d refusals: still connected %v", maxStrikes+1, still)
			}
			if !tc.kicks {
				return
			}
			var last string
			for f := range c.send { // the room closed the queue
				last = string(f.raw)
			}
			if !strings.Contains(last, `"kicked"`) || len(c.kick) < 2 || int(c.kick[0])<<8|int(c.kick[1]) != websocket.ClosePolicyViolation {
				t.Fatalf("last message %s, close frame %v: want kicked, then 1008", last, c.kick)
			}
		})
	}
}

// A flooding client that goes on sending after it is kicked still gets the
// close frame 1008, not a reset connection (1006): the server reads on
// until the client answers its close, instead of closing a socket that
// has unread data (which resets the connection and loses what was not yet
// sent). On the code before this, the writes after kicked failed with
// "connection reset by peer".
func TestFloodEndsWithACloseFrame(t *testing.T) {
	e := newEnv(t, storetest.DSN(t))
	for round := 0; round < 5; round++ {
		f := e.dial(t, e.b)
		f.expect(MsgHello)
		for i := 0; i < 200; i++ {
			if err := f.ws.WriteMessage(websocket.TextMessage, []byte(`{"t":"ping"}`)); err != nil {
				t.Fatal(err)
			}
		}
		f.refused("rate_limited")
		for decode[ErrorData](t, f.expect(MsgError)).Code != "kicked" {
		}
		for i := 0; i < 50; i++ { // as a flooding client does
			if err := f.ws.WriteMessage(websocket.TextMessage, []byte(`{"t":"ping"}`)); err != nil {
				t.Fatalf("round %d: write after kicked: %v", round, err)
			}
		}
		_ = f.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, _, err := f.ws.ReadMessage()
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != websocket.ClosePolicyViolation {
			t.Fatalf("round %d: ended with %v, want close 1008", round, err)
		}
	}
}

// hello always carries the fields the document lists, false or empty
// ones too; with a poll, the answers total comes with the tally.
func TestHelloHasEveryField(t *testing.T) {
	e := newEnv(t, storetest.DSN(t))
	raw := func(c *conn) map[string]json.RawMessage {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(c.expect(MsgHello).Data.(json.RawMessage), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	must := func(who string, m map[string]json.RawMessage, keys ...string) {
		t.Helper()
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				t.Errorf("%s's hello lacks %q: %v", who, k, m)
			}
		}
	}
	mustNot := func(who string, m map[string]json.RawMessage, keys ...string) {
		t.Helper()
		for _, k := range keys {
			if _, ok := m[k]; ok {
				t.Errorf("%s's hello has %q", who, k)
			}
		}
	}
	common := []string{"you", "title", "slide", "slides", "seq", "audio", "chat_on", "moderated", "muted", "hand_up", "lean", "chat", "questions", "my_votes"}
	tr := e.dial(t, e.trainer)
	m := raw(tr)
	must("trainer", m, append(common, "expected", "roster", "hands")...)
	if string(m["hands"]) != "[]" || string(m["my_votes"]) != "[]" || string(m["hand_up"]) != "false" {
		t.Errorf("empty values: hands %s my_votes %s hand_up %s", m["hands"], m["my_votes"], m["hand_up"])
	}
	a := e.dial(t, e.a)
	m = raw(a)
	must("trainee", m, common...)
	mustNot("trainee", m, "expected", "roster", "hands", "poll", "tally", "answers", "my_answer", "rollcall", "marked")

	tr.send(MsgPollOpen, map[string]any{"text": "Đúng hay sai?", "options": []string{"Đúng", "Sai"}})
	p := decode[PollView](t, a.expect(MsgPoll))
	a.send(MsgAnswer, map[string]any{"poll": p.ID, "choices": []int{1}})
	a.expect(MsgAnswered)
	tr.send(MsgRollCallOpen, map[string]int{"seconds": 60})
	a.expect(MsgRollCall)
	b := e.dial(t, e.b)
	m = raw(b)
	must("trainee", m, "poll", "tally", "answers", "my_answer", "rollcall", "marked")
	if string(m["answers"]) != "1" || string(m["my_answer"]) != "[]" || string(m["marked"]) != "false" || string(m["tally"]) != "[0,1]" {
		t.Errorf("poll fields: answers %s my_answer %s marked %s tally %s", m["answers"], m["my_answer"], m["marked"], m["tally"])
	}
}

// A poll from the question bank carries its Markdown rendered as inline
// HTML; a poll the trainer types does not.
func TestBankPollCarriesInlineHTML(t *testing.T) {
	e := newEnv(t, storetest.DSN(t))
	tr, a := e.dial(t, e.trainer), e.dial(t, e.a)
	tr.expect(MsgHello)
	a.expect(MsgHello)
	tr.send(MsgPollOpen, map[string]any{"text": "Ai tặng **Giấy khen**?", "options": []string{"Chủ tịch *xã*", "Chủ tịch tỉnh"}, "source": "q1", "correct": []int{0}})
	p := decode[PollView](t, a.expect(MsgPoll))
	if p.TextHTML != "<b>Ai tặng **Giấy khen**?</b>" || len(p.OptionsHTML) != 2 || p.OptionsHTML[0] != "<b>Chủ tịch *xã*</b>" || p.Text != "Ai tặng **Giấy khen**?" {
		t.Fatalf("bank poll = %+v", p)
	}
	tr.send(MsgPollOpen, map[string]any{"text": "2*3 bằng mấy?", "options": []string{"6", "5"}})
	if p := decode[PollView](t, a.expect(MsgPoll)); p.Open && (p.TextHTML != "" || p.OptionsHTML != nil) {
		t.Fatalf("typed poll = %+v", p)
	}
}

// The report read on a fixed clock through a real room: what a person
// would expect before the start, in the middle and after the end, with a
// late joiner, someone who leaves and comes back, a hall check-in, and a
// row a crash left open.
func TestReportOnFixedClock(t *testing.T) {
	ctx := context.Background()
	path := storetest.DSN(t)
	e := newEnv(t, path)
	s := NewSessions(e.db, e.batch, e.clock.Now)
	status := func(now time.Time) map[string]Result {
		t.Helper()
		rep, err := s.Attendance(ctx, e.sess.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]Result{}
		for _, r := range rep.Rows {
			out[r.User.Username] = r.Result
		}
		return out
	}
	closedFor := func(uid int64) func() bool {
		return func() bool {
			ps, _ := e.db.Presence(ctx, e.sess.ID)
			for _, p := range ps {
				if p.UserID == uid && p.Kind == "online" && p.LeftAt.IsZero() {
					return false
				}
			}
			return true
		}
	}
	c := e.addTrainee(t, "hvc") // a third trainee of the commune, before the room opens
	// 07:55: A waits in the room. The hello is sent after the join is
	// recorded, so the clock can move on once it arrives.
	e.clock.Set(at(-5))
	a := e.dial(t, e.a)
	a.expect(MsgHello)
	got := status(at(-1))
	if got["hva"].Status != Attending || got["hvb"].Status != NotArrived || got["hva"].Final {
		t.Fatalf("before the start: %+v", got)
	}
	// 08:20: B joins late. 08:30 A drops; 08:40 A is back.
	e.clock.Set(at(20))
	b := e.dial(t, e.b)
	b.expect(MsgHello)
	e.clock.Set(at(30))
	a.ws.Close()
	waitFor(t, "A's leaving recorded", closedFor(e.a.ID))
	got = status(at(35))
	if r := got["hva"]; r.Status != Away || r.Minutes != 30 || !r.LastSeen.Equal(at(30)) {
		t.Fatalf("08:35, A away since 08:30: %+v", r)
	}
	if r := got["hvb"]; r.Status != Attending || !r.Late || r.Minutes != 15 || !r.LastSeen.IsZero() {
		t.Fatalf("08:35, B attending since 08:20: %+v", r)
	}
	e.clock.Set(at(40))
	a = e.dial(t, e.a)
	a.expect(MsgHello)
	got = status(at(50))
	if r := got["hva"]; r.Status != Attending || r.Minutes != 40 || r.Late || !r.FirstSeen.Equal(at(-5)) {
		t.Fatalf("08:50, A back since 08:40: %+v", r)
	}
	// A check-in in the hall counts from the scan.
	if err := e.m.CheckIn(ctx, e.sess.ID, c, at(3)); err != nil {
		t.Fatal(err)
	}
	if r := status(at(50))["hvc"]; r.Status != Attending || r.Minutes != 47 {
		t.Fatalf("08:50, checked in in the hall at 08:03: %+v", r)
	}
	// After the end, everyone still connected counts to the end.
	got = status(at(130))
	for name, want := range map[string]struct {
		status   string
		attended bool
		minutes  float64
	}{"hva": {Present, true, 90}, "hvb": {Late, true, 80}, "hvc": {Present, true, 97}} {
		if r := got[name]; r.Status != want.status || r.Attended != want.attended || r.Minutes != want.minutes || !r.Final {
			t.Fatalf("after the end, %s: %+v, want %v", name, r, want)
		}
	}
	// A crash: B's row stays open, last seen at 09:00 (the heartbeat). The
	// next start closes it there, once; reports never guess.
	e.clock.Set(at(60))
	a.ws.Close()
	b.ws.Close()
	waitFor(t, "both left", func() bool { return closedFor(e.a.ID)() && closedFor(e.b.ID)() })
	e.srv.Close()
	e.srv = nil
	e.m.Close()
	e.batch.Close()
	// What a process that then crashed leaves behind: B back at 09:02, the
	// last heartbeat at 09:15, never closed.
	err := e.db.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.OpenPresence(ctx, e.sess.ID, e.b.ID, "online", at(62)); err != nil {
			return err
		}
		return tx.TouchPresence(ctx, e.sess.ID, at(75))
	})
	if err != nil {
		t.Fatal(err)
	}
	e.db.Close()
	e2 := newEnv(t, path)
	rep, err := NewSessions(e2.db, e2.batch, e2.clock.Now).Attendance(ctx, e2.sess.ID, at(130))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Rows {
		if r.User.Username == "hvb" && (r.Result.Minutes != 40+13 || !r.Result.LastSeen.Equal(at(75))) {
			t.Fatalf("B after the crash: %+v, want 53 minutes, last seen 09:15", r.Result)
		}
	}
}

// One account cannot hold hundreds of connections: past the limit the
// upgrade is refused with a plain HTTP status, and a closed connection
// frees its slot.
func TestConnectionsPerAccountAreBounded(t *testing.T) {
	e := newEnv(t, storetest.DSN(t))
	var open []*conn
	for i := 0; i < maxConnsPerUser; i++ {
		c := e.dial(t, e.a)
		c.expect(MsgHello)
		open = append(open, c)
	}
	if code := e.dialStatus(t, e.a); code != 403 { // the test server answers every refusal with 403
		t.Fatalf("connection %d: HTTP %d, want refused", maxConnsPerUser+1, code)
	}
	if st := e.m.Stats(); st.Connections != maxConnsPerUser || st.Rooms != 1 {
		t.Fatalf("stats with %d connections open: %+v", maxConnsPerUser, st)
	}
	if code := e.dialStatus(t, e.b); code != 0 {
		t.Fatalf("another account is not affected: HTTP %d", code)
	}
	open[0].ws.Close()
	waitFor(t, "the slot freed", func() bool { return e.dialStatus(t, e.a) == 0 })
	for _, c := range open[1:] {
		c.ws.Close()
	}
	// Monitoring counts only what is open: every test dial above has closed.
	waitFor(t, "the connections counted closed", func() bool { return e.m.Stats().Connections == 0 })
}

// An officer is told "saved" only for what is on disk: when the answer's
// or the mark's acknowledgement arrives, the database already holds it,
// even with a batcher that gathers writes for a long while.
func TestAcknowledgedMeansCommitted(t *testing.T) {
	defer func(l time.Duration) { linger = l }(linger)
	linger = 300 * time.Millisecond // wide enough that an early acknowledgement would be seen
	ctx := context.Background()
	e := newEnv(t, storetest.DSN(t))
	tr, a := e.dial(t, e.trainer), e.dial(t, e.a)
	tr.expect(MsgHello)
	a.expect(MsgHello)
	tr.send(MsgPollOpen, map[string]any{"text": "Đúng hay sai?", "options": []string{"Đúng", "Sai"}})
	p := decode[PollView](t, a.expect(MsgPoll))
	a.send(MsgAnswer, map[string]any{"poll": p.ID, "choices": []int{1}})
	a.expect(MsgAnswered)
	if got, _ := e.db.PollAnswers(ctx, p.ID); got[e.a.ID] != "[1]" {
		t.Fatalf("acknowledged but not stored: %v", got)
	}
	tr.send(MsgRollCallOpen, map[string]int{"seconds": 60})
	rc := decode[RollCallView](t, a.expect(MsgRollCall))
	a.send(MsgHere, map[string]int64{"rollcall": rc.ID})
	a.expect(MsgMarked)
	if m, _ := e.db.RollCallMarks(ctx, rc.ID); m[e.a.ID].IsZero() {
		t.Fatalf("mark acknowledged but not stored: %v", m)
	}
}
