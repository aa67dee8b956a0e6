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
	MsgQuestion = "question" // a question is new or changed status
	MsgVotes    = "votes"    // up-vote counts that changed, by question
	MsgVoted    = "voted"    // your up-vote was recorded
	MsgChat     = "chat"     // a chat line
	MsgSettings = "settings" // chat on/off, question moderation on/off
	MsgHand     = "hand"     // your hand is up or down (also client to server)
	MsgHands    = "hands"    // raised hands in order (trainer)
	MsgMuted    = "muted"    // the trainer muted or unmuted you
	MsgRoster   = "roster"   // who is connected right now (trainer)

	// Client to server.
	MsgGoto          = "goto"           // trainer: show slide {index}
	MsgPollOpen      = "poll_open"      // trainer: {text, options, multiple}
	MsgPollClose     = "poll_close"     // trainer
	MsgRollCallOpen  = "rollcall_open"  // trainer: {seconds}
	MsgRollCallClose = "rollcall_close" // trainer
	MsgAnswer        = "answer"         // participant: {poll, choices}
	MsgHere          = "here"           // participant: {rollcall}
	MsgPing          = "ping"           // anyone: keeps mobile proxies from idling out
	MsgAsk           = "ask"            // anyone: {text}, a question to the trainer
	MsgVote          = "vote"           // participant: {question}
	MsgModerate      = "moderate"       // trainer: {question, action: approve|answered|hide}
	MsgModeration    = "moderation"     // trainer: {on}, new questions wait for approval
	MsgChatToggle    = "chat_toggle"    // trainer: {on}
	MsgSay           = "say"            // anyone: {text}, a chat line
	MsgMute          = "mute"           // trainer: {user, on}
	MsgRemove        = "remove"         // trainer: {user}
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
	Correct  []int    `json:"correct,omitempty"` // a quiz question's key, shown once the poll closes
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

	ChatOn    bool           `json:"chat_on"`
	Moderated bool           `json:"moderated"`
	Muted     bool           `json:"muted,omitempty"`
	HandUp    bool           `json:"hand_up,omitempty"`
	Chat      []ChatView     `json:"chat"`
	Questions []QuestionView `json:"questions"`
	MyVotes   []int64        `json:"my_votes,omitempty"`

	// For trainers only.
	Expected []RosterView `json:"expected,omitempty"`
	Roster   *RosterData  `json:"roster,omitempty"`
	Hands    []HandView   `json:"hands,omitempty"`
}

// QuestionView is a question to the trainer. Status is pending (waiting
// for approval), open, answered or hidden.
type QuestionView struct {
	Seq    int64  `json:"seq"`
	Name   string `json:"name"`
	Text   string `json:"text"`
	Status string `json:"status"`
	Votes  int    `json:"votes"`
	At     int64  `json:"at"`
}

// ChatView is one chat line.
type ChatView struct {
	From int64  `json:"from"`
	Name string `json:"name"`
	Text string `json:"text"`
	At   int64  `json:"at"`
}

// HandView is a raised hand.
type HandView struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	At   int64  `json:"at"`
}

// RosterView names a participant for the trainer's console.
type RosterView struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Unit    string `json:"unit,omitempty"`
	Trainer bool   `json:"trainer,omitempty"`
}

// RosterData is who is connected: expected participants by id (the console
// has their names from hello), others with their names.
type RosterData struct {
	Online []int64      `json:"online"`
	Guests []RosterView `json:"guests"`
	Muted  []int64      `json:"muted"`
	Hall   []int64      `json:"hall"` // checked in in the hall by the QR code
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
