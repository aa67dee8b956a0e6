package live

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// Fanout delivers a room's broadcasts, encoded once: raw is the message,
// pm the same bytes prepared for this node's websockets, seq its number.
// The in-process one hands pm to the connections of this server; the
// cluster one (owner.go) also publishes raw once for the other nodes
// sharing the room, each of which prepares it once for its own.
type Fanout interface {
	Broadcast(seq uint64, raw []byte, pm *websocket.PreparedMessage)
}

// Room is one live session. Its goroutine owns every field below the
// channels; nothing else reads or writes them.
type Room struct {
	sess       model.LiveSession
	expected   map[int64]bool
	db         *store.DB
	writes     *store.Batcher
	fan        Fanout
	register   chan *Client
	unregister chan *Client
	inbound    chan inbound
	hallIn     chan int64  // a participant checked in in the hall
	later      chan func() // work handed back to the room, e.g. after a commit
	stop       chan struct{}
	done       chan struct{}
	clock      func() time.Time
	slides     int                 // how many slides the room shows; 0: not known, goto unbounded
	inline     func(string) string // renders a bank question's inline Markdown; may be nil
	dropped    *atomic.Int64       // the manager's count of slow connections dropped; may be nil
	// audioDropped counts audio messages a listener was too far behind to
	// take; may be nil.
	audioDropped *atomic.Int64

	// removedMu guards talk.removed for readers outside the room's
	// goroutine (a join is refused before the upgrade); the room writes it
	// under the lock and reads it without.
	removedMu sync.RWMutex

	clients  map[*Client]struct{}
	byUser   map[int64][]*Client  // each user's connections (several devices count once)
	trainers map[*Client]struct{} // so messages for trainers need not walk every connection
	seq      uint64
	slide    int
	poll     *pollState
	roll     *rollState
	rollEnd  *time.Timer // fires when the open roll call's window closes
	dirty    bool        // tally or presence changed since the last push
	talk     talkState
	audio    *AudioConfig // the trainer's voice, nil while off
	audioSeq uint32
	rec      *recorder // the take being recorded, nil while not recording
	recDir   string    // where takes are kept; empty: recording is not set up

	// cl links the room to the other nodes that relay connections to it;
	// nil when the room runs on one node.
	cl *owner
	// quit says how the room stops: set before stop is closed.
	quit quitMode
}

// quitMode is how a room or an edge stops.
type quitMode int

const (
	// quitClean: this node stops; presence is closed now, the edges are
	// told, the lease is dropped.
	quitClean quitMode = iota
	// quitDemoted: this node lost the room's lease. It stops at once and
	// writes nothing more: another node may own the room already.
	quitDemoted
	// quitCrash (tests): as if the process died; nothing is written or
	// sent, sockets are cut.
	quitCrash
)

type pollState struct {
	view    PollView
	correct []int // kept from participants until the poll closes
	answers map[int64][]int
	tally   []int
}

type rollState struct {
	view  RollCallView
	marks map[int64]bool
}

type inbound struct {
	c     *Client
	msg   Incoming
	audio []byte     // a binary message: the trainer's voice
	raw   []byte     // the text message as it came, which an edge relays
	err   *ErrorData // set when the reader refused the message itself
	kick  bool       // the reader counted too many refusals: end the connection
}

// savedState is what survives a restart.
type savedState struct {
	Slide     int           `json:"slide"`
	Poll      *PollView     `json:"poll,omitempty"`
	RollCall  *RollCallView `json:"rollcall,omitempty"`
	PollKey   []int         `json:"poll_key,omitempty"`
	ChatOff   bool          `json:"chat_off,omitempty"`
	Moderated bool          `json:"moderated,omitempty"`
	Muted     []int64       `json:"muted,omitempty"`
	Removed   []int64       `json:"removed,omitempty"`
}

