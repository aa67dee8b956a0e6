package live

import (
	"encoding/binary"
	"errors"
)

// What nodes send each other about a room, on the bus. Each message is a
// kind byte then the kind's fields, big-endian: integers as 8 bytes,
// strings as a 2-byte length and the bytes, a payload as the rest of the
// message. The payload is what a websocket carries (a JSON message, the
// trainer's audio, a close frame), so that a node passes on the bytes it
// was given and encodes nothing again. docs/live-cluster.md lists them.
const (
	// The owner to every node, on room.<id>.
	wireBroadcast = 'B' // owner, seq, sent to each edge so far, payload: a numbered message for everyone
	wireBeat      = 'H' // owner, seq, sent to each edge so far: the owner is alive
	wireStop      = 'S' // owner: the owner gives the room up; its edges close their connections

	// The owner to one edge, on room.<id>.edge.<edge>.
	wireTo = 'T' // owner, index, after, op, connection ids, payload

	// An edge to the owner, on room.<id>.owner.
	wireJoin  = 'J' // edge, conn, user, flags (1 trainer, 2 lean), name
	wireText  = 'M' // edge, conn, payload: a JSON message the participant sent
	wireAudio = 'A' // edge, conn, payload: the trainer's audio message
	wireLeave = 'L' // edge, conn
	wirePing  = 'P' // edge: the edge is alive
	wireBye   = 'X' // edge: the edge has closed all its connections
	wireHall  = 'C' // user: checked in in the hall (from any node)
)

// Operations of a wireTo message.
const (
	opText   = 1 // a text message
	opBinary = 2 // an audio message
	opClose  = 3 // the payload is a close frame: send it and end the connection
)

const (
	flagTrainer = 1
	flagLean    = 2
)

type wbuf []byte

func (w wbuf) u8(b byte) wbuf    { return append(w, b) }
func (w wbuf) u64(n uint64) wbuf { return binary.BigEndian.AppendUint64(w, n) }
func (w wbuf) str(s string) wbuf {
	return append(binary.BigEndian.AppendUint16(w, uint16(len(s))), s...)
}
func (w wbuf) bytes(b []byte) wbuf { return append(w, b...) }

// rbuf reads a message; a short one sets bad and reads zeros from then on.
type rbuf struct {
	b   []byte
	bad bool
}

func (r *rbuf) u8() byte {
	if len(r.b) < 1 {
		r.bad = true
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *rbuf) u64() uint64 {
	if len(r.b) < 8 {
		r.bad = true
		r.b = nil
		return 0
	}
	v := binary.BigEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

func (r *rbuf) str() string {
	if len(r.b) < 2 {
		r.bad = true
		r.b = nil
		return ""
	}
	n := int(binary.BigEndian.Uint16(r.b))
	if len(r.b) < 2+n {
		r.bad = true
		r.b = nil
		return ""
	}
	s := string(r.b[2 : 2+n])
	r.b = r.b[2+n:]
	return s
}

func (r *rbuf) rest() []byte {
	b := r.b
	r.b = nil
	return b
}

var errWire = errors.New("live: a malformed message on the bus")

// roomMsg is a message of the owner to every node: a broadcast, a beat or
// a stop.
type roomMsg struct {
	kind    byte
	owner   string
	seq     uint64
	need    uint64 // what the owner had sent this edge before it: see edge.merge
	payload []byte
}

// appendRoomMsg encodes a broadcast or beat; sent lists, for each edge the
// owner has sent messages to, how many.
func appendRoomMsg(w wbuf, kind byte, owner string, seq uint64, sent map[string]*edgePeer, payload []byte) wbuf {
	w = w.u8(kind).str(owner).u64(seq)
	n := 0
	for _, ep := range sent {
		if ep.sent > 0 {
			n++
		}
	}
	w = w.u64(uint64(n))
	for id, ep := range sent {
		if ep.sent > 0 {
			w = w.str(id).u64(ep.sent)
		}
	}
	return w.bytes(payload)
}

// readRoomMsg decodes a message of room.<id> for the edge named me.
func readRoomMsg(b []byte, me string) (roomMsg, error) {
	r := rbuf{b: b}
	m := roomMsg{kind: r.u8(), owner: r.str()}
	if m.kind == wireStop {
		if r.bad {
			return m, errWire
		}
		return m, nil
	}
	m.seq = r.u64()
	n := r.u64()
	for i := uint64(0); i < n && !r.bad; i++ {
		id, sent := r.str(), r.u64()
		if id == me {
			m.need = sent
		}
	}
	m.payload = r.rest()
	if r.bad || m.kind != wireBroadcast && m.kind != wireBeat {
		return m, errWire
	}
	return m, nil
}

// toMsg is a message of the owner to some connections of one edge.
type toMsg struct {
	owner   string
	index   uint64 // 1 for the first message the owner sent this edge, then 2…
	after   uint64 // the room's broadcast seq when it was sent
	op      byte
	conns   []uint64
	payload []byte
}

func appendToMsg(w wbuf, owner string, index, after uint64, op byte, conns []uint64, payload []byte) wbuf {
	w = w.u8(wireTo).str(owner).u64(index).u64(after).u8(op).u64(uint64(len(conns)))
	for _, c := range conns {
		w = w.u64(c)
	}
	return w.bytes(payload)
}

func readToMsg(b []byte) (toMsg, error) {
	r := rbuf{b: b}
	if r.u8() != wireTo {
		return toMsg{}, errWire
	}
	m := toMsg{owner: r.str(), index: r.u64(), after: r.u64(), op: r.u8()}
	n := r.u64()
	if n > uint64(len(r.b))/8 {
		return m, errWire
	}
	m.conns = make([]uint64, n)
	for i := range m.conns {
		m.conns[i] = r.u64()
	}
	m.payload = r.rest()
	if r.bad {
		return m, errWire
	}
	return m, nil
}

// edgeMsg is a message of an edge to the owner.
type edgeMsg struct {
	kind    byte
	edge    string
	conn    uint64
	user    int64
	flags   byte
	name    string
	payload []byte
}

func readEdgeMsg(b []byte) (edgeMsg, error) {
	r := rbuf{b: b}
	m := edgeMsg{kind: r.u8()}
	switch m.kind {
	case wireHall:
		m.user = int64(r.u64())
	case wireJoin:
		m.edge, m.conn, m.user, m.flags, m.name = r.str(), r.u64(), int64(r.u64()), r.u8(), r.str()
	case wireText, wireAudio:
		m.edge, m.conn = r.str(), r.u64()
		m.payload = r.rest()
	case wireLeave:
		m.edge, m.conn = r.str(), r.u64()
	case wirePing, wireBye:
		m.edge = r.str()
	default:
		return m, errWire
	}
	if r.bad {
		return m, errWire
	}
	return m, nil
}
