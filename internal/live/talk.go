package live

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	"github.com/tdkt/tdkt/internal/store"
)

// Questions, chat, raised hands, muting and removal: the talk of a room.
// Like the rest of the room's state, all of it is owned by the room's
// goroutine.

const (
	chatKeep     = 50              // chat lines a (re)joining client receives
	chatEvery    = 2 * time.Second // one chat line per person per interval
	askEvery     = 10 * time.Second
	maxQuestions = 2000
	rosterEvery  = 2 * time.Second
)

type question struct {
	view   QuestionView
	userID int64
	voters map[int64]bool
}

type talkState struct {
	names      map[int64]RosterView // expected participants
	hall       map[int64]bool       // checked in in the hall by the QR code
	hands      map[int64]int64      // user → raised at (ms)
	questions  []*question          // by seq-1
	voteDirty  map[int64]bool       // questions whose votes changed since the last push
	moderated  bool                 // new questions wait for the trainer's approval
	chatOn     bool
	chat       []ChatView
	lastChat   map[int64]time.Time
	lastAsk    map[int64]time.Time
	muted      map[int64]bool
	removed    map[int64]bool
	rosterSent time.Time
	rosterDue  bool
}

func newTalk() talkState {
	return talkState{names: map[int64]RosterView{}, hall: map[int64]bool{}, hands: map[int64]int64{}, voteDirty: map[int64]bool{}, chatOn: true,
		lastChat: map[int64]time.Time{}, lastAsk: map[int64]time.Time{}, muted: map[int64]bool{}, removed: map[int64]bool{}}
}

// visible says whether viewer may see q: pending questions reach only the
// trainer and their author, hidden ones only the trainer.
func (q *question) visible(viewer int64, trainer bool) bool {
	switch q.view.Status {
	case "open", "answered":
		return true
	case "pending":
		return trainer || q.userID == viewer
	}
	return trainer
}

func (r *Room) restoreTalk(ctx context.Context, st savedState) error {
	r.talk.chatOn = !st.ChatOff
	r.talk.moderated = st.Moderated
	for _, id := range st.Muted {
		r.talk.muted[id] = true
	}
	r.removedMu.Lock()
	for _, id := range st.Removed {
		r.talk.removed[id] = true
	}
	r.removedMu.Unlock()
	hall, err := r.db.HallCheckins(ctx, r.sess.ID)
	if err != nil {
		return err
	}
	for _, uid := range hall {
		r.talk.hall[uid] = true
	}
	qs, err := r.db.Questions(ctx, r.sess.ID)
	if err != nil {
		return err
	}
	for _, q := range qs {
		if int(q.Seq) != len(r.talk.questions)+1 {
			continue // a gap means a lost write; numbering goes on from the last
		}
		lq := &question{view: QuestionView{Seq: q.Seq, Name: q.Name, Text: q.Body, Status: q.Status, At: q.At.UnixMilli()},
			userID: q.UserID, voters: map[int64]bool{}}
		for _, v := range q.Voters {
			lq.voters[v] = true
		}
		lq.view.Votes = len(lq.voters)
		r.talk.questions = append(r.talk.questions, lq)
	}
	lines, err := r.db.RecentChat(ctx, r.sess.ID, chatKeep)
	if err != nil {
		return err
	}
	for _, l := range lines {
		r.talk.chat = append(r.talk.chat, ChatView{From: l.UserID, Name: l.Name, Text: l.Body, At: l.At.UnixMilli()})
	}
	return nil
}