// Limits on what one participant may send.
const (
	maxMessage = 4 << 10 // bytes per message
	ratePerSec = 10      // sustained messages per second
	rateBurst  = 20
	maxStrikes = 50 // refused messages (of the kinds a correct client never causes) before the connection is closed
	sendQueue  = 64 // broadcasts waiting for a slow connection before it is dropped
	writeWait  = 10 * time.Second
	// closeGrace is how long the server waits for a client to answer its
	// close frame before dropping the connection.
	closeGrace = 2 * time.Second
	// A participant that answers no ping for pongWait is gone or frozen:
	// dropped, so that it neither holds a queue nor counts as present. The
	// pings are a few bytes each; two may be lost before the drop.
	pongWait  = 8 * time.Second
	pingEvery = 3 * time.Second
	pushEvery = 250 * time.Millisecond // tallies and presence counts, coalesced
	// leanTallyEvery is how often a lean (text-only) connection gets the
	// running tally of a poll.
	leanTallyEvery = 3 * time.Second
	touchEvery     = 30 * time.Second
	maxOptions     = 10
	maxTextRunes   = 500
)

type localFanout struct{ r *Room }

func (f localFanout) Broadcast(_ uint64, _ []byte, pm *websocket.PreparedMessage) { f.r.deliver(pm) }

func newRoom(sess model.LiveSession, expected []store.RosterEntry, db *store.DB, writes *store.Batcher, opt Options) *Room {
	r := &Room{sess: sess, expected: map[int64]bool{}, db: db, writes: writes, clock: opt.Clock, inline: opt.Inline, recDir: opt.RecordDir,
		register: make(chan *Client, 256), unregister: make(chan *Client, 256), inbound: make(chan inbound, 4096), hallIn: make(chan int64, 256),
		later: make(chan func(), 4096),
		stop:  make(chan struct{}), done: make(chan struct{}), clients: map[*Client]struct{}{},
		byUser: map[int64][]*Client{}, trainers: map[*Client]struct{}{},
		talk: newTalk()}
	r.fan = localFanout{r}
	if r.clock == nil {
		r.clock = time.Now
	}
	if opt.Slides != nil {
		r.slides = opt.Slides(sess)
	}
	for _, e := range expected {
		r.expected[e.ID] = true
		r.talk.names[e.ID] = RosterView{ID: e.ID, Name: e.Name, Unit: e.Unit}
	}
	return r
}

// restore reloads the last saved state. Presence a crash left open was
// closed at start-up (NewManager), not here: a room may start long after.
func (r *Room) restore(ctx context.Context) error {
	var st savedState
	if r.sess.State != "" && json.Unmarshal([]byte(r.sess.State), &st) != nil {
		st = savedState{}
	}
	if err := r.restoreTalk(ctx, st); err != nil {
		return err
	}
	r.slide = st.Slide
	if st.Poll != nil && st.Poll.Open {
		p := &pollState{view: *st.Poll, correct: st.PollKey, answers: map[int64][]int{}, tally: make([]int, len(st.Poll.Options))}
		answers, err := r.db.PollAnswers(ctx, st.Poll.ID)
		if err != nil {
			return err
		}
		for uid, a := range answers {
			var ch []int
			if json.Unmarshal([]byte(a), &ch) == nil {
				p.answers[uid] = ch
				for _, i := range ch {
					if i >= 0 && i < len(p.tally) {
						p.tally[i]++
					}
				}
			}
		}
		r.poll = p
	}
	if st.RollCall != nil && st.RollCall.Open && r.clock().UnixMilli() < st.RollCall.ClosesAt {
		marks, err := r.db.RollCallMarks(ctx, st.RollCall.ID)
		if err != nil {
			return err
		}
		r.roll = &rollState{view: *st.RollCall, marks: map[int64]bool{}}
		for uid := range marks {
			r.roll.marks[uid] = true
		}
		r.startRollTimer()
	}
	return nil
}

