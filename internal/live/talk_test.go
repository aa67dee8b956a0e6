package live

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/store/storetest"
)

// until reads messages up to one of type typ and returns the types of those
// skipped on the way, so a test can show that something did not arrive.
func (c *conn) until(typ string) (Outgoing, []string) {
	c.t.Helper()
	var seen []string
	_ = c.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		kind, b, err := c.ws.ReadMessage()
		if err != nil {
			c.t.Fatalf("waiting for %s: %v", typ, err)
		}
		if kind == websocket.BinaryMessage {
			seen = append(seen, "binary")
			continue
		}
		var m struct {
			Outgoing
			Data json.RawMessage `json:"d"`
		}
		if err := json.Unmarshal(b, &m); err != nil {
			c.t.Fatalf("bad JSON from server: %s", b)
		}
		if m.Type == typ {
			out := m.Outgoing
			out.Data = m.Data
			return out, seen
		}
		seen = append(seen, m.Type)
	}
}

// dialStatus dials as u and returns the HTTP status of a refused upgrade
// (0 if the upgrade went through).
func (e *env) dialStatus(t *testing.T, u model.User) int {
	t.Helper()
	url := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/?user=" + strconv.FormatInt(u.ID, 10)
	ws, resp, err := websocket.DefaultDialer.Dial(url, nil)
	if err == nil {
		ws.Close()
		return 0
	}
	if resp == nil {
		t.Fatalf("dial as %s: %v", u.Username, err)
	}
	return resp.StatusCode
}

func (c *conn) refused(code string) {
	c.t.Helper()
	if er := decode[ErrorData](c.t, c.expect(MsgError)); er.Code != code {
		c.t.Fatalf("error = %+v, want code %s", er, code)
	}
}

