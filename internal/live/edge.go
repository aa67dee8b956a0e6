package live

import (
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/tdkt/tdkt/internal/model"
)

// An edge is a room on a node that does not own it: it accepts websockets
// as the room would and relays them to the owner over the bus: each join
// (who, and whether lean), each text message, the trainer's audio, each
// leave. What the owner sends back it delivers: a broadcast, prepared once
// for all its connections, and messages for some of them. Like a room, one
// goroutine owns its state.
//
// The owner sends on two subjects, the room's (broadcasts, beats) and the
// edge's own (messages for its connections), and a bus orders messages
// only within a subject. Each broadcast therefore says how many messages
// the owner had sent this edge before it, and each message for the edge
// the broadcast it came after: the edge holds whichever arrives early
// until the other stream catches up, and delivers in the owner's order. So
// a connection gets its hello before the broadcasts that follow it, and
// none of those it already has in the hello's snapshot.
type edge struct {
	m        *Manager
	sess     model.LiveSession
	expected map[int64]bool
	id       string // the edge's name on the bus: node-n, new for each edge
	owner    string // the node that owns the room, as the lease said

	register   chan *Client
	unregister chan *Client
	inbound    chan inbound
	fromOwner  chan []byte
	stop       chan struct{}
	done       chan struct{}
	quit       quitMode // set before stop is closed
	unsubs     []func()
	// until is when the owner's lease ran out at the last look; guarded by
	// the manager's mu. Until then a join here needs no look at the lease.
	until time.Time

	conns map[uint64]*Client
	next  uint64 // the last connection id given
	// waiting are the connections whose join waits for the owner's first
	// word: a join sent before the owner has subscribed (it took the lease
	// a moment ago and is still restoring the room) would be lost. The
	// owner beats as soon as it listens, and at once to a new edge's ping.
	waiting []*Client

	// The merge of the owner's two streams.
	known bool      // a broadcast, beat or message has set seen
	seen  uint64    // the last broadcast delivered (or skipped as in a hello)
	last  uint64    // the last broadcast received
	got   uint64    // the last message for this edge delivered
	heldB []roomMsg // broadcasts waiting for messages sent before them
	heldT []toMsg   // messages waiting for broadcasts sent before them
	// stuck counts the owner's beats that found the same message held;
	// stuckAt is which (a broadcast's seq, a message's index).
	stuck   int
	stuckAt [2]uint64

	dropped      *atomic.Int64
	audioDropped *atomic.Int64
}

func newEdge(m *Manager, sess model.LiveSession, expected map[int64]bool, owner string) *edge {
	return &edge{m: m, sess: sess, expected: expected, id: m.opt.Node + "-" + strconv.FormatUint(m.edgeSeq.Add(1), 10), owner: owner,
		register: make(chan *Client, 256), unregister: make(chan *Client, 256), inbound: make(chan inbound, 4096),
		fromOwner: make(chan []byte, 4096), stop: make(chan struct{}), done: make(chan struct{}),
		conns: map[uint64]*Client{}, dropped: &m.dropped, audioDropped: &m.audioDropped}
}

// subscribe starts taking the owner's messages: the room's subject and
// the edge's own. It is done before the first join is sent, so that no
// answer to it is missed.
func (e *edge) subscribe() error {
	pass := func(b []byte) {
		select {
		case e.fromOwner <- b:
		case <-e.done:
		}
	}
	for _, subject := range []string{roomSubject(e.sess.ID), edgeSubject(e.sess.ID, e.id)} {
		unsub, err := e.m.opt.Bus.Subscribe(subject, pass)
		if err != nil {
			e.unsubscribe()
			return err
		}
		e.unsubs = append(e.unsubs, unsub)
	}
	return nil
}

func (e *edge) unsubscribe() {
	for _, u := range e.unsubs {
		u()
	}
	e.unsubs = nil
}

func (e *edge) publish(b wbuf) {
	if err := e.m.opt.Bus.Publish(ownerSubject(e.sess.ID), b); err != nil {
		slog.Warn("live: publish to the bus", "session", e.sess.ID, "err", err)
	}
}