func (r *Room) run() {
	defer close(r.done)
	push := time.NewTicker(pushEvery)
	touch := time.NewTicker(touchEvery)
	defer push.Stop()
	defer touch.Stop()
	// Nil channels on one node: those cases never fire.
	var fromEdges <-chan []byte
	var beats <-chan time.Time
	if r.cl != nil {
		fromEdges = r.cl.in
		beat := time.NewTicker(beatEvery)
		defer beat.Stop()
		beats = beat.C
	}
	for {
		var rollEnds <-chan time.Time
		if r.rollEnd != nil {
			rollEnds = r.rollEnd.C
		}
		select {
		case f := <-r.later:
			f()
		case uid := <-r.hallIn:
			r.talk.hall[uid] = true
			r.talk.rosterDue = true
			r.dirty = true
		case c := <-r.register:
			r.add(c)
		case c := <-r.unregister:
			r.remove(c)
		case in := <-r.inbound:
			if _, ok := r.clients[in.c]; !ok {
				continue // from a connection already dropped
			}
			if in.kick {
				r.kickFor(in.c)
				continue
			}
			if in.err != nil {
				r.sendTo(in.c, MsgError, in.err)
				continue
			}
			if in.audio != nil {
				r.relayAudio(in.c, in.audio)
				continue
			}
			r.handle(in.c, in.msg)
		case <-rollEnds:
			r.closeRollCall()
		case <-push.C:
			if r.dirty {
				r.dirty = false
				r.pushCounts()
			}
			r.pushTalk()
		case b := <-fromEdges:
			r.fromEdge(b)
		case <-beats:
			r.beat()
		case <-touch.C:
			id, at := r.sess.ID, r.clock()
			r.writes.Enqueue(func(tx *store.Tx) error { return tx.TouchPresence(context.Background(), id, at) })
		case <-r.stop:
			r.halt()
			return
		}
	}
}

// halt ends the room as r.quit says.
func (r *Room) halt() {
	if r.rec != nil {
		r.rec.stop()
		r.rec = nil
	}
	if r.quit == quitClean {
		at := r.clock()
		id := r.sess.ID
		r.writes.Enqueue(func(tx *store.Tx) error { return tx.CloseAllPresence(context.Background(), id, at) })
	}
	if r.cl != nil {
		if r.cl.unsub != nil {
			r.cl.unsub()
		}
		if r.quit != quitCrash {
			r.cl.stop() // the edges close their connections: nobody waits for the lease to run out
		}
	}
	for c := range r.clients {
		delete(r.clients, c)
		if c.peer == nil {
			r.hangUp(c)
		}
	}
	// Connections that were on their way in.
	for {
		select {
		case c := <-r.register:
			r.hangUp(c)
		default:
			return
		}
	}
}

// hangUp closes a local connection of a stopping room or edge: as the
// node stops (the writer's going-away close), to reconnect elsewhere at
// once (demoted), or cut like a dead process would (a crash, in tests).
func hangUp(c *Client, how quitMode) {
	switch how {
	case quitDemoted:
		c.kick = closeMoved
	case quitCrash:
		if c.conn != nil {
			c.conn.Close()
		}
	}
	close(c.send)
}

func (r *Room) hangUp(c *Client) { hangUp(c, r.quit) }

func (r *Room) isTrainer(c *Client) bool { return c.p.Trainer }

func (r *Room) add(c *Client) {
	if r.talk.removed[c.p.ID] && !c.p.Trainer {
		// Never counted as present: the close frame follows the reason.
		b := encodeRaw(MsgError, 0, ErrorData{Code: "removed", Message: "the trainer has removed you from this session"})
		kick := websocket.FormatCloseMessage(websocket.ClosePolicyViolation, "removed by the trainer")
		if c.peer != nil {
			if b != nil {
				r.cl.to(c.peer, r.seq, opText, []uint64{c.rid}, b)
			}
			r.cl.to(c.peer, r.seq, opClose, []uint64{c.rid}, kick)
			return
		}
		if b != nil {
			c.send <- &frame{raw: b} // a new connection's queue is empty
		}
		c.kick = kick
		close(c.send)
		return
	}
	if c.peer != nil {
		c.peer.conns[c.rid] = c
	}
	r.clients[c] = struct{}{}
	if c.p.Trainer {
		r.trainers[c] = struct{}{}
	}
	r.talk.rosterDue = true
	r.byUser[c.p.ID] = append(r.byUser[c.p.ID], c)
	if len(r.byUser[c.p.ID]) == 1 {
		id, uid, at := r.sess.ID, c.p.ID, r.clock()
		r.writes.Enqueue(func(tx *store.Tx) error { return tx.OpenPresence(context.Background(), id, uid, "online", at) })
	}
	r.sendTo(c, MsgHello, r.snapshot(c))
	r.dirty = true
}