// talkSnapshot fills the parts of a snapshot about questions, chat and hands.
func (r *Room) talkSnapshot(c *Client, s *Snapshot) {
	t := &r.talk
	s.ChatOn, s.Moderated, s.Muted = t.chatOn, t.moderated, t.muted[c.p.ID]
	_, s.HandUp = t.hands[c.p.ID]
	s.Lean = c.lean
	s.Chat = []ChatView{}
	if c.chat {
		s.Chat = append(s.Chat, t.chat...)
	}
	s.Questions = []QuestionView{}
	s.MyVotes = []int64{}
	for _, q := range t.questions {
		if q.visible(c.p.ID, c.p.Trainer) {
			s.Questions = append(s.Questions, q.view)
		}
		if q.voters[c.p.ID] {
			s.MyVotes = append(s.MyVotes, q.view.Seq)
		}
	}
	if c.p.Trainer {
		s.Expected = make([]RosterView, 0, len(t.names))
		for _, n := range t.names {
			s.Expected = append(s.Expected, n)
		}
		sort.Slice(s.Expected, func(i, j int) bool { return s.Expected[i].ID < s.Expected[j].ID })
		s.Hands = r.handList()
		ro := r.roster()
		s.Roster = &ro
	}
}

func (r *Room) handList() []HandView {
	out := make([]HandView, 0, len(r.talk.hands))
	for uid, at := range r.talk.hands {
		out = append(out, HandView{ID: uid, Name: r.nameOf(uid), At: at})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].At < out[j].At || out[i].At == out[j].At && out[i].ID < out[j].ID })
	return out
}

// nameOf finds a participant's name: from the expected list, or from a
// connection of theirs.
func (r *Room) nameOf(uid int64) string {
	if n, ok := r.talk.names[uid]; ok {
		return n.Name
	}
	if conns := r.byUser[uid]; len(conns) > 0 {
		return conns[0].p.Name
	}
	return ""
}

// roster is who is connected right now; the console derives who is absent
// from the expected list it received at hello.
func (r *Room) roster() RosterData {
	d := RosterData{Online: make([]int64, 0, len(r.byUser)), Guests: []RosterView{}, Muted: []int64{},
		Hall: make([]int64, 0, len(r.talk.hall))}
	for uid := range r.talk.hall {
		d.Hall = append(d.Hall, uid)
	}
	slices.Sort(d.Hall)
	for uid, conns := range r.byUser {
		d.Online = append(d.Online, uid)
		if _, expected := r.talk.names[uid]; !expected {
			p := conns[0].p
			d.Guests = append(d.Guests, RosterView{ID: uid, Name: p.Name, Trainer: p.Trainer})
		}
	}
	for uid := range r.talk.muted {
		d.Muted = append(d.Muted, uid)
	}
	slices.Sort(d.Online)
	slices.Sort(d.Muted)
	sort.Slice(d.Guests, func(i, j int) bool { return d.Guests[i].ID < d.Guests[j].ID })
	return d
}

