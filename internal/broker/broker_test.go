package broker_test

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/broker"
	"github.com/tdkt/tdkt/internal/broker/brokertest"
	"github.com/tdkt/tdkt/internal/live"
)

var _ live.Bus = (*broker.Bus)(nil)

func connect(t *testing.T, s *broker.Server, name string) *broker.Bus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := broker.Connect(ctx, s.URL(), name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

func receive(t *testing.T, ch <-chan []byte) string {
	t.Helper()
	select {
	case b := <-ch:
		return string(b)
	case <-time.After(10 * time.Second):
		t.Fatal("nothing arrived")
		return ""
	}
}

// What one node publishes on a subject reaches another node's subscriber
// in order, and nothing after it unsubscribes; other subjects are apart.
func TestPublishSubscribeOrder(t *testing.T) {
	s := brokertest.Server(t)
	pub, sub := connect(t, s, "pub"), connect(t, s, "sub")
	got, other := make(chan []byte, 2000), make(chan []byte, 10)
	unsub, err := sub.Subscribe("room.1", func(b []byte) { got <- b })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sub.Subscribe("room.1.owner", func(b []byte) { other <- b }); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 0, 16)
	for i := 0; i < 1000; i++ {
		buf = strconv.AppendInt(buf[:0], int64(i), 10)
		if err := pub.Publish("room.1", buf); err != nil { // the buffer is reused: Publish copied it
			t.Fatal(err)
		}
	}
	for i := 0; i < 1000; i++ {
		if m := receive(t, got); m != strconv.Itoa(i) {
			t.Fatalf("message %d is %q", i, m)
		}
	}
	if len(other) != 0 {
		t.Fatal("a message reached another subject")
	}
	unsub()
	// Subscribe waits for the server's answer, and the server reads a
	// connection in order: once it returns, the unsubscribe is done there.
	if _, err := sub.Subscribe("room.2", func([]byte) {}); err != nil {
		t.Fatal(err)
	}
	if err := pub.Publish("room.1", []byte("late")); err != nil {
		t.Fatal(err)
	}
	if err := pub.Publish("room.1.owner", []byte("marker")); err != nil {
		t.Fatal(err)
	}
	if m := receive(t, other); m != "marker" {
		t.Fatalf("marker = %q", m)
	}
	select {
	case m := <-got:
		t.Fatalf("received %q after unsubscribing", m)
	case <-time.After(100 * time.Millisecond):
	}
	if s := fmt.Sprint(pub.Connected(), sub.Connected()); s != "true true" {
		t.Fatalf("connected: %s", s)
	}
}

// The NATS server restarts: both clients reconnect by themselves, and a
// publish after that reaches the subscriber.
func TestReconnectAfterServerRestart(t *testing.T) {
	s := brokertest.Server(t)
	pub, sub := connect(t, s, "pub"), connect(t, s, "sub")
	got := make(chan []byte, 100)
	if _, err := sub.Subscribe("room.2", func(b []byte) { got <- b }); err != nil {
		t.Fatal(err)
	}
	if err := pub.Publish("room.2", []byte("before")); err != nil {
		t.Fatal(err)
	}
	if m := receive(t, got); m != "before" {
		t.Fatal(m)
	}
	s.Stop()
	for end := time.Now().Add(10 * time.Second); pub.Connected() || sub.Connected(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("the clients did not notice the server stop")
		}
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(20 * time.Second); !pub.Connected() || !sub.Connected(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("the clients did not reconnect")
		}
	}
	// The subscriber has re-sent its subscription as it reconnected; a new
	// subscription, answered by the server after it (one connection is read
	// in order), makes sure the server has it before the publish.
	if _, err := sub.Subscribe("barrier", func([]byte) {}); err != nil {
		t.Fatal(err)
	}
	if err := pub.Publish("room.2", []byte("after")); err != nil {
		t.Fatal(err)
	}
	for {
		m := receive(t, got)
		if m == "after" {
			return
		}
		if m != "before" {
			t.Fatalf("received %q", m)
		}
	}
}

// A first connection that cannot be made in time fails, with the reason.
func TestConnectFails(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := broker.Connect(ctx, "nats://127.0.0.1:"+strconv.Itoa(port), "x"); err == nil {
		t.Fatal("connected to nothing")
	}
}
