package live

import (
	"context"
	"strconv"
	"testing"

	"github.com/tdkt/tdkt/internal/broker"
	"github.com/tdkt/tdkt/internal/broker/brokertest"
	"github.com/tdkt/tdkt/internal/store/storetest"
)

// The same room over a real NATS server: the trainer on the edge drives
// slides, a poll and the voice; participants on both nodes follow, and an
// answer sent through the edge is acknowledged.
func TestClusterOverNATS(t *testing.T) {
	url := brokertest.Server(t).URL()
	path := storetest.DSN(t)
	bus := func(name string) *broker.Bus {
		b, err := broker.Connect(context.Background(), url, name)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(b.Close) // after the node's cleanup: registered first, run last
		return b
	}
	ba, bb := bus("a"), bus("b")
	na := newNode(t, path, nil, ba, "a")
	nb := newNode(t, path, na.clock, bb, "b")
	a := na.join(t, na.a, false)
	a.next(MsgHello)
	tr := nb.join(t, na.trainer, false)
	tr.next(MsgHello)
	b := nb.join(t, na.b, false)
	b.next(MsgHello)
	if !na.owns() || !nb.relays() {
		t.Fatal("node a should own the room and b relay it")
	}
	tr.send(MsgGoto, map[string]int{"index": 2})
	for _, r := range []*rec{tr, a, b} {
		r.next(MsgSlide)
	}
	tr.send(MsgPollOpen, map[string]any{"text": "Đúng?", "options": []string{"Đúng", "Sai"}})
	poll := decode[PollView](t, b.next(MsgPoll))
	a.next(MsgPoll)
	tr.next(MsgPoll)
	b.send(MsgAnswer, map[string]any{"poll": poll.ID, "choices": []int{1}})
	b.next(MsgAnswered)
	tr.send(MsgAudio, voiceOn)
	tr.next(MsgAudio)
	a.next(MsgAudio)
	b.next(MsgAudio)
	tr.sendBinary([]byte{audioKind, 0, 1, 'x'})
	a.next("binary")
	b.next("binary")
	for _, r := range []*rec{tr, a, b} {
		hello := decode[Snapshot](t, r.got[0])
		if got := r.numbered(); len(got) != 3 || got[0] != MsgSlide+"@"+strconv.FormatUint(hello.Seq+1, 10) {
			t.Fatalf("%s received %v after a hello at %d", r.name, got, hello.Seq)
		}
	}
}
