package live

import (
	"encoding/json"
	"errors"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// frame is one message waiting for a connection: a broadcast prepared
// once for all, or the bytes of a message for this connection alone (a
// prepared message costs a 4 KB buffer of its own, too much for one
// reader, and ten thousand hellos or acknowledgements at once).
type frame struct {
	pm  *websocket.PreparedMessage
	raw []byte
}

// Client is one websocket connection: a reader and a writer goroutine. Only
// the room (or, on a node that does not own the room, the edge) sends on or
// closes send.
//
// On the node that owns a room, a connection another node relays is a
// Client too, without a socket or queues: peer is the edge that holds it and
// rid its id there.
type Client struct {
	room *Room
	edge *edge // set instead of room on a node that relays the room
	conn *websocket.Conn
	p    Participant
	send chan *frame // a broadcast shares one frame among all its connections
	// audio holds the trainer's voice, apart from send: audio that waits
	// too long is dropped, the connection is not.
	audio   chan *websocket.PreparedMessage
	audioIn bucket // the trainer's audio messages, apart from text

	text bucket // messages a participant may send

	// strikes counts refused messages, by the reader (bad JSON, rate) and
	// by the room (unknown type, forbidden, bad request).
	strikes atomic.Int32
	// closing is set once the server has sent its close frame: from then
	// on the reader only waits for the client's answer.
	closing atomic.Bool

	// kick is the close frame to end with, set by the room before it closes
	// send; the close of send orders the write before the writer's read.
	kick []byte

	release func() // frees the account's connection slot; nil in tests

	// lean is the text-only mode a phone on 3G asks for (?lean=1): no voice,
	// the chat only while it follows it (chat), running tallies at most every
	// leanTallyEvery. Set at the upgrade; chat and lastTally are the room's.
	lean      bool
	chat      bool
	lastTally time.Time

	peer *edgePeer // owner side: the edge relaying this connection; nil for a local one
	rid  uint64    // the connection's id on its edge
	// ready (edge side) is set once the owner's first message for the
	// connection, its hello, has been delivered: broadcasts before it are
	// in the hello's snapshot. joined is when the edge relayed the join.
	ready  bool
	joined time.Time
}

// hubRegister is where a new connection registers, and the end of that
// goroutine.
func (c *Client) hubRegister() (chan<- *Client, <-chan struct{}) {
	if c.edge != nil {
		return c.edge.register, c.edge.done
	}
	return c.room.register, c.room.done
}

// hub is where the reader hands what it reads: the room, or the edge that
// relays it; done closes when that goroutine has ended, after which
// nothing is waited on.
func (c *Client) hub() (in chan<- inbound, bye chan<- *Client, done <-chan struct{}) {
	if c.edge != nil {
		return c.edge.inbound, c.edge.unregister, c.edge.done
	}
	return c.room.inbound, c.room.unregister, c.room.done
}

// bucket is a token bucket: rate tokens a second, burst at once.
type bucket struct {
	tokens float64
	last   time.Time
}

func (b *bucket) take(now time.Time, rate, burst float64) bool {
	if !b.last.IsZero() {
		b.tokens += now.Sub(b.last).Seconds() * rate
	} else {
		b.tokens = burst
	}
	b.last = now
	if b.tokens > burst {
		b.tokens = burst
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// allow takes a text message from the participant's budget.
func (c *Client) allow(now time.Time) bool { return c.text.take(now, ratePerSec, rateBurst) }

// readPump reads what the participant sends and hands it to the room. It
// goes on reading after the server has said goodbye, until the client
// answers the close frame or closeGrace passes: closing a socket that still
// has unread data resets the connection, and the client would lose the
// close frame (and its code, 1008, that tells it not to reconnect).
func (c *Client) readPump() {
	in, bye, done := c.hub()
	defer func() {
		select {
		case bye <- c: // harmless when the room has removed it already
		case <-done:
		}
		c.conn.Close()
		if c.release != nil {
			c.release()
		}
	}()
	c.conn.SetReadLimit(maxMessage)
	_ = c.conn.SetReadDeadline(time.Now().Add(pongWait))
	c.conn.SetPongHandler(func(string) error {
		if c.closing.Load() {
			return nil
		}
		return c.conn.SetReadDeadline(time.Now().Add(pongWait))
	})
	kicked := false
	var noticed time.Time // the last rate_limited notice: one a second is enough
	for {
		kind, data, err := c.conn.ReadMessage()
		if err != nil {
			if errors.Is(err, websocket.ErrReadLimit) {
				c.closeWith(websocket.CloseMessageTooBig, "message larger than 4 KB")
			}
			return
		}
		if kicked || c.closing.Load() {
			continue // said goodbye: read only to reach the client's close
		}
		_ = c.conn.SetReadDeadline(time.Now().Add(pongWait))
		var msg Incoming
		var refused *ErrorData
		switch {
		case kind == websocket.BinaryMessage && len(data) > 0 && data[0] == audioKind:
			if c.allowAudio(time.Now()) {
				if !pass(in, done, c, nil, data, nil, nil, false) {
					return
				}
				continue
			}
			refused = &ErrorData{Code: "rate_limited", Message: "too many audio messages: at most 25 a second"}
		case kind == websocket.BinaryMessage:
			refused = &ErrorData{Code: "bad_json", Message: "a binary message is audio: its first byte is 1"}
		case !c.allow(time.Now()):
			refused = &ErrorData{Code: "rate_limited", Message: "too many messages: at most 10 a second"}
		case json.Unmarshal(data, &msg) != nil || msg.Type == "":
			refused = &ErrorData{Code: "bad_json", Message: "a message is a JSON object like {\"t\": \"answer\", \"d\": {…}}"}
		}
		if refused == nil {
			if !pass(in, done, c, &msg, nil, data, nil, false) {
				return
			}
			continue
		}
		if c.strikes.Add(1) > maxStrikes {
			kicked = true
			if !pass(in, done, c, nil, nil, nil, nil, true) {
				return
			}
			continue
		}
		if refused.Code == "rate_limited" {
			if time.Since(noticed) < time.Second {
				continue // counted, not answered
			}
			noticed = time.Now()
		}
		if !pass(in, done, c, nil, nil, nil, refused, false) {
			return
		}
	}
}

// pass hands what the reader read to its hub (the room, or the edge);
// false when the hub has ended. It is kept out of readPump, which is on the
// stack of every connection's reader while JSON is decoded: with the
// inbound values and selects in its own frame (584 bytes instead of 344),
// the readers' stacks outgrew their first 8 KB in a poll storm, and 10,000
// connections took 80 MB more (stack in use 83 → 164 MB).
//
//go:noinline
func pass(in chan<- inbound, done <-chan struct{}, c *Client, msg *Incoming, audio, raw []byte, err *ErrorData, kick bool) bool {
	m := inbound{c: c, audio: audio, raw: raw, err: err, kick: kick}
	if msg != nil {
		m.msg = *msg
	}
	select {
	case in <- m:
		return true
	case <-done:
		return false
	}
}

func (c *Client) closeWith(code int, reason string) {
	_ = c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
}

// writePump sends the room's messages and keeps the connection alive with
// pings; a write that cannot finish within writeWait ends the connection.
// The room's messages go before audio: a slide change never waits behind
// speech. When the room closes the queue it sends the close frame and
// leaves the connection to the reader, which waits for the client's answer.
func (c *Client) writePump() {
	ping := time.NewTicker(pingEvery)
	defer ping.Stop()
	for {
		select {
		case f, ok := <-c.send:
			if !c.write(f, ok) {
				return
			}
			continue
		default:
		}
		select {
		case f, ok := <-c.send:
			if !c.write(f, ok) {
				return
			}
		case pm := <-c.audio:
			_ = c.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if c.conn.WritePreparedMessage(pm) != nil {
				c.conn.Close()
				return
			}
		case <-ping.C:
			_ = c.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.conn.WriteMessage(websocket.PingMessage, nil); err != nil {
				c.conn.Close()
				return
			}
		}
	}
}

// write sends one of the room's messages, or the close frame when the room
// closed the queue (ok false); it reports whether the writer goes on.
func (c *Client) write(f *frame, ok bool) bool {
	_ = c.conn.SetWriteDeadline(time.Now().Add(writeWait))
	if !ok {
		frame := c.kick
		if frame == nil {
			frame = websocket.FormatCloseMessage(websocket.CloseGoingAway, "disconnected by the server")
		}
		c.closing.Store(true)
		if c.conn.WriteMessage(websocket.CloseMessage, frame) != nil {
			c.conn.Close()
			return false
		}
		_ = c.conn.SetReadDeadline(time.Now().Add(closeGrace))
		return false
	}
	var err error
	if f.raw != nil {
		err = c.conn.WriteMessage(websocket.TextMessage, f.raw)
	} else {
		err = c.conn.WritePreparedMessage(f.pm)
	}
	if err != nil {
		c.conn.Close() // wakes the reader, which unregisters
		return false
	}
	return true
}