func (e *edge) run() {
	defer close(e.done)
	ping := time.NewTicker(beatEvery)
	defer ping.Stop()
	e.publish(wbuf(nil).u8(wirePing).str(e.id)) // the owner answers with a beat
	for {
		select {
		case c := <-e.register:
			e.next++
			c.rid, c.joined = e.next, time.Now()
			e.conns[c.rid] = c
			if !e.known {
				e.waiting = append(e.waiting, c)
				continue
			}
			e.join(c)
		case c := <-e.unregister:
			e.remove(c, true)
		case in := <-e.inbound:
			if e.conns[in.c.rid] != in.c {
				continue // from a connection already dropped
			}
			switch {
			case in.kick:
				e.sendLocal(in.c, encodeRaw(MsgError, 0, ErrorData{Code: "kicked", Message: "too many refused messages"}))
				in.c.kick = websocket.FormatCloseMessage(websocket.ClosePolicyViolation, "too many refused messages")
				e.remove(in.c, true)
			case in.err != nil:
				// The reader's refusals are answered here; what the room
				// refuses comes back from the owner.
				e.sendLocal(in.c, encodeRaw(MsgError, 0, in.err))
			case in.audio != nil:
				e.publish(wbuf(nil).u8(wireAudio).str(e.id).u64(in.c.rid).bytes(in.audio))
			default:
				e.publish(wbuf(nil).u8(wireText).str(e.id).u64(in.c.rid).bytes(in.raw))
			}
		case b := <-e.fromOwner:
			if !e.fromOwnerMsg(b) {
				e.m.forgetEdge(e)
				e.halt(quitDemoted)
				return
			}
			if e.known && len(e.waiting) > 0 {
				for _, c := range e.waiting {
					if e.conns[c.rid] == c {
						e.join(c)
					}
				}
				e.waiting = nil
			}
		case <-ping.C:
			if len(e.conns) > 0 {
				e.publish(wbuf(nil).u8(wirePing).str(e.id))
			}
			e.unanswered()
		case <-e.stop:
			e.halt(e.quit)
			return
		}
	}
}

// join tells the owner of a new connection.
func (e *edge) join(c *Client) {
	var flags byte
	if c.p.Trainer {
		flags |= flagTrainer
	}
	if c.lean {
		flags |= flagLean
	}
	e.publish(wbuf(nil).u8(wireJoin).str(e.id).u64(c.rid).u64(uint64(c.p.ID)).u8(flags).str(c.p.Name))
}

// halt ends the edge: its connections reconnect, to whichever node owns
// the room next (a clean stop of this node or a change of owner), or are
// cut (a crash, in tests).
func (e *edge) halt(quit quitMode) {
	e.unsubscribe()
	how := quit
	if how == quitClean {
		how = quitDemoted // either way the page should come back at once
	}
	for id, c := range e.conns {
		delete(e.conns, id)
		hangUp(c, how)
	}
	for drained := false; !drained; {
		select {
		case c := <-e.register:
			hangUp(c, how)
		default:
			drained = true
		}
	}
	if quit != quitCrash {
		e.publish(wbuf(nil).u8(wireBye).str(e.id)) // the owner closes their presence now
	}
}

// unanswered closes the connections whose join the owner never answered
// (lost on the bus, or the owner was dying): they reconnect and try again.
func (e *edge) unanswered() {
	for _, c := range e.conns {
		if !c.ready && time.Since(c.joined) > helloWait {
			slog.Warn("live: the owner did not answer a join; the connection starts afresh", "session", e.sess.ID, "user", c.p.ID)
			c.kick = closeMoved
			e.remove(c, true)
		}
	}
}

// remove drops a local connection; tell says the owner should hear of it
// (it did not end the connection itself).
func (e *edge) remove(c *Client, tell bool) {
	if e.conns[c.rid] != c {
		return
	}
	delete(e.conns, c.rid)
	close(c.send)
	if tell {
		e.publish(wbuf(nil).u8(wireLeave).str(e.id).u64(c.rid))
	}
}

// sendLocal queues a frame for one connection; a full queue drops it.
func (e *edge) sendLocal(c *Client, b []byte) {
	if b != nil {
		e.sendFrame(c, &frame{raw: b})
	}
}

func (e *edge) sendFrame(c *Client, f *frame) {
	select {
	case c.send <- f:
	default:
		e.drop(c)
	}
}

// drop ends a connection too slow for the room, as deliver does on the
// owner, and tells the owner it left.
func (e *edge) drop(c *Client) {
	slog.Warn("dropping a slow live connection", "session", e.sess.ID, "user", c.p.ID)
	if e.dropped != nil {
		e.dropped.Add(1)
	}
	e.remove(c, true)
}