func (r *Room) remove(c *Client) {
	if _, ok := r.clients[c]; !ok {
		return
	}
	delete(r.clients, c)
	delete(r.trainers, c)
	if c.peer == nil {
		close(c.send)
	} else {
		delete(c.peer.conns, c.rid)
		if c.kick != nil { // kicked or removed: the edge sends the close frame
			r.cl.to(c.peer, r.seq, opClose, []uint64{c.rid}, c.kick)
		}
	}
	if c.p.Trainer && len(r.trainers) == 0 {
		r.audioOff() // no one left to speak
	}
	r.talk.rosterDue = true
	if conns := slices.DeleteFunc(r.byUser[c.p.ID], func(x *Client) bool { return x == c }); len(conns) > 0 {
		r.byUser[c.p.ID] = conns
	} else {
		delete(r.byUser, c.p.ID)
		if _, up := r.talk.hands[c.p.ID]; up {
			delete(r.talk.hands, c.p.ID) // a hand left behind would wait for no one
			r.toTrainers(MsgHands, r.handList())
		}
		id, uid, at := r.sess.ID, c.p.ID, r.clock()
		r.writes.Enqueue(func(tx *store.Tx) error { return tx.ClosePresence(context.Background(), id, uid, at) })
	}
	r.dirty = true
}

func (r *Room) snapshot(c *Client) Snapshot {
	s := Snapshot{You: c.p, Title: r.sess.Title, Slide: r.slide, Slides: r.slides, Seq: r.seq, Audio: r.audio, Recording: r.rec != nil}
	if r.poll != nil {
		v := r.poll.view
		n := len(r.poll.answers)
		s.Poll, s.Answers = &v, &n
		s.MyAnswer = append([]int{}, r.poll.answers[c.p.ID]...)
		s.Tally = append([]int{}, r.poll.tally...)
	}
	if r.roll != nil {
		v := r.roll.view
		marked := r.roll.marks[c.p.ID]
		s.RollCall, s.Marked = &v, &marked
	}
	r.talkSnapshot(c, &s)
	return s
}

// encode builds one prepared message; a broadcast is encoded once for all.
func encode(typ string, seq uint64, data any) *websocket.PreparedMessage {
	_, pm := prepare(typ, seq, data)
	return pm
}

// prepare encodes a message once: its bytes, for other nodes, and the
// same prepared for this node's websockets.
func prepare(typ string, seq uint64, data any) ([]byte, *websocket.PreparedMessage) {
	b := encodeRaw(typ, seq, data)
	if b == nil {
		return nil, nil
	}
	pm, err := websocket.NewPreparedMessage(websocket.TextMessage, b)
	if err != nil {
		return nil, nil
	}
	return b, pm
}

func encodeRaw(typ string, seq uint64, data any) []byte {
	b, err := json.Marshal(Outgoing{Type: typ, Seq: seq, TS: wallMS(), Data: data})
	if err != nil {
		slog.Error("encode live message", "type", typ, "err", err)
		return nil
	}
	return b
}

// broadcast sends to every connection, in order, under a new sequence number.
func (r *Room) broadcast(typ string, data any) {
	r.seq++
	if b, pm := prepare(typ, r.seq, data); pm != nil {
		r.fan.Broadcast(r.seq, b, pm)
	}
}

// deliver hands a message to each local connection without waiting: a
// connection whose queue is full is too slow for the room and is dropped;
// it will reconnect and get a fresh snapshot.
func (r *Room) deliver(pm *websocket.PreparedMessage) {
	f := &frame{pm: pm}
	for c := range r.clients {
		if c.peer != nil {
			continue // its edge delivers it
		}
		select {
		case c.send <- f:
		default:
			slog.Warn("dropping a slow live connection", "session", r.sess.ID, "user", c.p.ID)
			if r.dropped != nil {
				r.dropped.Add(1)
			}
			r.remove(c)
		}
	}
}

