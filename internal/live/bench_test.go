package live

import (
	"testing"

	"github.com/tdkt/tdkt/internal/model"
)

// benchRoom is a room that is not running, with n connections whose queues
// the benchmark empties itself: what a broadcast and a filtered refresh
// cost on the room's goroutine, without sockets.
func benchRoom(b *testing.B, n int) (*Room, []*Client) {
	b.Helper()
	e := newFuzzRoomEnv(b)
	r := newRoom(e.sess, e.expected, e.db, e.batch, Options{Clock: e.clock, Slides: func(model.LiveSession) int { return 8 }})
	r.poll = &pollState{view: PollView{ID: e.pollID, Text: "?", Options: []string{"A", "B"}, Open: true}, answers: map[int64][]int{}, tally: []int{0, 0}}
	cs := make([]*Client, n)
	for i := range cs {
		cs[i] = &Client{room: r, p: Participant{ID: int64(1000 + i), Name: "x"}, send: make(chan *frame, sendQueue), lean: i%2 == 0, chat: i%2 == 1}
		r.clients[cs[i]] = struct{}{}
		r.byUser[cs[i].p.ID] = []*Client{cs[i]}
	}
	return r, cs
}

func drainAll(cs []*Client) {
	for _, c := range cs {
		for len(c.send) > 0 {
			<-c.send
		}
	}
}

func BenchmarkBroadcast(b *testing.B) {
	r, cs := benchRoom(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		r.broadcast(MsgSlide, map[string]int{"index": 1})
		drainAll(cs)
	}
}

func BenchmarkRefresh(b *testing.B) {
	r, cs := benchRoom(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		r.refresh(MsgChat, ChatView{From: 1, Name: "x", Text: "hello"}, func(c *Client) bool { return c.chat })
		drainAll(cs)
	}
}