// toTrainers sends one message, encoded once, to every trainer connection.
func (r *Room) toTrainers(typ string, data any) {
	if len(r.trainers) == 0 {
		return
	}
	b, pm := prepare(typ, 0, data)
	if pm == nil {
		return
	}
	for c := range r.trainers {
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

// toUser sends to every connection of one user.
func (r *Room) toUser(uid int64, typ string, data any) {
	for _, c := range slices.Clone(r.byUser[uid]) { // a full queue removes c from the list
		r.sendTo(c, typ, data)
	}
}

// pushTalk sends what changed since the last push: up-vote counts to all,
// and to trainers the roster (at most every rosterEvery).
func (r *Room) pushTalk() {
	t := &r.talk
	if len(t.voteDirty) > 0 {
		votes := map[int64]int{}
		public := false
		for seq := range t.voteDirty {
			q := t.questions[seq-1]
			votes[seq] = q.view.Votes
			public = public || q.view.Status == "open" || q.view.Status == "answered"
		}
		t.voteDirty = map[int64]bool{}
		if public {
			r.broadcast(MsgVotes, votes)
		} else {
			r.toTrainers(MsgVotes, votes)
		}
	}
	if t.rosterDue && time.Since(t.rosterSent) >= rosterEvery {
		t.rosterDue, t.rosterSent = false, time.Now()
		r.toTrainers(MsgRoster, r.roster())
	}
}

// text validates a short text a participant typed.
func (r *Room) text(c *Client, data json.RawMessage, kind string, max int) (string, bool) {
	var d struct {
		Text string `json:"text"`
	}
	if json.Unmarshal(data, &d) != nil {
		r.refuse(c, "bad_request", "%s needs {\"text\": \"…\"}", kind)
		return "", false
	}
	d.Text = strings.TrimSpace(d.Text)
	if d.Text == "" || utf8.RuneCountInString(d.Text) > max {
		r.refuse(c, "bad_request", "%s must have 1 to %d characters", kind, max)
		return "", false
	}
	return d.Text, true
}

func (r *Room) silenced(c *Client) bool {
	if r.talk.muted[c.p.ID] && !c.p.Trainer {
		r.refuse(c, "muted", "the trainer has muted you")
		return true
	}
	return false
}

func (r *Room) hand(c *Client, data json.RawMessage) {
	var d struct {
		Up   bool  `json:"up"`
		User int64 `json:"user"`
	}
	if json.Unmarshal(data, &d) != nil {
		r.refuse(c, "bad_request", "hand needs {\"up\": true|false}")
		return
	}
	uid := c.p.ID
	if d.User != 0 && d.User != uid {
		if !c.p.Trainer {
			r.refuse(c, "forbidden", "only the trainer lowers another person's hand")
			return
		}
		if d.Up {
			r.refuse(c, "bad_request", "the trainer can only lower a hand")
			return
		}
		uid = d.User
	} else if d.Up && r.silenced(c) {
		return
	}
	_, was := r.talk.hands[uid]
	if d.Up == was {
		r.toUser(uid, MsgHand, map[string]bool{"up": was})
		return
	}
	if d.Up {
		r.talk.hands[uid] = r.clock().UnixMilli()
	} else {
		delete(r.talk.hands, uid)
	}
	r.toUser(uid, MsgHand, map[string]bool{"up": d.Up})
	r.toTrainers(MsgHands, r.handList())
}

func (r *Room) ask(c *Client, data json.RawMessage) {
	if r.silenced(c) {
		return
	}
	body, ok := r.text(c, data, "a question", maxTextRunes)
	if !ok {
		return
	}
	t := &r.talk
	if last, ok := t.lastAsk[c.p.ID]; ok && time.Since(last) < askEvery && !c.p.Trainer {
		r.refuse(c, "slow_down", "wait %d seconds between questions", int(askEvery/time.Second))
		return
	}
	if len(t.questions) >= maxQuestions {
		r.refuse(c, "full", "this session has reached %d questions", maxQuestions)
		return
	}
	t.lastAsk[c.p.ID] = time.Now()
	status := "open"
	if t.moderated && !c.p.Trainer {
		status = "pending"
	}
	q := &question{view: QuestionView{Seq: int64(len(t.questions) + 1), Name: c.p.Name, Text: body, Status: status, At: r.clock().UnixMilli()},
		userID: c.p.ID, voters: map[int64]bool{}}
	t.questions = append(t.questions, q)
	r.saveQuestion(q)
	r.announce(q, "")
	if status == "open" { // shown to everyone at once: part of the record
		r.note(Event{Type: "question", Text: body})
	}
}

// announce tells those who may see q that it is new or changed; prev is its
// status before the change.
func (r *Room) announce(q *question, prev string) {
	if q.visible(0, false) || prev == "open" || prev == "answered" {
		r.broadcast(MsgQuestion, q.view)
		return
	}
	r.toTrainers(MsgQuestion, q.view)
	for _, c := range slices.Clone(r.byUser[q.userID]) {
		if !c.p.Trainer { // a trainer's own devices had it above
			r.sendTo(c, MsgQuestion, q.view)
		}
	}
}

func (r *Room) saveQuestion(q *question) {
	id := r.sess.ID
	lq := store.LiveQuestion{Seq: q.view.Seq, UserID: q.userID, Body: q.view.Text, Status: q.view.Status, At: time.UnixMilli(q.view.At)}
	r.writes.Enqueue(func(tx *store.Tx) error { return tx.SaveQuestion(context.Background(), id, lq) })
}

// questionMsg reads {"question": seq, …} and finds the question.
func (r *Room) questionMsg(c *Client, data json.RawMessage, kind string) (*question, string, bool) {
	var d struct {
		Question int64  `json:"question"`
		Action   string `json:"action"`
	}
	if json.Unmarshal(data, &d) != nil {
		r.refuse(c, "bad_request", "%s needs {\"question\": seq}", kind)
		return nil, "", false
	}
	if d.Question < 1 || int(d.Question) > len(r.talk.questions) {
		r.refuse(c, "not_found", "no question %d", d.Question)
		return nil, "", false
	}
	return r.talk.questions[d.Question-1], d.Action, true
}

func (r *Room) vote(c *Client, data json.RawMessage) {
	q, _, ok := r.questionMsg(c, data, "vote")
	if !ok {
		return
	}
	if q.view.Status != "open" {
		r.refuse(c, "closed", "this question takes no votes")
		return
	}
	if q.userID == c.p.ID {
		r.refuse(c, "bad_request", "you cannot vote for your own question")
		return
	}
	if !q.voters[c.p.ID] {
		q.voters[c.p.ID] = true
		q.view.Votes++
		r.talk.voteDirty[q.view.Seq] = true
		id, seq, uid := r.sess.ID, q.view.Seq, c.p.ID
		r.writes.Enqueue(func(tx *store.Tx) error { return tx.VoteQuestion(context.Background(), id, seq, uid) })
	}
	r.sendTo(c, MsgVoted, map[string]int64{"question": q.view.Seq})
}

func (r *Room) moderate(c *Client, data json.RawMessage) {
	q, action, ok := r.questionMsg(c, data, "moderate")
	if !ok {
		return
	}
	next := map[string]string{"approve": "open", "answered": "answered", "hide": "hidden"}[action]
	if next == "" {
		r.refuse(c, "bad_request", "action must be approve, answered or hide")
		return
	}
	if q.view.Status == next {
		return
	}
	prev := q.view.Status
	q.view.Status = next
	r.saveQuestion(q)
	r.announce(q, prev)
	if next == "open" {
		r.note(Event{Type: "question", Text: q.view.Text})
	}
}

// setting handles the trainer's switches: chat on or off, moderation of
// questions on or off.
func (r *Room) setting(c *Client, typ string, data json.RawMessage) {
	var d struct {
		On *bool `json:"on"`
	}
	if json.Unmarshal(data, &d) != nil || d.On == nil {
		r.refuse(c, "bad_request", "%s needs {\"on\": true|false}", typ)
		return
	}
	if typ == MsgChatToggle {
		r.talk.chatOn = *d.On
	} else {
		r.talk.moderated = *d.On
	}
	r.broadcast(MsgSettings, map[string]bool{"chat": r.talk.chatOn, "moderated": r.talk.moderated})
	r.saveState()
}

func (r *Room) chat(c *Client, data json.RawMessage) {
	t := &r.talk
	if !t.chatOn && !c.p.Trainer {
		r.refuse(c, "chat_off", "the trainer has turned the chat off")
		return
	}
	if r.silenced(c) {
		return
	}
	body, ok := r.text(c, data, "a chat message", maxTextRunes)
	if !ok {
		return
	}
	if last, ok := t.lastChat[c.p.ID]; ok && time.Since(last) < chatEvery && !c.p.Trainer {
		r.refuse(c, "slow_down", "one chat message every %d seconds", int(chatEvery/time.Second))
		return
	}
	t.lastChat[c.p.ID] = time.Now()
	line := ChatView{From: c.p.ID, Name: c.p.Name, Text: body, At: r.clock().UnixMilli()}
	t.chat = append(t.chat, line)
	if len(t.chat) > chatKeep {
		t.chat = append(t.chat[:0:0], t.chat[len(t.chat)-chatKeep:]...)
	}
	id := r.sess.ID
	cl := store.ChatLine{UserID: c.p.ID, Body: body, At: time.UnixMilli(line.At)}
	r.writes.Enqueue(func(tx *store.Tx) error { return tx.SaveChat(context.Background(), id, cl) })
	// Chat lines are not numbered: a lean connection gets them only while it
	// follows the chat (chat_follow), and hello carries the latest lines.
	r.refresh(MsgChat, line, func(c *Client) bool { return c.chat })
}

// followChat turns the chat on or off for one lean connection.
func (r *Room) followChat(c *Client, data json.RawMessage) {
	var d struct {
		On *bool `json:"on"`
	}
	if json.Unmarshal(data, &d) != nil || d.On == nil {
		r.refuse(c, "bad_request", `chat_follow needs {"on": true} or {"on": false}`)
		return
	}
	c.chat = *d.On
	if c.chat {
		r.sendTo(c, MsgChatLog, r.talk.chat)
	}
}

func (r *Room) userArg(c *Client, data json.RawMessage, typ string) (int64, bool, bool) {
	var d struct {
		User int64 `json:"user"`
		On   *bool `json:"on"`
	}
	if json.Unmarshal(data, &d) != nil || d.User <= 0 {
		r.refuse(c, "bad_request", "%s needs {\"user\": id}", typ)
		return 0, false, false
	}
	if d.User == c.p.ID {
		r.refuse(c, "bad_request", "you cannot %s yourself", typ)
		return 0, false, false
	}
	on := d.On == nil || *d.On
	return d.User, on, true
}

func (r *Room) mute(c *Client, data json.RawMessage) {
	uid, on, ok := r.userArg(c, data, "mute")
	if !ok {
		return
	}
	_, handUp := r.talk.hands[uid]
	if on {
		r.talk.muted[uid] = true
		delete(r.talk.hands, uid)
	} else {
		delete(r.talk.muted, uid)
	}
	r.toUser(uid, MsgMuted, map[string]bool{"on": on})
	if on && handUp {
		r.toUser(uid, MsgHand, map[string]bool{"up": false}) // their hand went down with the mute
	}
	r.toTrainers(MsgHands, r.handList())
	r.talk.rosterDue = true
	r.saveState()
}

// removeUser ends every connection of a participant and keeps them out of
// the room for the rest of the session.
func (r *Room) removeUser(c *Client, data json.RawMessage) {
	uid, on, ok := r.userArg(c, data, "remove")
	if !ok {
		return
	}
	r.removedMu.Lock()
	if on {
		r.talk.removed[uid] = true
	} else {
		delete(r.talk.removed, uid)
	}
	r.removedMu.Unlock()
	if !on {
		r.saveState()
		return
	}
	delete(r.talk.hands, uid)
	for _, cl := range slices.Clone(r.byUser[uid]) {
		r.kickOut(cl)
	}
	r.toTrainers(MsgHands, r.handList())
	r.talk.rosterDue = true
	r.saveState()
}

func (r *Room) kickOut(c *Client) {
	r.sendTo(c, MsgError, ErrorData{Code: "removed", Message: "the trainer has removed you from this session"})
	if _, ok := r.clients[c]; !ok {
		return // sendTo dropped it already
	}
	c.kick = websocket.FormatCloseMessage(websocket.ClosePolicyViolation, "removed by the trainer")
	r.remove(c)
}

// isRemoved says whether the trainer has removed uid from the room; safe
// from any goroutine.
func (r *Room) isRemoved(uid int64) bool {
	r.removedMu.RLock()
	defer r.removedMu.RUnlock()
	return r.talk.removed[uid]
}