// refresh sends an unnumbered message, encoded once, to the connections
// want accepts: news that the next of its kind replaces (a running tally)
// or that a lean connection may go without (chat). It stays on this node:
// such messages never carry state a reconnect would need.
//
// A connection on another node is evaluated here like any other; the
// message then goes once to each edge, with the connections it is for.
func (r *Room) refresh(typ string, data any, want func(c *Client) bool) {
	b, pm := prepare(typ, 0, data)
	if pm == nil {
		return
	}
	for c := range r.clients {
		if !want(c) {
			continue
		}
		if c.peer != nil {
			r.cl.gather(c)
			continue
		}
		r.sendPrepared(c, pm)
	}
	if r.cl != nil {
		r.cl.flush(r.seq, opText, b)
	}
}

func (r *Room) sendTo(c *Client, typ string, data any) {
	if b := encodeRaw(typ, 0, data); b != nil {
		r.sendFrame(c, &frame{raw: b})
	}
}

func (r *Room) sendPrepared(c *Client, pm *websocket.PreparedMessage) { r.sendFrame(c, &frame{pm: pm}) }

func (r *Room) sendFrame(c *Client, f *frame) {
	if _, ok := r.clients[c]; !ok {
		return // already removed: its queue is closed
	}
	if c.peer != nil {
		if f.raw != nil { // what a connection alone is sent is raw bytes
			r.cl.to(c.peer, r.seq, opText, []uint64{c.rid}, f.raw)
		}
		return
	}
	select {
	case c.send <- f:
	default:
		r.remove(c)
	}
}

// strikeCodes are the refusals a correct client never causes; enough of
// them end the connection. closed, muted, slow_down and the like can happen
// to anyone (a poll closing as one answers) and do not count.
var strikeCodes = map[string]bool{"bad_json": true, "rate_limited": true, "unknown_type": true, "forbidden": true, "bad_request": true}

func (r *Room) refuse(c *Client, code, format string, args ...any) {
	r.sendTo(c, MsgError, ErrorData{Code: code, Message: fmt.Sprintf(format, args...)})
	if strikeCodes[code] && c.strikes.Add(1) > maxStrikes {
		r.kickFor(c)
	}
}

// kickFor ends a connection that sent too many refused messages: an error
// kicked, then a close frame 1008, which a client must not reconnect after.
func (r *Room) kickFor(c *Client) {
	if _, ok := r.clients[c]; !ok {
		return
	}
	r.sendTo(c, MsgError, ErrorData{Code: "kicked", Message: "too many refused messages"})
	if _, ok := r.clients[c]; !ok {
		return // the error did not fit its queue: dropped already
	}
	c.kick = websocket.FormatCloseMessage(websocket.ClosePolicyViolation, "too many refused messages")
	r.remove(c)
}

func (r *Room) saveState() {
	st := savedState{Slide: r.slide, ChatOff: !r.talk.chatOn, Moderated: r.talk.moderated}
	for id := range r.talk.muted {
		st.Muted = append(st.Muted, id)
	}
	for id := range r.talk.removed {
		st.Removed = append(st.Removed, id)
	}
	if r.poll != nil {
		v := r.poll.view
		st.Poll, st.PollKey = &v, r.poll.correct
	}
	if r.roll != nil {
		v := r.roll.view
		st.RollCall = &v
	}
	b, _ := json.Marshal(st)
	id := r.sess.ID
	r.writes.Enqueue(func(tx *store.Tx) error { return tx.SaveLiveState(context.Background(), id, string(b)) })
}

// pushCounts sends the coalesced poll tally to everyone and the presence
// counts to trainers.
func (r *Room) pushCounts() {
	if r.poll != nil && r.poll.view.Open {
		// A running tally is not numbered: it is replaced by the next, so a
		// lean connection may skip some without missing anything (the final
		// one, at closing, is numbered and reaches everyone).
		now := r.clock()
		r.refresh(MsgTally, map[string]any{"poll": r.poll.view.ID, "counts": r.poll.tally, "answers": len(r.poll.answers)}, func(c *Client) bool {
			if !c.lean || now.Sub(c.lastTally) >= leanTallyEvery {
				c.lastTally = now
				return true
			}
			return false
		})
	}
	connected, expectedOnline := len(r.byUser), 0
	for uid := range r.byUser {
		if r.expected[uid] {
			expectedOnline++
		}
	}
	for uid := range r.talk.hall {
		if _, online := r.byUser[uid]; !online && r.expected[uid] {
			expectedOnline++ // present in the hall without the room open
		}
	}
	r.toTrainers(MsgPresence, map[string]int{"connected": connected, "expected": len(r.expected), "expected_online": expectedOnline, "hall": len(r.talk.hall)})
}

