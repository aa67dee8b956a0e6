package live

import (
	"encoding/json"
	"time"
)

// Message types. docs/live-protocol.md describes each with examples.
const (
	// Server to client.
	MsgHello    = "hello"    // the snapshot sent on every (re)connection
	MsgSlide    = "slide"    // the trainer moved to a slide
	MsgPoll     = "poll"     // a poll opened or closed
	MsgTally    = "tally"    // live counts of a poll's answers
	MsgRollCall = "rollcall" // a roll call opened or closed
	MsgMarked   = "marked"   // your roll-call mark was recorded
	MsgAnswered = "answered" // your poll answer was recorded
	MsgPresence = "presence" // connected / expected counts (trainer)
	MsgError    = "error"    // a refused message, with a reason

	// Client to server.
	MsgGoto          = "goto"           // trainer: show slide {index}
	MsgPollOpen      = "poll_open"      // trainer: {text, options, multiple}
	MsgPollClose     = "poll_close"     // trainer
	MsgRollCallOpen  = "rollcall_open"  // trainer: {seconds}
	MsgRollCallClose = "rollcall_close" // trainer
	MsgAnswer        = "answer"         // participant: {poll, choices}
	MsgHere          = "here"           // participant: {rollcall}
	MsgPing          = "ping"           // anyone: keeps mobile proxies from idling out
)

// Outgoing is what the server sends. Seq orders a room's broadcasts: a
// client that sees a gap has missed something and should reconnect for a
// fresh snapshot. TS is the server's clock in milliseconds, from which a
// client can measure delivery latency.
type Outgoing struct {
	Type string `json:"t"`
	Seq  uint64 `json:"seq,omitempty"`
	TS   int64  `json:"ts"`
	Data any    `json:"d,omitempty"`
}

// Incoming is what a client sends.
type Incoming struct {
	Type string          `json:"t"`
	Data json.RawMessage `json:"d,omitempty"`
}

// PollView is a poll as participants see it.
type PollView struct {
	ID       int64    `json:"id"`
	Text     string   `json:"text"`
	Options  []string `json:"options"`
	Multiple bool     `json:"multiple"`
	Open     bool     `json:"open"`
}

// RollCallView is a roll call as participants see it.
type RollCallView struct {
	ID       int64 `json:"id"`
	ClosesAt int64 `json:"closes_at"` // ms
	Open     bool  `json:"open"`
}

// Snapshot is the room's state for one participant.
type Snapshot struct {
	You      Participant   `json:"you"`
	Title    string        `json:"title"`
	Slide    int           `json:"slide"`
	Poll     *PollView     `json:"poll,omitempty"`
	MyAnswer []int         `json:"my_answer,omitempty"`
	Tally    []int         `json:"tally,omitempty"`
	RollCall *RollCallView `json:"rollcall,omitempty"`
	Marked   bool          `json:"marked,omitempty"`
	Seq      uint64        `json:"seq"`
}

// Participant identifies a connected user.
type Participant struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Trainer bool   `json:"trainer"`
}

// ErrorData explains a refused message.
type ErrorData struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func now() int64 { return time.Now().UnixMilli() }
