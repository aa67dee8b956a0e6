package live

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store/storetest"
)

// dialLean joins as u in the text-only mode a phone on 3G asks for.
func (e *env) dialLean(t *testing.T, u model.User) *conn {
	t.Helper()
	url := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/?lean=1&user=" + strconv.FormatInt(u.ID, 10)
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial lean as %s: %v", u.Username, err)
	}
	t.Cleanup(func() { ws.Close() })
	return &conn{t, ws}
}

// A lean connection gets the room's state and its changes, not the voice,
// not the chat unless it follows it, and the running tally of a poll at
// most every leanTallyEvery; the final tally reaches it as everyone.
func TestLeanConnection(t *testing.T) {
	e := newEnv(t, storetest.DSN(t))
	e.clock.Set(at(5))
	tr, a := e.dial(t, e.trainer), e.dial(t, e.a)
	tr.expect(MsgHello)
	a.expect(MsgHello)
	tr.send(MsgSay, map[string]string{"text": "Chào các đồng chí"})
	a.expect(MsgChat)
	b := e.dialLean(t, e.b)
	hello := decode[Snapshot](t, b.expect(MsgHello))
	if !hello.Lean || len(hello.Chat) != 0 {
		t.Fatalf("lean hello: lean %v, %d chat lines", hello.Lean, len(hello.Chat))
	}

	// The voice and the chat pass it by; the slide does not.
	tr.send(MsgAudio, voiceOn)
	b.expect(MsgAudio)
	tr.sendBinary([]byte{audioKind, 0, 1, 'x'})
	a.nextBinary()
	tr.send(MsgSay, map[string]string{"text": "Mở tài liệu trang 3"})
	a.expect(MsgChat)
	tr.send(MsgGoto, map[string]int{"index": 2})
	if _, skipped := b.until(MsgSlide); len(skipped) > 0 {
		t.Fatalf("a lean connection was sent %v", skipped)
	}

	// Following the chat: the latest lines, then each new one.
	b.send(MsgChatFollow, map[string]bool{"on": true})
	if log := decode[[]ChatView](t, b.expect(MsgChatLog)); len(log) != 2 || log[1].Text != "Mở tài liệu trang 3" {
		t.Fatalf("chat log: %+v", log)
	}
	tr.send(MsgSay, map[string]string{"text": "Còn 5 phút"})
	if line := decode[ChatView](t, b.expect(MsgChat)); line.Text != "Còn 5 phút" {
		t.Fatalf("followed chat: %+v", line)
	}
	b.send(MsgChatFollow, "yes")
	if er := decode[ErrorData](t, b.expect(MsgError)); er.Code != "bad_request" {
		t.Fatalf("a malformed chat_follow: %+v", er)
	}

	// A beat is answered, so a browser knows its link still carries.
	b.send(MsgBeat, nil)
	b.expect(MsgBeat)

	// Tallies: the full connection gets each running one, the lean one the
	// first, then none until leanTallyEvery has passed on the room's clock.
	tr.send(MsgPollOpen, map[string]any{"text": "Ai ký Giấy khen?", "options": []string{"Chủ tịch xã", "Chủ tịch tỉnh"}})
	pollID := decode[PollView](t, b.expect(MsgPoll)).ID
	a.expect(MsgPoll)
	a.send(MsgAnswer, map[string]any{"poll": pollID, "choices": []int{0}})
	a.expect(MsgAnswered)
	if got := decode[map[string]any](t, b.expect(MsgTally)); got["answers"] != 1.0 {
		t.Fatalf("lean tally: %v", got)
	}
	b.send(MsgAnswer, map[string]any{"poll": pollID, "choices": []int{1}})
	b.expect(MsgAnswered)
	waitFor(t, "the full connection's second tally", func() bool {
		return decode[map[string]any](t, a.expect(MsgTally))["answers"] == 2.0
	})
	b.send(MsgBeat, nil) // anything sent to b now arrives before this beat's answer
	if _, skipped := b.until(MsgBeat); slices.Contains(skipped, MsgTally) {
		t.Fatalf("a lean connection got a tally within %s of the last: %v", leanTallyEvery, skipped)
	}
	e.clock.Set(at(5).Add(leanTallyEvery))
	tr.send(MsgPollClose, nil)
	var final map[string]any
	for final == nil || final["final"] != true {
		out := b.expect(MsgTally)
		final = decode[map[string]any](t, out)
		if final["final"] == true && out.Seq == 0 {
			t.Fatal("the final tally is not numbered")
		}
	}
	if final["answers"] != 2.0 {
		t.Fatalf("final tally: %v", final)
	}
}