var trainerOnly = map[string]bool{MsgGoto: true, MsgPollOpen: true, MsgPollClose: true, MsgRollCallOpen: true, MsgRollCallClose: true,
	MsgModerate: true, MsgModeration: true, MsgChatToggle: true, MsgMute: true, MsgRemove: true, MsgAudio: true, MsgRecord: true}

func (r *Room) handle(c *Client, m Incoming) {
	if trainerOnly[m.Type] && !r.isTrainer(c) {
		r.refuse(c, "forbidden", "%s is for the trainer only", m.Type)
		return
	}
	switch m.Type {
	case MsgPing:
	case MsgBeat:
		// A browser cannot see the server's pings: its beat, answered, tells
		// it the connection still carries (a phone's link can die silently).
		r.sendTo(c, MsgBeat, nil)
	case MsgChatFollow:
		r.followChat(c, m.Data)
	case MsgAudio:
		if code, msg := r.setAudio(m.Data); code != "" {
			r.refuse(c, code, "%s", msg)
		}
	case MsgRecord:
		r.record(c, m.Data)
	case MsgGoto:
		var d struct {
			Index int `json:"index"`
		}
		if json.Unmarshal(m.Data, &d) != nil || d.Index < 0 || d.Index > 10000 {
			r.refuse(c, "bad_request", "goto needs {\"index\": n} with n ≥ 0")
			return
		}
		if r.slides > 0 && d.Index >= r.slides {
			r.refuse(c, "bad_request", "there is no slide %d: the slides are numbered 0 to %d", d.Index, r.slides-1)
			return
		}
		r.slide = d.Index
		r.broadcast(MsgSlide, map[string]int{"index": d.Index})
		r.note(Event{Type: "slide", Index: d.Index})
		r.saveState()
	case MsgPollOpen:
		r.openPoll(c, m.Data)
	case MsgPollClose:
		r.closePoll()
	case MsgAnswer:
		r.answer(c, m.Data)
	case MsgRollCallOpen:
		r.openRollCall(c, m.Data)
	case MsgRollCallClose:
		r.closeRollCall()
	case MsgHere:
		r.here(c, m.Data)
	case MsgHand:
		r.hand(c, m.Data)
	case MsgAsk:
		r.ask(c, m.Data)
	case MsgVote:
		r.vote(c, m.Data)
	case MsgModerate:
		r.moderate(c, m.Data)
	case MsgModeration, MsgChatToggle:
		r.setting(c, m.Type, m.Data)
	case MsgSay:
		r.chat(c, m.Data)
	case MsgMute:
		r.mute(c, m.Data)
	case MsgRemove:
		r.removeUser(c, m.Data)
	default:
		r.refuse(c, "unknown_type", "unknown message type %q", m.Type)
	}
}

