package live

import (
	"encoding/json"
	"log/slog"
	"time"

	"github.com/gorilla/websocket"
)

// The owner's side of a room that other nodes share. A node that accepts
// a connection to a room it does not own (an edge, edge.go) relays it to
// the owner over the bus; the owner keeps it as a Client without a socket
// (peer set), so that handle, presence, the roster, hands, polls, roll
// calls and the lean filters treat it as any other. What such a client is
// sent goes back over the bus: a broadcast once on the room's subject for
// every node, anything else once per edge with the ids of the connections
// it is for.

// Timings of a room across nodes. The lease says who owns a room; its
// owner renews it well before it runs out, and gives the room up when it
// could not, before another node may take it.
const (
	leaseTTL   = 10 * time.Second
	renewEvery = 3 * time.Second // also how often an edge reads the lease
	beatEvery  = time.Second     // the owner's heartbeat, the edges' pings
	// edgeGone is how long an edge may be silent (no ping, no message)
	// before the owner counts its connections as gone: it crashed, or lost
	// the bus.
	edgeGone = 15 * time.Second
	// stuckBeats is how many of the owner's heartbeats an edge lets pass
	// while a message is held for one that never came (lost on the bus)
	// before it closes its connections so that they start afresh.
	stuckBeats = 3
	// helloWait is how long an edge waits for the owner to answer a join
	// (the hello) before it closes the connection to let it try again.
	helloWait = 10 * time.Second
)

// closeMoved ends a connection so that the page reconnects at once (only
// 1008 stops it): the room changed owner or this node stops.
var closeMoved = websocket.FormatCloseMessage(websocket.CloseServiceRestart, "the room moved to another server; reconnect")

// owner is a room's link to its edges; nil when the room runs on one node.
// Only the room's goroutine uses it.
type owner struct {
	bus   Bus
	node  string
	room  string      // the room's subject
	in    chan []byte // messages of the edges, in the order they came
	unsub func()
	edges map[string]*edgePeer
	batch []*edgePeer // edges with targets gathered for the message being sent
	buf   wbuf        // reused for each message published
}

// edgePeer is one edge as its owner sees it.
type edgePeer struct {
	id      string
	subject string
	conns   map[uint64]*Client
	sent    uint64    // messages sent to it so far: its wireTo index
	heard   time.Time // the machine's clock: last message or ping from it
	targets []uint64  // gathered for the message being sent
}

func newOwner(bus Bus, node string, sessionID int64) *owner {
	return &owner{bus: bus, node: node, room: roomSubject(sessionID), in: make(chan []byte, 4096), edges: map[string]*edgePeer{}}
}

// subscribe starts taking the edges' messages for the room; done is the
// room's end, after which a message is dropped rather than waited on.
func (o *owner) subscribe(sessionID int64, done <-chan struct{}) error {
	unsub, err := o.bus.Subscribe(ownerSubject(sessionID), func(b []byte) {
		select {
		case o.in <- b:
		case <-done:
		}
	})
	o.unsub = unsub
	return err
}

func (o *owner) publish(subject string, b []byte) {
	if err := o.bus.Publish(subject, b); err != nil {
		slog.Warn("live: publish to the bus", "subject", subject, "err", err)
	}
}

// broadcast publishes a numbered message once, for every node.
func (o *owner) broadcast(seq uint64, payload []byte) {
	o.buf = appendRoomMsg(o.buf[:0], wireBroadcast, o.node, seq, o.edges, payload)
	o.publish(o.room, o.buf)
}

func (o *owner) beat(seq uint64) {
	o.buf = appendRoomMsg(o.buf[:0], wireBeat, o.node, seq, o.edges, nil)
	o.publish(o.room, o.buf)
}

func (o *owner) stop() {
	o.buf = wbuf(o.buf[:0]).u8(wireStop).str(o.node)
	o.publish(o.room, o.buf)
}

