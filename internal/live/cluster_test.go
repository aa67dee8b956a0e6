package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/store/storetest"
)

// Two managers on one database and one in-memory bus play two nodes of a
// cluster, each with its own batcher and HTTP server, on one fake clock.
// Lease work runs only when a test calls tick, after moving the clock.

func newNode(t *testing.T, path string, clock *fakeClock, bus Bus, node string) *env {
	t.Helper()
	return newEnvWith(t, path, func(e *env, o *Options) {
		if clock != nil {
			e.clock = clock
		}
		o.Bus, o.Node, o.manualTick = bus, node, true
	})
}

func newCluster(t *testing.T) (a, b *env, bus *MemBus) {
	t.Helper()
	path := storetest.DSN(t)
	bus = NewMemBus()
	a = newNode(t, path, nil, bus, "a")
	b = newNode(t, path, a.clock, bus, "b")
	return a, b, bus
}

// owns says whether the node runs the fixture's room.
func (e *env) owns() bool {
	e.m.mu.Lock()
	defer e.m.mu.Unlock()
	return e.m.rooms[e.sess.ID] != nil
}

func (e *env) relays() bool {
	e.m.mu.Lock()
	defer e.m.mu.Unlock()
	return e.m.edges[e.sess.ID] != nil
}

// rec is a connection whose every message is kept, so a test can check
// what arrived and in which order.
type rec struct {
	*conn
	name string
	got  []Outgoing
}

func (e *env) join(t *testing.T, u model.User, lean bool) *rec {
	t.Helper()
	var c *conn
	if lean {
		c = e.dialLean(t, u)
	} else {
		c = e.dial(t, u)
	}
	return &rec{conn: c, name: u.Username}
}

// next reads up to a message of type typ, keeping all.
func (r *rec) next(typ string) Outgoing {
	r.t.Helper()
	_ = r.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		kind, b, err := r.ws.ReadMessage()
		if err != nil {
			r.t.Fatalf("%s waiting for %s: %v", r.name, typ, err)
		}
		if kind == websocket.BinaryMessage {
			r.got = append(r.got, Outgoing{Type: "binary"})
			if typ == "binary" {
				return Outgoing{Type: "binary"}
			}
			continue
		}
		var m struct {
			Outgoing
			Data json.RawMessage `json:"d"`
		}
		if err := json.Unmarshal(b, &m); err != nil {
			r.t.Fatalf("bad JSON from server: %s", b)
		}
		out := m.Outgoing
		out.Data = m.Data
		r.got = append(r.got, out)
		if m.Type == typ {
			return out
		}
	}
}

// numbered lists the numbered messages received, as type@seq.
func (r *rec) numbered() []string {
	var out []string
	for _, m := range r.got {
		if m.Seq > 0 {
			out = append(out, m.Type+"@"+strconv.FormatUint(m.Seq, 10))
		}
	}
	return out
}

func (r *rec) count(typ string) int {
	n := 0
	for _, m := range r.got {
		if m.Type == typ {
			n++
		}
	}
	return n
}

// closeCode reads until the connection ends and returns its close code.
func (r *rec) closeCode() int {
	r.t.Helper()
	_ = r.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		if _, _, err := r.ws.ReadMessage(); err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				return ce.Code
			}
			return websocket.CloseAbnormalClosure
		}
	}
}

// The must-have: a trainer and participants on two nodes; slides, a poll,
// a roll call and the chat reach everyone once and in order; answers and
// marks sent through the edge are stored and acknowledged. The owner then
// dies; once its lease has run out every client is back on the other node
// with its slide, poll, answer, roll call and mark, the session goes on,
// and the attendance report has everyone, with the time they were there.
func TestClusterFailover(t *testing.T) {
	for _, trainerOnEdge := range []bool{false, true} {
		t.Run(fmt.Sprintf("trainer_on_edge=%v", trainerOnEdge), func(t *testing.T) { testClusterFailover(t, trainerOnEdge) })
	}
}

