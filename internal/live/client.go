package live

import (
	"encoding/json"
	"errors"
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
// the room sends on or closes send.
type Client struct {
	room *Room
	conn *websocket.Conn
	p    Participant
	send chan *frame // a broadcast shares one frame among all its connections

	tokens float64
	last   time.Time

	// kick is the close frame to end with, set by the room before it closes
	// send; the close of send orders the write before the writer's read.
	kick []byte
}

// allow is a token bucket: ratePerSec sustained, rateBurst at once.
func (c *Client) allow(now time.Time) bool {
	if !c.last.IsZero() {
		c.tokens += now.Sub(c.last).Seconds() * ratePerSec
	} else {
		c.tokens = rateBurst
	}
	c.last = now
	if c.tokens > rateBurst {
		c.tokens = rateBurst
	}
	if c.tokens < 1 {
		return false
	}
	c.tokens--
	return true
}

// readPump reads what the participant sends and hands it to the room.
func (c *Client) readPump() {
	kicked := false
	defer func() {
		// A kicked connection is removed by the room when it handles the kick
		// (an unregister could overtake it) and closed by the writer after
		// its last messages.
		if !kicked {
			c.room.unregister <- c
			c.conn.Close()
		}
	}()
	c.conn.SetReadLimit(maxMessage)
	_ = c.conn.SetReadDeadline(time.Now().Add(pongWait))
	c.conn.SetPongHandler(func(string) error { return c.conn.SetReadDeadline(time.Now().Add(pongWait)) })
	strikes := 0
	var noticed time.Time // the last rate_limited notice: one a second is enough
	for {
		_, data, err := c.conn.ReadMessage()
		if err != nil {
			if errors.Is(err, websocket.ErrReadLimit) {
				c.closeWith(websocket.CloseMessageTooBig, "message larger than 4 KB")
			}
			return
		}
		_ = c.conn.SetReadDeadline(time.Now().Add(pongWait))
		var in Incoming
		var refused *ErrorData
		switch {
		case !c.allow(time.Now()):
			refused = &ErrorData{Code: "rate_limited", Message: "too many messages: at most 10 a second"}
		case json.Unmarshal(data, &in) != nil || in.Type == "":
			refused = &ErrorData{Code: "bad_json", Message: "a message is a JSON object like {\"t\": \"answer\", \"d\": {…}}"}
		}
		if refused != nil && refused.Code == "rate_limited" {
			if time.Since(noticed) < time.Second {
				refused = &ErrorData{} // counted, not answered
			} else {
				noticed = time.Now()
			}
		}
		if refused != nil {
			strikes++
			if strikes > maxStrikes {
				kicked = true
				c.room.inbound <- inbound{c: c, err: &ErrorData{Code: "kicked", Message: "too many refused messages"},
					kick: websocket.FormatCloseMessage(websocket.ClosePolicyViolation, "too many refused messages")}
				return
			}
		}
		if refused != nil && refused.Code == "" {
			continue
		}
		c.room.inbound <- inbound{c: c, msg: in, err: refused}
	}
}

func (c *Client) closeWith(code int, reason string) {
	_ = c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
}

// writePump sends the room's messages and keeps the connection alive with
// pings; a write that cannot finish within writeWait ends the connection.
func (c *Client) writePump() {
	ping := time.NewTicker(pingEvery)
	defer func() {
		ping.Stop()
		c.conn.Close()
	}()
	for {
		select {
		case f, ok := <-c.send:
			_ = c.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if !ok {
				frame := c.kick
				if frame == nil {
					frame = websocket.FormatCloseMessage(websocket.CloseGoingAway, "disconnected by the server")
				}
				_ = c.conn.WriteMessage(websocket.CloseMessage, frame)
				return
			}
			var err error
			if f.raw != nil {
				err = c.conn.WriteMessage(websocket.TextMessage, f.raw)
			} else {
				err = c.conn.WritePreparedMessage(f.pm)
			}
			if err != nil {
				return
			}
		case <-ping.C:
			_ = c.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.conn.WriteMessage(websocket.PingMessage, nil); err != nil {
				return
			}
		}
	}
}