func (r *Room) openPoll(c *Client, data json.RawMessage) {
	var d struct {
		Text     string   `json:"text"`
		Options  []string `json:"options"`
		Multiple bool     `json:"multiple"`
		Correct  []int    `json:"correct,omitempty"`
		Source   string   `json:"source,omitempty"` // the bank question it came from
	}
	if json.Unmarshal(data, &d) != nil {
		r.refuse(c, "bad_request", "poll_open needs {\"text\", \"options\", \"multiple\"}")
		return
	}
	if len(d.Source) > 200 {
		r.refuse(c, "bad_request", "source is too long")
		return
	}
	d.Text = strings.TrimSpace(d.Text)
	if d.Text == "" || utf8.RuneCountInString(d.Text) > maxTextRunes || len(d.Options) < 2 || len(d.Options) > maxOptions {
		r.refuse(c, "bad_request", "a poll needs a question of at most %d characters and 2 to %d options", maxTextRunes, maxOptions)
		return
	}
	for i, o := range d.Options {
		d.Options[i] = strings.TrimSpace(o)
		if d.Options[i] == "" || utf8.RuneCountInString(o) > maxTextRunes {
			r.refuse(c, "bad_request", "option %d is empty or too long", i+1)
			return
		}
	}
	seen := map[int]bool{}
	for _, i := range d.Correct {
		if i < 0 || i >= len(d.Options) || seen[i] {
			r.refuse(c, "bad_request", "correct: option %d does not exist or is repeated", i)
			return
		}
		seen[i] = true
	}
	if !d.Multiple && len(d.Correct) > 1 {
		r.refuse(c, "bad_request", "a single-choice poll has one correct option")
		return
	}
	if r.poll != nil && r.poll.view.Open {
		r.closePoll()
	}
	q, _ := json.Marshal(d)
	var id int64
	// Opening a poll is rare; waiting for its id keeps every later answer tied to it.
	err := r.writes.Do(context.Background(), func(tx *store.Tx) error {
		var err error
		id, err = tx.OpenPoll(context.Background(), r.sess.ID, string(q), r.clock())
		return err
	})
	if err != nil {
		slog.Error("open poll", "err", err)
		r.refuse(c, "internal", "the poll could not be opened; try again")
		return
	}
	view := PollView{ID: id, Text: d.Text, Options: d.Options, Multiple: d.Multiple, Open: true}
	if d.Source != "" && r.inline != nil {
		// A bank question is Markdown; what a trainer types is plain text.
		view.TextHTML = r.inline(d.Text)
		for _, o := range d.Options {
			view.OptionsHTML = append(view.OptionsHTML, r.inline(o))
		}
	}
	r.poll = &pollState{view: view, correct: d.Correct, answers: map[int64][]int{}, tally: make([]int, len(d.Options))}
	r.broadcast(MsgPoll, r.poll.view)
	r.saveState()
}

func (r *Room) closePoll() {
	if r.poll == nil || !r.poll.view.Open {
		return
	}
	r.poll.view.Open = false
	r.poll.view.Correct = r.poll.correct
	id, at := r.poll.view.ID, r.clock()
	r.writes.Enqueue(func(tx *store.Tx) error { return tx.ClosePoll(context.Background(), id, at) })
	r.broadcast(MsgPoll, r.poll.view)
	r.broadcast(MsgTally, map[string]any{"poll": id, "counts": r.poll.tally, "answers": len(r.poll.answers), "final": true})
	r.note(Event{Type: "poll", Text: r.poll.view.Text, Options: r.poll.view.Options, Tally: slices.Clone(r.poll.tally)})
	r.saveState()
}

func (r *Room) answer(c *Client, data json.RawMessage) {
	var d struct {
		Poll    int64 `json:"poll"`
		Choices []int `json:"choices"`
	}
	if json.Unmarshal(data, &d) != nil {
		r.refuse(c, "bad_request", "answer needs {\"poll\": id, \"choices\": [i]}")
		return
	}
	p := r.poll
	if p == nil || !p.view.Open || p.view.ID != d.Poll {
		r.refuse(c, "closed", "this poll is not open")
		return
	}
	seen := map[int]bool{}
	for _, i := range d.Choices {
		if i < 0 || i >= len(p.view.Options) || seen[i] {
			r.refuse(c, "bad_request", "choice %d does not exist or is repeated", i)
			return
		}
		seen[i] = true
	}
	if len(d.Choices) == 0 || !p.view.Multiple && len(d.Choices) != 1 {
		r.refuse(c, "bad_request", "choose one option")
		return
	}
	for _, i := range p.answers[c.p.ID] {
		p.tally[i]--
	}
	for _, i := range d.Choices {
		p.tally[i]++
	}
	p.answers[c.p.ID] = d.Choices
	b, _ := json.Marshal(d.Choices)
	pid, uid, at := p.view.ID, c.p.ID, r.clock()
	// The phone is told "saved" only once the answer is committed: the
	// tally moves at once, the acknowledgement follows the disk.
	choices := d.Choices
	r.writes.EnqueueThen(func(tx *store.Tx) error { return tx.SavePollAnswer(context.Background(), pid, uid, string(b), at) },
		r.afterCommit(c, func() { r.sendTo(c, MsgAnswered, map[string]any{"poll": pid, "choices": choices}) }))
	r.dirty = true
}