// to sends payload to some connections of one edge; after is the room's
// last broadcast, so the edge can put the message in its place.
func (o *owner) to(ep *edgePeer, after uint64, op byte, conns []uint64, payload []byte) {
	ep.sent++
	o.buf = appendToMsg(o.buf[:0], o.node, ep.sent, after, op, conns, payload)
	o.publish(ep.subject, o.buf)
}

// gather adds c, a remote connection, to the targets of the message being
// sent; flush then sends it once to each edge gathered.
func (o *owner) gather(c *Client) {
	ep := c.peer
	if len(ep.targets) == 0 {
		o.batch = append(o.batch, ep)
	}
	ep.targets = append(ep.targets, c.rid)
}

func (o *owner) flush(after uint64, op byte, payload []byte) {
	for _, ep := range o.batch {
		o.to(ep, after, op, ep.targets, payload)
		ep.targets = ep.targets[:0]
	}
	o.batch = o.batch[:0]
}

func (o *owner) edge(id string, sessionID int64) *edgePeer {
	ep := o.edges[id]
	if ep == nil {
		ep = &edgePeer{id: id, subject: edgeSubject(sessionID, id), conns: map[uint64]*Client{}}
		o.edges[id] = ep
	}
	ep.heard = time.Now()
	return ep
}

// clusterFanout delivers a broadcast to this node's connections and
// publishes it once for the other nodes.
type clusterFanout struct{ r *Room }

func (f clusterFanout) Broadcast(seq uint64, raw []byte, pm *websocket.PreparedMessage) {
	f.r.deliver(pm)
	f.r.cl.broadcast(seq, raw)
}

// fromEdge handles one message of an edge, on the room's goroutine.
func (r *Room) fromEdge(b []byte) {
	m, err := readEdgeMsg(b)
	if err != nil {
		slog.Warn("live: dropped a malformed message from an edge", "session", r.sess.ID, "err", err)
		return
	}
	if m.kind == wireHall {
		r.talk.hall[m.user] = true
		r.talk.rosterDue = true
		r.dirty = true
		return
	}
	if m.kind == wireBye {
		if ep := r.cl.edges[m.edge]; ep != nil {
			r.dropEdge(ep)
		}
		return
	}
	_, known := r.cl.edges[m.edge]
	ep := r.cl.edge(m.edge, r.sess.ID)
	if !known {
		r.cl.beat(r.seq) // a new edge holds its joins until it hears the owner
	}
	switch m.kind {
	case wireJoin:
		p := Participant{ID: m.user, Name: m.name, Trainer: m.flags&flagTrainer != 0}
		lean := m.flags&flagLean != 0
		r.add(&Client{p: p, lean: lean, chat: !lean, peer: ep, rid: m.conn})
	case wireText, wireAudio:
		c := ep.conns[m.conn]
		if c == nil {
			// A connection this owner does not know: one the edge joined
			// to an owner before this one. Closing it makes the edge start
			// afresh (its stream from this owner does not begin at 1).
			r.cl.to(ep, r.seq, opClose, []uint64{m.conn}, closeMoved)
			return
		}
		if m.kind == wireAudio {
			r.relayAudio(c, m.payload)
			return
		}
		var in Incoming
		if json.Unmarshal(m.payload, &in) != nil {
			return // the edge checked it: not from a correct edge
		}
		r.handle(c, in)
	case wireLeave:
		if c := ep.conns[m.conn]; c != nil {
			r.remove(c)
		}
	case wirePing:
	}
}

// dropEdge removes every connection of an edge that closed them all or
// went silent.
func (r *Room) dropEdge(ep *edgePeer) {
	for _, c := range ep.conns {
		r.remove(c)
	}
	delete(r.cl.edges, ep.id)
}

// beat tells the edges the owner is alive, and drops those gone silent.
func (r *Room) beat() {
	r.cl.beat(r.seq)
	for _, ep := range r.cl.edges {
		if time.Since(ep.heard) > edgeGone {
			slog.Warn("live: an edge went silent; its connections are gone", "session", r.sess.ID, "edge", ep.id, "connections", len(ep.conns))
			r.dropEdge(ep)
		}
	}
}
