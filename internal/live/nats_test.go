package live

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/broker"
	"github.com/tdkt/tdkt/internal/store/storetest"
)

// natsURL starts a nats-server of the test's own on a free port; skipped
// when it is not installed, except under CI.
func natsURL(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("nats-server")
	if err != nil {
		if _, e := os.Stat("/usr/sbin/nats-server"); e == nil {
			bin, err = "/usr/sbin/nats-server", nil
		}
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but nats-server is not installed (.ci/run installs it)")
		}
		t.Skip("nats-server is not installed")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	cmd := exec.Command(bin, "-a", "127.0.0.1", "-p", port)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
			c.Close()
			return "nats://127.0.0.1:" + port
		}
		if time.Now().After(end) {
			t.Fatal("nats-server did not start")
		}
	}
}

// The same room over a real NATS server: the trainer on the edge drives
// slides, a poll and the voice; participants on both nodes follow, and an
// answer sent through the edge is acknowledged.
func TestClusterOverNATS(t *testing.T) {
	url := natsURL(t)
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
