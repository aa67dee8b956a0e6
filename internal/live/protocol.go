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
	MsgChatLog  = "chat_log" // the latest chat lines, when a lean connection starts following the chat
	MsgBeat     = "beat"     // the answer to a client's beat (also client to server)

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
	MsgChatFollow    = "chat_follow"    // anyone: {on}, a lean connection follows the chat or stops
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
	// A poll from the question bank is Markdown: these are its text and
	// options as inline HTML (strong, em, code), safe to insert.
	TextHTML    string   `json:"text_html,omitempty"`
	OptionsHTML []string `json:"options_html,omitempty"`
}

// RollCallView is a roll call as participants see it.
type RollCallView struct {
	ID       int64 `json:"id"`
	ClosesAt int64 `json:"closes_at"` // ms
	Open     bool  `json:"open"`
}

// Snapshot is the room's state for one participant. Fields without
// omitzero are always present; the poll fields are present together when
// there is a poll, the roll-call ones when there is a roll call, and the
// trainer's fields for trainers only.
type Snapshot struct {
	You      Participant   `json:"you"`
	Title    string        `json:"title"`
	Slide    int           `json:"slide"`
	Slides   int           `json:"slides"` // how many slides there are (0: not known)
	Poll     *PollView     `json:"poll,omitzero"`
	MyAnswer []int         `json:"my_answer,omitzero"` // [] when this user has not answered
	Tally    []int         `json:"tally,omitzero"`
	Answers  *int          `json:"answers,omitzero"` // how many people have answered
	RollCall *RollCallView `json:"rollcall,omitzero"`
	Marked   *bool         `json:"marked,omitzero"`
	Seq      uint64        `json:"seq"`
	Audio    *AudioConfig  `json:"audio"` // the trainer's voice as it is encoded; null while off
	// Recording says the session is being recorded (the voice and the
	// timeline), so that everyone in the room knows.
	Recording bool `json:"recording"`

	ChatOn    bool `json:"chat_on"`
	Moderated bool `json:"moderated"`
	Muted     bool `json:"muted"`
	HandUp    bool `json:"hand_up"`
	// Lean says the connection is text-only (?lean=1): no voice, and chat
	// lines only while it follows the chat; Chat is then empty.
	Lean      bool           `json:"lean"`
	Chat      []ChatView     `json:"chat"`
	Questions []QuestionView `json:"questions"`
	MyVotes   []int64        `json:"my_votes"`

	// For trainers only.
	Expected []RosterView `json:"expected,omitzero"`
	Roster   *RosterData  `json:"roster,omitzero"`
	Hands    []HandView   `json:"hands,omitzero"`
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

// wallMS is the machine's clock for the ts of a frame: it measures delivery,
// so it is never the platform's (possibly fixed) clock.
func wallMS() int64 { return time.Now().UnixMilli() }