func (r *Room) openRollCall(c *Client, data json.RawMessage) {
	d := struct {
		Seconds int `json:"seconds"`
	}{Seconds: 60}
	if len(data) > 0 && json.Unmarshal(data, &d) != nil || d.Seconds < 10 || d.Seconds > 1800 {
		r.refuse(c, "bad_request", "rollcall_open takes {\"seconds\": 10 to 1800}")
		return
	}
	opened := r.clock()
	closes := opened.Add(time.Duration(d.Seconds) * time.Second)
	var id int64
	err := r.writes.Do(context.Background(), func(tx *store.Tx) error {
		var err error
		id, err = tx.OpenRollCall(context.Background(), r.sess.ID, opened, closes)
		return err
	})
	if err != nil {
		slog.Error("open roll call", "err", err)
		r.refuse(c, "internal", "the roll call could not be opened; try again")
		return
	}
	r.roll = &rollState{view: RollCallView{ID: id, ClosesAt: closes.UnixMilli(), Open: true}, marks: map[int64]bool{}}
	r.startRollTimer()
	r.broadcast(MsgRollCall, r.roll.view)
	r.saveState()
}

func (r *Room) startRollTimer() {
	if r.rollEnd != nil {
		r.rollEnd.Stop()
	}
	// The window is on the platform clock; the timer that ends it runs on
	// the machine's, for as long as the window has left.
	r.rollEnd = time.NewTimer(time.UnixMilli(r.roll.view.ClosesAt).Sub(r.clock()))
}

func (r *Room) closeRollCall() {
	if r.rollEnd != nil {
		r.rollEnd.Stop()
		r.rollEnd = nil
	}
	if r.roll == nil || !r.roll.view.Open {
		return
	}
	r.roll.view.Open = false
	r.broadcast(MsgRollCall, r.roll.view)
	r.note(Event{Type: "rollcall", Marked: len(r.roll.marks)})
	r.saveState()
}

func (r *Room) here(c *Client, data json.RawMessage) {
	var d struct {
		RollCall int64 `json:"rollcall"`
	}
	if json.Unmarshal(data, &d) != nil {
		r.refuse(c, "bad_request", "here needs {\"rollcall\": id}")
		return
	}
	rc := r.roll
	if rc == nil || !rc.view.Open || rc.view.ID != d.RollCall || r.clock().UnixMilli() > rc.view.ClosesAt {
		r.refuse(c, "closed", "this roll call is closed")
		return
	}
	id := rc.view.ID
	ack := func() { r.sendTo(c, MsgMarked, map[string]int64{"rollcall": id}) }
	if rc.marks[c.p.ID] {
		// Already marked: acknowledged once the batch holding the first mark
		// is committed (writes are committed in the order they are queued).
		r.writes.EnqueueThen(func(*store.Tx) error { return nil }, r.afterCommit(c, ack))
		return
	}
	rc.marks[c.p.ID] = true
	uid, at := c.p.ID, r.clock()
	r.writes.EnqueueThen(func(tx *store.Tx) error { return tx.MarkRollCall(context.Background(), id, uid, at) }, r.afterCommit(c, ack))
}

// afterCommit returns the callback for a queued write: once the batch is
// committed it hands ack back to the room's goroutine, which sends it if
// the connection is still there; a failed write is said instead. It runs
// on the batcher's goroutine, so it never blocks it.
func (r *Room) afterCommit(c *Client, ack func()) func(error) {
	return func(err error) {
		f := func() {
			if _, ok := r.clients[c]; !ok {
				return
			}
			if err != nil {
				slog.Error("live write failed", "session", r.sess.ID, "user", c.p.ID, "err", err)
				r.refuse(c, "internal", "this could not be saved; send it again")
				return
			}
			ack()
		}
		select {
		case r.later <- f:
		default:
			go func() { // a full queue: wait aside, never in the batcher
				select {
				case r.later <- f:
				case <-r.done:
				}
			}()
		}
	}
}