// fromOwnerMsg takes one message from the owner; false: the edge must end
// (the owner gave up the room, another node owns it, or messages were lost).
func (e *edge) fromOwnerMsg(b []byte) bool {
	if len(b) == 0 {
		return true
	}
	if b[0] == wireTo {
		m, err := readToMsg(b)
		if err != nil {
			slog.Warn("live: dropped a malformed message from the owner", "session", e.sess.ID, "err", err)
			return true
		}
		if m.owner != e.owner {
			slog.Info("live: the room has a new owner", "session", e.sess.ID, "was", e.owner, "now", m.owner)
			return false
		}
		if m.index != e.got+uint64(len(e.heldT))+1 {
			slog.Warn("live: messages from the owner were lost; connections start afresh", "session", e.sess.ID)
			return false
		}
		e.heldT = append(e.heldT, m)
		e.merge()
		return true
	}
	m, err := readRoomMsg(b, e.id)
	if err != nil {
		slog.Warn("live: dropped a malformed message from the owner", "session", e.sess.ID, "err", err)
		return true
	}
	if m.owner != e.owner {
		if m.kind == wireStop {
			return true // a former owner stepping down late: not ours
		}
		slog.Info("live: the room has a new owner", "session", e.sess.ID, "was", e.owner, "now", m.owner)
		return false
	}
	switch m.kind {
	case wireStop:
		return false
	case wireBeat:
		if !e.known {
			e.known, e.seen, e.last = true, m.seq, m.seq
		}
		if m.seq > e.last {
			slog.Warn("live: broadcasts from the owner were lost; connections start afresh", "session", e.sess.ID)
			return false
		}
		var at [2]uint64
		if len(e.heldB) > 0 {
			at[0] = e.heldB[0].seq
		}
		if len(e.heldT) > 0 {
			at[1] = e.heldT[0].index
		}
		if at == ([2]uint64{}) || at != e.stuckAt {
			e.stuck, e.stuckAt = 0, at
			return true
		}
		if e.stuck++; e.stuck >= stuckBeats {
			slog.Warn("live: a message from the owner never came; connections start afresh", "session", e.sess.ID)
			return false
		}
		return true
	}
	if !e.known {
		e.known, e.seen, e.last = true, m.seq-1, m.seq-1
	}
	if m.seq <= e.last {
		return true // in a hello's snapshot already
	}
	if m.seq != e.last+1 {
		slog.Warn("live: broadcasts from the owner were lost; connections start afresh", "session", e.sess.ID)
		return false
	}
	e.last = m.seq
	e.heldB = append(e.heldB, m)
	e.merge()
	return true
}

// merge delivers what is held, in the owner's order: a broadcast once the
// messages the owner sent this edge before it are delivered, a message
// once the broadcasts before it are.
func (e *edge) merge() {
	for {
		switch {
		case len(e.heldB) > 0 && e.heldB[0].need <= e.got:
			m := e.heldB[0]
			e.heldB = e.heldB[1:]
			e.seen = m.seq
			e.deliver(m.payload)
		case len(e.heldT) > 0 && (!e.known || e.heldT[0].after <= e.seen):
			m := e.heldT[0]
			e.heldT = e.heldT[1:]
			if !e.known {
				// The first thing heard from the owner: a hello. Broadcasts
				// up to it are in its snapshot; none came before.
				e.known, e.seen, e.last = true, m.after, m.after
			}
			e.got = m.index
			e.to(m)
		default:
			if len(e.heldB) == 0 {
				e.heldB = nil
			}
			if len(e.heldT) == 0 {
				e.heldT = nil
			}
			return
		}
	}
}

// deliver hands a broadcast, prepared once, to every connection that has
// had its hello; one too slow is dropped, as on the owner.
func (e *edge) deliver(payload []byte) {
	pm, err := websocket.NewPreparedMessage(websocket.TextMessage, payload)
	if err != nil {
		return
	}
	f := &frame{pm: pm}
	for _, c := range e.conns {
		if c.ready {
			e.sendFrame(c, f)
		}
	}
}

// to delivers a message of the owner to the connections it names.
func (e *edge) to(m toMsg) {
	switch m.op {
	case opText:
		f := &frame{raw: m.payload}
		if len(m.conns) > 1 {
			pm, err := websocket.NewPreparedMessage(websocket.TextMessage, m.payload)
			if err != nil {
				return
			}
			f = &frame{pm: pm}
		}
		for _, id := range m.conns {
			if c := e.conns[id]; c != nil {
				c.ready = true
				e.sendFrame(c, f)
			}
		}
	case opBinary:
		pm, err := websocket.NewPreparedMessage(websocket.BinaryMessage, m.payload)
		if err != nil {
			return
		}
		for _, id := range m.conns {
			c := e.conns[id]
			if c == nil {
				continue
			}
			select {
			case c.audio <- pm:
			default: // behind: this listener loses a moment of speech, nothing else
				if e.audioDropped != nil {
					e.audioDropped.Add(1)
				}
			}
		}
	case opClose:
		for _, id := range m.conns {
			if c := e.conns[id]; c != nil {
				c.kick = m.payload
				e.remove(c, false) // the owner ended it
			}
		}
	}
}