func TestHandsQuestionsAndChat(t *testing.T) {
	ctx := context.Background()
	path := storetest.DSN(t)
	e := newEnv(t, path)
	tr, a, b := e.dial(t, e.trainer), e.dial(t, e.a), e.dial(t, e.b)
	hello := decode[Snapshot](t, tr.expect(MsgHello))
	if len(hello.Expected) != 2 || hello.Roster == nil || !hello.ChatOn {
		t.Fatalf("trainer hello: expected %+v roster %+v chat %v", hello.Expected, hello.Roster, hello.ChatOn)
	}
	if h := decode[Snapshot](t, a.expect(MsgHello)); h.Expected != nil || h.Roster != nil {
		t.Fatalf("a trainee got the roster: %+v", h)
	}
	b.expect(MsgHello)

	// The console's roster lists who is connected.
	waitRoster := func(want []int64) {
		t.Helper()
		for end := time.Now().Add(5 * time.Second); time.Now().Before(end); {
			ro := decode[RosterData](t, tr.expect(MsgRoster))
			slices.Sort(want)
			if slices.Equal(ro.Online, want) {
				return
			}
		}
		t.Fatalf("roster never became %v", want)
	}
	waitRoster([]int64{e.trainer.ID, e.a.ID, e.b.ID})

	// Raise hand: the trainer sees the queue; the trainer lowers it.
	a.send(MsgHand, map[string]bool{"up": true})
	if d := decode[map[string]bool](t, a.expect(MsgHand)); !d["up"] {
		t.Fatalf("hand ack = %v", d)
	}
	if hs := decode[[]HandView](t, tr.expect(MsgHands)); len(hs) != 1 || hs[0].ID != e.a.ID || hs[0].Name != "hva" {
		t.Fatalf("hands = %+v", hs)
	}
	b.send(MsgHand, map[string]any{"up": false, "user": e.a.ID})
	b.refused("forbidden")
	tr.send(MsgHand, map[string]any{"up": false, "user": e.a.ID})
	if d := decode[map[string]bool](t, a.expect(MsgHand)); d["up"] {
		t.Fatalf("hand after lowering = %v", d)
	}
	if hs := decode[[]HandView](t, tr.expect(MsgHands)); len(hs) != 0 {
		t.Fatalf("hands after lowering = %+v", hs)
	}

	// A question reaches everyone; others up-vote it, its author cannot.
	a.send(MsgAsk, map[string]string{"text": "  Hồ sơ đề nghị khen thưởng nộp mấy bộ?  "})
	q := decode[QuestionView](t, b.expect(MsgQuestion))
	if q.Seq != 1 || q.Text != "Hồ sơ đề nghị khen thưởng nộp mấy bộ?" || q.Status != "open" || q.Name != "hva" {
		t.Fatalf("question = %+v", q)
	}
	a.expect(MsgQuestion)
	tr.expect(MsgQuestion)
	a.send(MsgVote, map[string]int64{"question": 1})
	a.refused("bad_request")
	b.send(MsgVote, map[string]int64{"question": 1})
	b.expect(MsgVoted)
	b.send(MsgVote, map[string]int64{"question": 1}) // twice counts once
	b.expect(MsgVoted)
	tr.send(MsgVote, map[string]int64{"question": 1})
	tr.expect(MsgVoted)
	if v := decode[map[string]int](t, a.expect(MsgVotes)); v["1"] != 2 {
		t.Fatalf("votes = %v", v)
	}
	b.send(MsgVote, map[string]int64{"question": 99})
	b.refused("not_found")
	a.send(MsgAsk, map[string]string{"text": "Câu hỏi thứ hai ngay lập tức"})
	a.refused("slow_down")
	b.send(MsgAsk, map[string]string{"text": "   "})
	b.refused("bad_request")
	b.send(MsgModerate, map[string]any{"question": 1, "action": "hide"})
	b.refused("forbidden")

	// Moderation on: a new question waits, seen only by the trainer and its
	// author, until approved.
	tr.send(MsgModeration, map[string]bool{"on": true})
	if s := decode[map[string]bool](t, a.expect(MsgSettings)); !s["moderated"] || !s["chat"] {
		t.Fatalf("settings = %v", s)
	}
	b.expect(MsgSettings)
	b.send(MsgAsk, map[string]string{"text": "Cờ thi đua của Chính phủ xét mấy năm?"})
	if q := decode[QuestionView](t, tr.expect(MsgQuestion)); q.Seq != 2 || q.Status != "pending" {
		t.Fatalf("pending question to trainer = %+v", q)
	}
	b.expect(MsgQuestion)
	tr.send(MsgSay, map[string]string{"text": "Mốc"}) // a marker: a must see no question before it
	if _, seen := a.until(MsgChat); slices.Contains(seen, MsgQuestion) {
		t.Fatalf("a saw a pending question: %v", seen)
	}
	a.send(MsgVote, map[string]int64{"question": 2})
	a.refused("closed")
	tr.send(MsgModerate, map[string]any{"question": 2, "action": "approve"})
	if q := decode[QuestionView](t, a.expect(MsgQuestion)); q.Seq != 2 || q.Status != "open" {
		t.Fatalf("approved question = %+v", q)
	}
	tr.send(MsgModerate, map[string]any{"question": 1, "action": "answered"})
	if q := decode[QuestionView](t, a.expect(MsgQuestion)); q.Seq != 1 || q.Status != "answered" {
		t.Fatalf("answered question = %+v", q)
	}
	tr.send(MsgModerate, map[string]any{"question": 2, "action": "delete"})
	tr.refused("bad_request")

	// Chat, then the trainer turns it off.
	b.send(MsgSay, map[string]string{"text": "Xin chào cả lớp"})
	if l := decode[ChatView](t, a.expect(MsgChat)); l.Text != "Xin chào cả lớp" || l.From != e.b.ID {
		t.Fatalf("chat = %+v", l)
	}
	b.send(MsgSay, map[string]string{"text": "Lại nữa"})
	b.refused("slow_down")
	tr.send(MsgChatToggle, map[string]bool{"on": false})
	a.expect(MsgSettings)
	a.send(MsgSay, map[string]string{"text": "Có ai không?"})
	a.refused("chat_off")
	tr.send(MsgChatToggle, map[string]string{"on": "x"})
	tr.refused("bad_request")

	// Mute: the muted person's raised hand goes down, and they are told;
	// they can neither ask nor raise a hand again.
	b.send(MsgHand, map[string]bool{"up": true})
	if d := decode[map[string]bool](t, b.expect(MsgHand)); !d["up"] {
		t.Fatalf("hand = %v", d)
	}
	tr.send(MsgMute, map[string]any{"user": e.b.ID, "on": true})
	if d := decode[map[string]bool](t, b.expect(MsgMuted)); !d["on"] {
		t.Fatalf("muted = %v", d)
	}
	if d := decode[map[string]bool](t, b.expect(MsgHand)); d["up"] {
		t.Fatalf("the muted person's hand = %v, want it down", d)
	}
	for {
		if hands := decode[[]HandView](t, tr.expect(MsgHands)); len(hands) == 0 {
			break // the trainer's queue no longer has it
		}
	}
	b.send(MsgHand, map[string]bool{"up": true})
	b.refused("muted")
	b.send(MsgAsk, map[string]string{"text": "Tôi hỏi được không?"})
	b.refused("muted")

	// Remove: the connection ends with 1008 and the person cannot come back.
	tr.send(MsgRemove, map[string]int64{"user": e.b.ID})
	b.refused("removed")
	if _, _, err := b.ws.ReadMessage(); !websocket.IsCloseError(err, websocket.ClosePolicyViolation) {
		t.Fatalf("removed connection ended with %v", err)
	}
	// Coming back is refused before the upgrade, with a plain 403.
	if code := e.dialStatus(t, e.b); code != http.StatusForbidden {
		t.Fatalf("removed person's reconnection: HTTP %d, want 403", code)
	}
	if _, err := e.m.Check(ctx, e.sess.ID, e.b); !errors.Is(err, ErrRemoved) {
		t.Fatalf("check a removed person: %v", err)
	}
	waitRoster([]int64{e.trainer.ID, e.a.ID})

	// Everything was kept: questions with votes and status, chat, settings.
	waitFor(t, "questions stored", func() bool {
		qs, _ := e.db.Questions(ctx, e.sess.ID)
		return len(qs) == 2 && qs[0].Status == "answered" && len(qs[0].Voters) == 2 && qs[1].Status == "open"
	})
	chat, _ := e.db.RecentChat(ctx, e.sess.ID, 10)
	if len(chat) != 2 || chat[1].Body != "Xin chào cả lớp" || chat[1].Name != "hvb" {
		t.Fatalf("stored chat = %+v", chat)
	}

	// After a restart the room comes back with all of it.
	e.srv.Close()
	e.srv = nil
	e.m.Close()
	e.batch.Close()
	e.batch = store.NewBatcher(e.db, 512, time.Millisecond)
	e.db.Close()
	e2 := newEnv(t, path)
	snap := decode[Snapshot](t, e2.dial(t, e2.a).expect(MsgHello))
	if snap.ChatOn || !snap.Moderated || len(snap.Questions) != 2 || snap.Questions[0].Votes != 2 || len(snap.Chat) != 2 {
		t.Fatalf("after restart: chat %v moderated %v questions %+v chat %+v", snap.ChatOn, snap.Moderated, snap.Questions, snap.Chat)
	}
	if code := e2.dialStatus(t, e2.b); code != http.StatusForbidden {
		t.Fatalf("removed person after a restart: HTTP %d, want 403", code)
	}
	trs := decode[Snapshot](t, e2.dial(t, e2.trainer).expect(MsgHello))
	if trs.Roster == nil || !slices.Contains(trs.Roster.Muted, e2.b.ID) {
		t.Fatalf("mute lost in restart: %+v", trs.Roster)
	}
}

