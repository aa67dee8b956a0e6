package live

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// FuzzRoomHandle drives a room's dispatch of an inbound message, Room.handle
// (what the room's goroutine calls for each message a reader accepted), on
// the test goroutine, without a network: a trainer and a trainee are
// connected, a poll, a roll call and two questions are open, and the fuzzed
// (type, data) comes from one of them. The room must not panic, must keep
// its counts consistent, and must still welcome a new connection and
// answer a valid message afterwards.
//
// data is passed as the reader would hand it over (json.RawMessage), but
// need not be valid JSON: the handlers decode it themselves and must refuse
// anything they cannot read.

type fuzzRoomEnv struct {
	db                *store.DB
	batch             *store.Batcher
	sess              model.LiveSession
	trainer, a, b     model.User
	pollID, rollID    int64
	clock             func() time.Time
	expected          []store.RosterEntry
	questionsAt, ends time.Time
}

func newFuzzRoomEnv(f testing.TB) *fuzzRoomEnv {
	f.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(f.TempDir(), "tdkt.db"))
	if err != nil {
		f.Fatal(err)
	}
	batch := store.NewBatcher(db, 512, time.Millisecond)
	f.Cleanup(func() {
		batch.Close()
		db.Close()
	})
	now := time.Date(2026, 11, 30, 1, 1, 0, 0, time.UTC)
	e := &fuzzRoomEnv{db: db, batch: batch, clock: func() time.Time { return now }, questionsAt: now, ends: now.Add(time.Hour)}
	var users []model.User
	err = db.WithTx(ctx, func(tx *store.Tx) error {
		prov := model.Unit{Code: "24", Name: "Tỉnh", Kind: model.KindProvince}
		if err := tx.CreateUnit(ctx, &prov); err != nil {
			return err
		}
		xa := model.Unit{Code: "X1", Name: "Xã", Kind: model.KindCommune, ParentID: prov.ID}
		if err := tx.CreateUnit(ctx, &xa); err != nil {
			return err
		}
		for _, spec := range []struct {
			name string
			role model.Role
			unit int64
		}{{"gv", model.RoleTrainer, prov.ID}, {"hva", model.RoleTrainee, xa.ID}, {"hvb", model.RoleTrainee, xa.ID}} {
			u := model.User{Username: spec.name, FullName: spec.name, Role: spec.role, UnitID: spec.unit, PasswordHash: "h"}
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
			users = append(users, u)
		}
		e.sess = model.LiveSession{Code: "123456", Title: "Hội nghị", StartsAt: now.Add(-time.Minute), EndsAt: e.ends,
			LateAfter: 10 * time.Minute, PresentPct: 80, TrainerID: users[0].ID}
		if err := tx.CreateLiveSession(ctx, &e.sess, []int64{xa.ID}, nil); err != nil {
			return err
		}
		// The open poll, roll call and questions every fuzzed message meets.
		if e.pollID, err = tx.OpenPoll(ctx, e.sess.ID, `{"text":"?"}`, now); err != nil {
			return err
		}
		if e.rollID, err = tx.OpenRollCall(ctx, e.sess.ID, now, now.Add(time.Minute)); err != nil {
			return err
		}
		for _, q := range []store.LiveQuestion{{Seq: 1, UserID: users[2].ID, Body: "Hỏi?", Status: "open", At: now},
			{Seq: 2, UserID: users[2].ID, Body: "Chờ?", Status: "pending", At: now}} {
			if err := tx.SaveQuestion(ctx, e.sess.ID, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
	e.trainer, e.a, e.b = users[0], users[1], users[2]
	e.expected = []store.RosterEntry{{ID: e.a.ID, Name: e.a.FullName, Unit: "Xã"}, {ID: e.b.ID, Name: e.b.FullName, Unit: "Xã"}}
	return e
}

// room makes a fresh room with the fixture's state, and its two connections.
func (e *fuzzRoomEnv) room() (r *Room, trainer, trainee *Client) {
	r = newRoom(e.sess, e.expected, e.db, e.batch, Options{Clock: e.clock, Slides: func(model.LiveSession) int { return 8 },
		Inline: func(s string) string { return "<b>" + s + "</b>" }})
	r.poll = &pollState{view: PollView{ID: e.pollID, Text: "?", Options: []string{"A", "B", "C"}, Multiple: true, Open: true},
		correct: []int{0}, answers: map[int64][]int{e.b.ID: {1, 2}}, tally: []int{0, 1, 1}}
	r.roll = &rollState{view: RollCallView{ID: e.rollID, ClosesAt: e.clock().Add(time.Minute).UnixMilli(), Open: true}, marks: map[int64]bool{e.b.ID: true}}
	at := e.questionsAt.UnixMilli()
	r.talk.questions = []*question{
		{view: QuestionView{Seq: 1, Name: e.b.FullName, Text: "Hỏi?", Status: "open", At: at}, userID: e.b.ID, voters: map[int64]bool{}},
		{view: QuestionView{Seq: 2, Name: e.b.FullName, Text: "Chờ?", Status: "pending", At: at}, userID: e.b.ID, voters: map[int64]bool{}},
	}
	trainer = &Client{room: r, p: Participant{ID: e.trainer.ID, Name: e.trainer.FullName, Trainer: true}, send: make(chan *frame, sendQueue)}
	trainee = &Client{room: r, p: Participant{ID: e.a.ID, Name: e.a.FullName}, send: make(chan *frame, sendQueue)}
	r.add(trainer)
	r.add(trainee)
	return r, trainer, trainee
}

// drain empties a connection's queue and returns the types of the messages
// sent to it alone (broadcasts are prepared messages, not kept as bytes).
func drain(t *testing.T, c *Client) []Outgoing {
	t.Helper()
	var out []Outgoing
	for {
		select {
		case f, ok := <-c.send:
			if !ok {
				return out
			}
			if f.raw == nil {
				if f.pm == nil {
					t.Fatal("an empty frame was queued")
				}
				continue
			}
			var m Outgoing
			if err := json.Unmarshal(f.raw, &m); err != nil || m.Type == "" {
				t.Fatalf("the room sent a frame that is not a message: %q", f.raw)
			}
			out = append(out, m)
		default:
			return out
		}
	}
}

func FuzzRoomHandle(f *testing.F) {
	e := newFuzzRoomEnv(f)
	// The fixture is live: valid messages change the room.
	r, trainer, trainee := e.room()
	r.handle(trainer, Incoming{Type: MsgGoto, Data: json.RawMessage(`{"index":3}`)})
	r.handle(trainer, Incoming{Type: MsgPollOpen, Data: json.RawMessage(`{"text":"Chọn?","options":["A","B"]}`)})
	r.handle(trainee, Incoming{Type: MsgVote, Data: json.RawMessage(`{"question":1}`)})
	if r.slide != 3 || r.poll == nil || r.poll.view.Text != "Chọn?" || r.poll.view.ID == e.pollID || r.talk.questions[0].view.Votes != 1 {
		f.Fatalf("the fixture room did not take valid messages: slide %d, poll %+v", r.slide, r.poll)
	}
	for _, s := range []struct {
		typ, data string
		trainer   bool
	}{
		{MsgPing, ``, false},
		{MsgGoto, `{"index":3}`, true},
		{MsgGoto, `{"index":3}`, false},
		{MsgGoto, `{"index":-1}`, true},
		{MsgPollOpen, `{"text":"Chọn?","options":["A","B"],"multiple":false,"correct":[1],"source":"m01-a"}`, true},
		{MsgPollClose, ``, true},
		{MsgAnswer, `{"poll":1,"choices":[0,2]}`, false},
		{MsgAnswer, `{"poll":1,"choices":[5]}`, false},
		{MsgRollCallOpen, `{"seconds":30}`, true},
		{MsgRollCallClose, ``, true},
		{MsgHere, `{"rollcall":1}`, false},
		{MsgHand, `{"up":true}`, false},
		{MsgHand, `{"up":false,"user":3}`, true},
		{MsgAsk, `{"text":"Câu hỏi?"}`, false},
		{MsgVote, `{"question":1}`, false},
		{MsgVote, `{"question":9223372036854775807}`, false},
		{MsgModerate, `{"question":2,"action":"approve"}`, true},
		{MsgModeration, `{"on":true}`, true},
		{MsgChatToggle, `{"on":false}`, true},
		{MsgSay, `{"text":"Xin chào"}`, false},
		{MsgMute, `{"user":2,"on":true}`, true},
		{MsgRemove, `{"user":2}`, true},
		{"fly", `null`, false},
		{MsgSay, "{\"text\":\"\xff\xfe\"}", false},
	} {
		f.Add(s.typ, []byte(s.data), s.trainer)
	}
	f.Fuzz(func(t *testing.T, typ string, data []byte, asTrainer bool) {
		r, trainer, trainee := e.room()
		drain(t, trainer)
		drain(t, trainee)
		from := trainee
		if asTrainer {
			from = trainer
		}
		r.handle(from, Incoming{Type: typ, Data: data})
		// What the room's goroutine does on its timers.
		r.pushCounts()
		r.pushTalk()
		drain(t, trainer)
		drain(t, trainee)

		if p := r.poll; p != nil {
			if len(p.tally) != len(p.view.Options) {
				t.Fatalf("%d counts for %d options", len(p.tally), len(p.view.Options))
			}
			want := make([]int, len(p.tally))
			for _, choices := range p.answers {
				for _, i := range choices {
					want[i]++
				}
			}
			for i := range want {
				if p.tally[i] != want[i] {
					t.Fatalf("tally %v, but the answers %v count %v", p.tally, p.answers, want)
				}
			}
		}
		for i, q := range r.talk.questions {
			if q.view.Seq != int64(i+1) || q.view.Votes != len(q.voters) {
				t.Fatalf("question %d: seq %d, %d votes from %d voters", i+1, q.view.Seq, q.view.Votes, len(q.voters))
			}
		}

		// A new connection of the trainer is welcomed with a snapshot, and
		// a valid message of theirs is answered.
		again := &Client{room: r, p: trainer.p, send: make(chan *frame, sendQueue)}
		r.add(again)
		r.handle(again, Incoming{Type: MsgHand, Data: json.RawMessage(`{"up":true}`)})
		got := drain(t, again)
		if len(got) < 2 || got[0].Type != MsgHello || got[len(got)-1].Type != MsgHand {
			t.Fatalf("after %s %q the room sent a new connection %+v, want hello then hand", typ, data, got)
		}
		var snap Snapshot
		if b, _ := json.Marshal(got[0].Data); json.Unmarshal(b, &snap) != nil || snap.Roster == nil || snap.You.ID != trainer.p.ID {
			t.Fatalf("hello is not a trainer's snapshot: %+v", got[0].Data)
		}
		for c := range r.clients {
			r.remove(c) // closes their presence, as a disconnection does
		}
	})
}