func testClusterFailover(t *testing.T, trainerOnEdge bool) {
	ctx := context.Background()
	na, nb, _ := newCluster(t)
	c, d := na.addTrainee(t, "hvc"), na.addTrainee(t, "hvd")

	// The first join makes node a the owner; node b relays.
	a := na.join(t, na.a, false)
	a.next(MsgHello)
	if !na.owns() {
		t.Fatal("the first node joined does not own the room")
	}
	trainerNode := na
	if trainerOnEdge {
		trainerNode = nb
	}
	tr := trainerNode.join(t, na.trainer, false)
	b := nb.join(t, na.b, false)
	cc := na.join(t, c, false)
	dd := nb.join(t, d, false)
	all := []*rec{tr, a, b, cc, dd}
	participants := []*rec{a, b, cc, dd}
	for _, r := range all[:1] {
		r.next(MsgHello)
	}
	for _, r := range []*rec{b, cc, dd} {
		r.next(MsgHello)
	}
	if nb.owns() || !nb.relays() {
		t.Fatal("the second node should relay the room, not own it")
	}
	if h := decode[Snapshot](t, tr.got[len(tr.got)-1]); !h.You.Trainer || h.Roster == nil {
		t.Fatalf("trainer hello = %+v", h)
	}

	// Slides, a poll, a roll call, chat.
	tr.send(MsgGoto, map[string]int{"index": 3})
	for _, r := range all {
		r.next(MsgSlide)
	}
	tr.send(MsgPollOpen, map[string]any{"text": "Ai ký?", "options": []string{"Xã", "Tỉnh"}})
	var poll PollView
	for _, r := range all {
		poll = decode[PollView](t, r.next(MsgPoll))
	}
	choice := map[*rec]int{a: 0, b: 1, cc: 1, dd: 0}
	for _, r := range participants {
		r.send(MsgAnswer, map[string]any{"poll": poll.ID, "choices": []int{choice[r]}})
		if got := decode[map[string]any](t, r.next(MsgAnswered)); got["poll"].(float64) != float64(poll.ID) {
			t.Fatalf("%s: answered = %v", r.name, got)
		}
	}
	answers, err := na.db.PollAnswers(ctx, poll.ID) // acknowledged means committed
	if err != nil || len(answers) != 4 || answers[na.b.ID] != "[1]" || answers[d.ID] != "[0]" {
		t.Fatalf("stored answers = %v, %v", answers, err)
	}
	tr.send(MsgRollCallOpen, map[string]int{"seconds": 120})
	var rc RollCallView
	for _, r := range all {
		rc = decode[RollCallView](t, r.next(MsgRollCall))
	}
	for _, r := range participants {
		r.send(MsgHere, map[string]int64{"rollcall": rc.ID})
		r.next(MsgMarked)
	}
	if marks, err := na.db.RollCallMarks(ctx, rc.ID); err != nil || len(marks) != 4 {
		t.Fatalf("stored marks = %v, %v", marks, err)
	}
	tr.send(MsgSay, map[string]string{"text": "Xin chào"})
	for _, r := range all {
		if line := decode[ChatView](t, r.next(MsgChat)); line.Text != "Xin chào" {
			t.Fatalf("%s: chat %+v", r.name, line)
		}
	}
	tr.send(MsgGoto, map[string]int{"index": 4})
	for _, r := range all {
		r.next(MsgSlide)
	}
	// Each numbered message reached each client once, in order, with no gap.
	for _, r := range all {
		hello := decode[Snapshot](t, r.got[0])
		var want []string
		for i, typ := range []string{MsgSlide, MsgPoll, MsgRollCall, MsgSlide} {
			want = append(want, typ+"@"+strconv.FormatUint(hello.Seq+uint64(i)+1, 10))
		}
		if got := r.numbered(); !slices.Equal(got, want) {
			t.Fatalf("%s received %v, want %v", r.name, got, want)
		}
		if n := r.count(MsgChat); n != 1 {
			t.Fatalf("%s received %d chat lines", r.name, n)
		}
	}

	// Five seconds on, the owner renews its lease; its connections are
	// last seen then. Then it dies: nothing is written, nothing said.
	na.clock.Set(na.clock.Now().Add(5 * time.Second))
	na.m.tick(ctx)
	lastSeen := na.clock.Now()
	if err := na.batch.Do(ctx, func(*store.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	na.m.crash()
	na.srv.Close()
	na.srv = nil
	for _, r := range all {
		if trainerNode == na && r == tr || r == a || r == cc {
			if code := r.closeCode(); code == websocket.ClosePolicyViolation {
				t.Fatalf("%s: a dead node's connection ended with 1008", r.name)
			}
		}
	}
	// While its lease runs, the edge waits: the owner may be slow, not dead.
	na.clock.Set(lastSeen.Add(leaseTTL - time.Second))
	nb.m.tick(ctx)
	if !nb.relays() {
		t.Fatal("the edge gave up on an owner whose lease runs")
	}
	// Past the lease: the edge lets its connections go, with a code that
	// makes the page reconnect at once.
	na.clock.Set(lastSeen.Add(leaseTTL + time.Second))
	nb.m.tick(ctx)
	for _, r := range []*rec{b, dd} {
		if code := r.closeCode(); code != websocket.CloseServiceRestart {
			t.Fatalf("%s: closed with %d, want %d (reconnect)", r.name, code, websocket.CloseServiceRestart)
		}
	}
	if trainerOnEdge {
		if code := tr.closeCode(); code != websocket.CloseServiceRestart {
			t.Fatalf("trainer: closed with %d", code)
		}
	}
	reconnectAt := na.clock.Now()

	// Everyone comes back to node b, which takes the room over from the
	// database.
	users := map[*rec]model.User{tr: na.trainer, a: na.a, b: na.b, cc: c, dd: d}
	again := map[*rec]*rec{}
	for _, r := range all {
		r2 := nb.join(t, users[r], false)
		again[r] = r2
		h := decode[Snapshot](t, r2.next(MsgHello))
		if h.Slide != 4 || h.Poll == nil || h.Poll.ID != poll.ID || !h.Poll.Open || h.RollCall == nil || h.RollCall.ID != rc.ID ||
			!h.RollCall.Open || len(h.Chat) != 1 {
			t.Fatalf("%s after the failover: %+v", r.name, h)
		}
		if r != tr && (len(h.MyAnswer) != 1 || h.MyAnswer[0] != choice[r] || h.Marked == nil || !*h.Marked) {
			t.Fatalf("%s lost their answer or mark: %v %v", r.name, h.MyAnswer, h.Marked)
		}
		if r == tr && (h.Tally[0] != 2 || h.Tally[1] != 2) {
			t.Fatalf("tally after the failover = %v", h.Tally)
		}
	}
	if !nb.owns() {
		t.Fatal("the surviving node does not own the room")
	}

	// The session goes on. The new owner numbers its broadcasts afresh;
	// each hello told its page where the numbers stand.
	again[tr].send(MsgGoto, map[string]int{"index": 5})
	for _, r := range all {
		hello := decode[Snapshot](t, again[r].got[0])
		if m := again[r].next(MsgSlide); decode[map[string]int](t, m)["index"] != 5 || m.Seq != hello.Seq+1 {
			t.Fatalf("%s: slide %+v after a hello at %d", r.name, m, hello.Seq)
		}
	}

	// The session ends with everyone there; the report has everyone
	// present, with the minutes before the crash and after it, and no
	// interval left open.
	end := na.sess.EndsAt
	na.clock.Set(end)
	for _, r := range all {
		again[r].ws.Close()
	}
	waitFor(t, "presence closed", func() bool {
		if err := nb.batch.Do(ctx, func(*store.Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
		ps, _ := nb.db.Presence(ctx, na.sess.ID)
		for _, p := range ps {
			if p.LeftAt.IsZero() {
				return false
			}
		}
		return len(ps) == 2*len(all)
	})
	ps, _ := nb.db.Presence(ctx, na.sess.ID)
	spans := map[int64][]model.Presence{}
	for _, p := range ps {
		spans[p.UserID] = append(spans[p.UserID], p)
	}
	for _, u := range []model.User{na.trainer, na.a, na.b, c, d} {
		got := spans[u.ID]
		if len(got) != 2 || !got[0].LeftAt.Equal(lastSeen) || got[1].JoinedAt.Before(reconnectAt) || !got[1].LeftAt.Equal(end) {
			t.Fatalf("%s: presence %+v (all %+v); want closed where last seen (%v), then from the reconnection to the end", u.Username, got, ps, lastSeen)
		}
	}
	rep, err := NewSessions(nb.db, nb.batch, nb.clock.Now).Attendance(ctx, na.sess.ID, end.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 4 {
		t.Fatalf("report rows = %d", len(rep.Rows))
	}
	for _, row := range rep.Rows {
		if row.Result.Status != Present || row.Result.Minutes < 98 || row.Result.Minutes > 99 || row.RollCalls != 1 {
			t.Fatalf("%s: %+v, %d roll calls", row.User.Username, row.Result, row.RollCalls)
		}
	}
}

// Two nodes never both own a room: a join race gives one owner; an owner
// that could not renew in time stops before the lease runs out, and one
// whose lease another node took stops at its next renewal; either way its
// connections are told to reconnect.
func TestOneOwnerAtATime(t *testing.T) {
	ctx := context.Background()
	na, nb, _ := newCluster(t)
	owners := func() int {
		n := 0
		for _, e := range []*env{na, nb} {
			if e.owns() {
				n++
			}
		}
		return n
	}
	// Both nodes asked at once, many times.
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		for _, e := range []*env{na, nb} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, _, err := e.m.hub(ctx, e.sess.ID); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
	if owners() != 1 {
		t.Fatalf("%d owners after a race", owners())
	}
	owner, other := na, nb
	if nb.owns() {
		owner, other = nb, na
	}
	u := owner.join(t, na.a, false)
	u.next(MsgHello)

	// The owner renews as its clock moves; the other stays an edge.
	for i := 0; i < 5; i++ {
		na.clock.Set(na.clock.Now().Add(renewEvery))
		owner.m.tick(ctx)
		other.m.tick(ctx)
		if _, _, err := other.m.hub(ctx, na.sess.ID); err != nil {
			t.Fatal(err)
		}
		if owners() != 1 || !owner.owns() {
			t.Fatalf("round %d: owner %v, %d owners", i, owner.owns(), owners())
		}
	}
	// The owner's renewals stop (its database is slow, its process
	// stalled): at its next tick it sees it could not renew before the
	// lease ends, and stops before another node may take the room.
	na.clock.Set(na.clock.Now().Add(leaseTTL - renewEvery))
	owner.m.tick(ctx)
	if owner.owns() {
		t.Fatal("an owner that could not renew in time kept the room")
	}
	if code := u.closeCode(); code != websocket.CloseServiceRestart {
		t.Fatalf("the demoted owner's connection closed with %d", code)
	}
	// The lease has not run out: the other node still may not take it.
	if _, e, err := other.m.hub(ctx, na.sess.ID); err != nil || e == nil || other.owns() {
		t.Fatalf("the other node took a running lease: edge %v, err %v", e, err)
	}
	na.clock.Set(na.clock.Now().Add(renewEvery + time.Second))
	if r, _, err := other.m.hub(ctx, na.sess.ID); err != nil || r == nil || owners() != 1 {
		t.Fatalf("after the lease ran out: room %v, err %v, %d owners", r, err, owners())
	}

	// Another node takes the lease behind the owner's back (here: it was
	// dropped by hand): the owner stops at its next renewal.
	newOwner, loser := other, owner
	if err := na.db.DropLease(ctx, leaseName(na.sess.ID), newOwner.m.opt.Node); err != nil {
		t.Fatal(err)
	}
	if ok, _, err := na.db.TakeLease(ctx, leaseName(na.sess.ID), "z", na.clock.Now(), leaseTTL); err != nil || !ok {
		t.Fatal("could not take the dropped lease", err)
	}
	newOwner.m.tick(ctx)
	if newOwner.owns() || loser.owns() {
		t.Fatalf("a node whose lease is held by another still runs the room")
	}
}

// A clean stop hands the room over at once: the edges' connections are
// told to reconnect, the lease is dropped, the next join on another node
// takes the room without waiting, and the owner's presence is closed now.
func TestCleanStopHandsOver(t *testing.T) {
	ctx := context.Background()
	na, nb, _ := newCluster(t)
	a := na.join(t, na.a, false)
	a.next(MsgHello)
	b := nb.join(t, na.b, false)
	b.next(MsgHello)
	na.m.Close()
	if code := b.closeCode(); code != websocket.CloseServiceRestart {
		t.Fatalf("edge connection closed with %d", code)
	}
	if _, err := na.db.LeaseOf(ctx, leaseName(na.sess.ID)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the lease after a clean stop: %v", err)
	}
	ps, _ := na.db.Presence(ctx, na.sess.ID)
	for _, p := range ps {
		if p.LeftAt.IsZero() {
			t.Fatalf("presence left open by a clean stop: %+v", p)
		}
	}
	b2 := nb.join(t, na.b, false) // the clock has not moved
	b2.next(MsgHello)
	if !nb.owns() {
		t.Fatal("the room did not move at once")
	}
}

// An edge that stops cleanly tells the owner, which closes the presence of
// its connections at once; one that goes silent is dropped after edgeGone.
func TestEdgeStopClosesPresence(t *testing.T) {
	ctx := context.Background()
	na, nb, _ := newCluster(t)
	a := na.join(t, na.a, false)
	a.next(MsgHello)
	b := nb.join(t, na.b, false)
	b.next(MsgHello)
	tr := na.join(t, na.trainer, false)
	tr.next(MsgHello)
	nb.m.Close()
	b.closeCode()
	waitFor(t, "the edge's presence closed", func() bool {
		ps, _ := na.db.Presence(ctx, na.sess.ID)
		for _, p := range ps {
			if p.UserID == na.b.ID && p.LeftAt.IsZero() {
				return false
			}
		}
		return len(ps) == 3
	})
}

// A connection on an edge that cannot keep up is dropped when a broadcast
// finds its queue full; the others get the broadcast, nothing waits, and
// the owner hears that it left.
func TestEdgeDropsSlowClient(t *testing.T) {
	na, _, bus := newCluster(t)
	e := newEdge(na.m, na.sess, map[int64]bool{}, "z") // not running: the test is its only goroutine
	left := make(chan []byte, 8)
	unsub, _ := bus.Subscribe(ownerSubject(na.sess.ID), func(b []byte) { left <- b })
	defer unsub()
	slow := &Client{edge: e, p: Participant{ID: na.a.ID}, send: make(chan *frame, sendQueue), rid: 1, ready: true}
	fast := &Client{edge: e, p: Participant{ID: na.b.ID}, send: make(chan *frame, sendQueue), rid: 2, ready: true}
	for i := 0; i < sendQueue; i++ {
		slow.send <- &frame{raw: []byte("{}")}
	}
	e.conns[1], e.conns[2] = slow, fast
	before := na.m.dropped.Load()
	msg := appendRoomMsg(nil, wireBroadcast, "z", 7, nil, encodeRaw(MsgSlide, 7, map[string]int{"index": 1}))
	if !e.fromOwnerMsg(msg) {
		t.Fatal("the edge ended on a good broadcast")
	}
	if e.conns[1] != nil || e.conns[2] != fast || len(fast.send) != 1 {
		t.Fatalf("slow kept: %v; fast has %d messages", e.conns[1] != nil, len(fast.send))
	}
	if na.m.dropped.Load() != before+1 {
		t.Fatal("the drop was not counted")
	}
	select {
	case b := <-left:
		m, err := readEdgeMsg(b)
		if err != nil || m.kind != wireLeave || m.conn != 1 {
			t.Fatalf("told the owner %+v, %v", m, err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the owner was not told")
	}
	for range slow.send { // drains, then ends: the edge closed the queue
	}
}

// The edge merges the owner's two streams back into the owner's order: a
// message sent before a broadcast but arriving after it holds the
// broadcast; one sent after a broadcast that has not arrived waits for it.
func TestEdgeMergesInOwnersOrder(t *testing.T) {
	na, _, _ := newCluster(t)
	e := newEdge(na.m, na.sess, map[int64]bool{}, "z")
	c := &Client{edge: e, p: Participant{ID: na.a.ID}, send: make(chan *frame, sendQueue), rid: 1}
	e.conns[1] = c
	peers := map[string]*edgePeer{e.id: {sent: 1}}
	hello := appendToMsg(nil, "z", 1, 10, opText, []uint64{1}, []byte(`{"t":"hello"}`))
	b11 := appendRoomMsg(nil, wireBroadcast, "z", 11, peers, []byte(`{"t":"slide","seq":11}`)) // sent after the hello
	peers[e.id].sent = 2
	ack := appendToMsg(nil, "z", 2, 11, opText, []uint64{1}, []byte(`{"t":"answered"}`)) // sent after 11
	b12 := appendRoomMsg(nil, wireBroadcast, "z", 12, peers, []byte(`{"t":"slide","seq":12}`))
	// The room's stream runs ahead of the edge's.
	for _, m := range [][]byte{b11, b12, hello, ack} {
		if !e.fromOwnerMsg(m) {
			t.Fatal("the edge ended")
		}
	}
	var got []string
	for len(c.send) > 0 {
		f := <-c.send
		b := f.raw
		if b == nil {
			b = []byte("prepared")
		}
		got = append(got, string(b))
	}
	want := []string{`{"t":"hello"}`, "prepared", `{"t":"answered"}`, "prepared"}
	if !slices.Equal(got, want) {
		t.Fatalf("delivered %v, want %v", got, want)
	}
	// A lost message of the edge's stream ends the edge: its connections
	// start afresh rather than miss it.
	if e.fromOwnerMsg(appendToMsg(nil, "z", 4, 12, opText, []uint64{1}, []byte(`{}`))) {
		t.Fatal("a gap in the edge's stream went unnoticed")
	}
	// So does a message from another owner.
	if e.fromOwnerMsg(appendRoomMsg(nil, wireBeat, "y", 12, nil, nil)) {
		t.Fatal("a second owner went unnoticed")
	}
}

// A lean connection on an edge is filtered by the owner as a local one
// would be: no voice, no chat until it follows it; a full one on the edge
// gets both.
func TestEdgeLeanAndChatFollow(t *testing.T) {
	na, nb, _ := newCluster(t)
	tr := na.join(t, na.trainer, false)
	tr.next(MsgHello)
	full := nb.join(t, na.a, false)
	full.next(MsgHello)
	lean := nb.join(t, na.b, true)
	if h := decode[Snapshot](t, lean.next(MsgHello)); !h.Lean {
		t.Fatal("the owner did not get the lean flag")
	}
	tr.send(MsgAudio, voiceOn)
	full.next(MsgAudio)
	lean.next(MsgAudio)
	tr.sendBinary([]byte{audioKind, 0, 2, 'h', 'i'})
	full.next("binary")
	tr.send(MsgSay, map[string]string{"text": "Một"})
	full.next(MsgChat)
	tr.send(MsgGoto, map[string]int{"index": 1})
	full.next(MsgSlide)
	lean.next(MsgSlide)
	if lean.count("binary") != 0 || lean.count(MsgChat) != 0 {
		t.Fatalf("the lean connection got %v", lean.got)
	}
	lean.send(MsgChatFollow, map[string]bool{"on": true})
	if log := decode[[]ChatView](t, lean.next(MsgChatLog)); len(log) != 1 || log[0].Text != "Một" {
		t.Fatalf("chat log = %+v", log)
	}
	tr.send(MsgSay, map[string]string{"text": "Hai"})
	if line := decode[ChatView](t, lean.next(MsgChat)); line.Text != "Hai" {
		t.Fatalf("followed chat = %+v", line)
	}
	if line := decode[ChatView](t, full.next(MsgChat)); line.Text != "Hai" {
		t.Fatalf("full chat = %+v", line)
	}
	// Trainer-only messages stay with the trainer: a hand raised on the
	// edge reaches the trainer on the owner, not the other participant.
	full.send(MsgHand, map[string]bool{"up": true})
	full.next(MsgHand)
	if hands := decode[[]HandView](t, tr.next(MsgHands)); len(hands) != 1 || hands[0].ID != na.a.ID {
		t.Fatalf("hands = %+v", hands)
	}
	tr.send(MsgGoto, map[string]int{"index": 2})
	lean.next(MsgSlide)
	if lean.count(MsgHands) != 0 {
		t.Fatal("a participant on the edge got the trainer's hands")
	}
}

// A check-in in the hall on a node that does not own the room reaches the
// owner: the trainer's console, on either node, shows it.
func TestHallCheckinRelayed(t *testing.T) {
	ctx := context.Background()
	na, nb, _ := newCluster(t)
	a := na.join(t, na.a, false)
	a.next(MsgHello)
	tr := nb.join(t, na.trainer, false) // the console on the edge
	tr.next(MsgHello)
	// The code one node shows is good on the other.
	now := na.clock.Now()
	if tok := na.m.CheckinToken(na.sess.ID, now); !nb.m.ValidCheckin(na.sess.ID, tok, now) {
		t.Fatal("a hall code of one node was refused by the other")
	}
	if err := nb.m.CheckIn(ctx, na.sess.ID, na.b, na.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if nb.owns() {
		t.Fatal("a check-in started a room on a node that does not own it")
	}
	waitFor(t, "the check-in on the console", func() bool {
		return slices.Equal(decode[RosterData](t, tr.next(MsgRoster)).Hall, []int64{na.b.ID})
	})
}

// A join the owner never answers (lost on the bus) does not leave the page
// waiting: after helloWait the edge closes the connection so that it
// tries again; an answered one stays.
func TestEdgeClosesUnansweredJoin(t *testing.T) {
	na, _, _ := newCluster(t)
	e := newEdge(na.m, na.sess, map[int64]bool{}, "z") // not running: the test is its only goroutine
	old := &Client{edge: e, p: Participant{ID: na.a.ID}, send: make(chan *frame, sendQueue), rid: 1, joined: time.Now().Add(-helloWait - time.Second)}
	answered := &Client{edge: e, p: Participant{ID: na.b.ID}, send: make(chan *frame, sendQueue), rid: 2, joined: old.joined, ready: true}
	fresh := &Client{edge: e, p: Participant{ID: na.b.ID}, send: make(chan *frame, sendQueue), rid: 3, joined: time.Now()}
	e.conns[1], e.conns[2], e.conns[3] = old, answered, fresh
	e.unanswered()
	if e.conns[1] != nil || e.conns[2] == nil || e.conns[3] == nil {
		t.Fatalf("left %v", e.conns)
	}
	if _, ok := <-old.send; ok || string(old.kick) != string(closeMoved) {
		t.Fatal("the unanswered connection was not closed with 1012")
	}
}

// An edge that finds the lease taken by a node still starting the room
// (restoring it, not yet listening on the bus) holds its joins until the
// owner speaks: a join sent into that moment would be lost, and the
// participant would wait for a hello that never comes.
func TestEdgeHoldsJoinsUntilOwnerListens(t *testing.T) {
	na, nb, _ := newCluster(t)
	ctx := context.Background()
	if ok, _, err := na.db.TakeLease(ctx, leaseName(na.sess.ID), "a", na.clock.Now(), leaseTTL); err != nil || !ok {
		t.Fatalf("a takes the lease: %v %v", ok, err)
	}
	early := nb.join(t, nb.a, false) // b relays to a, which does not listen yet
	if !nb.relays() || na.owns() {
		t.Fatal("b should relay to a, which has not started the room")
	}
	trainer := na.join(t, na.trainer, false) // a starts the room
	trainer.next("hello")
	early.next("hello")
}