// A poll made from a bank question keeps its key from participants until it
// closes, and the key survives a restart.
func TestPollKeyShownAtClose(t *testing.T) {
	path := storetest.DSN(t)
	e := newEnv(t, path)
	tr, a := e.dial(t, e.trainer), e.dial(t, e.a)
	tr.expect(MsgHello)
	a.expect(MsgHello)
	tr.send(MsgPollOpen, map[string]any{"text": "Đúng hay sai?", "options": []string{"Đúng", "Sai"}, "correct": []int{2}})
	tr.refused("bad_request")
	tr.send(MsgPollOpen, map[string]any{"text": "Đúng hay sai?", "options": []string{"Đúng", "Sai", "Không rõ"}, "correct": []int{0, 1}})
	tr.refused("bad_request") // two keys for a single choice
	tr.send(MsgPollOpen, map[string]any{"text": "Đúng hay sai?", "options": []string{"Đúng", "Sai"}, "correct": []int{1}, "source": "q-0107"})
	if p := decode[PollView](t, a.expect(MsgPoll)); !p.Open || p.Correct != nil {
		t.Fatalf("open poll leaks its key: %+v", p)
	}
	// Restart with the poll open: the key is still known at the close.
	e.srv.Close()
	e.srv = nil
	e.m.Close()
	e.batch.Close()
	e.batch = store.NewBatcher(e.db, 512, time.Millisecond)
	e.db.Close()
	e2 := newEnv(t, path)
	tr2, a2 := e2.dial(t, e2.trainer), e2.dial(t, e2.a)
	if h := decode[Snapshot](t, a2.expect(MsgHello)); h.Poll == nil || h.Poll.Correct != nil {
		t.Fatalf("snapshot of the open poll: %+v", h.Poll)
	}
	tr2.expect(MsgHello)
	tr2.send(MsgPollClose, nil)
	if p := decode[PollView](t, a2.expect(MsgPoll)); p.Open || len(p.Correct) != 1 || p.Correct[0] != 1 {
		t.Fatalf("closed poll = %+v", p)
	}
}
