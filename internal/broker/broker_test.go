package broker

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/live"
)

var _ live.Bus = (*Bus)(nil)

// server is a nats-server of a test's own, on a free port.
type server struct {
	t    *testing.T
	bin  string
	port int
	cmd  *exec.Cmd
}

// startServer starts nats-server, skipping the test when it is not
// installed, except under CI (.ci/run installs it).
func startServer(t *testing.T) *server {
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
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := &server{t: t, bin: bin, port: port}
	s.start()
	t.Cleanup(s.stop)
	return s
}

func (s *server) url() string { return "nats://127.0.0.1:" + strconv.Itoa(s.port) }

func (s *server) start() {
	s.t.Helper()
	s.cmd = exec.Command(s.bin, "-a", "127.0.0.1", "-p", strconv.Itoa(s.port))
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(s.port))
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(end) {
			s.t.Fatalf("nats-server did not listen on %d: %v", s.port, err)
		}
	}
}

func (s *server) stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

func connect(t *testing.T, s *server, name string) *Bus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := Connect(ctx, s.url(), name)
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
	s := startServer(t)
	pub, sub := connect(t, s, "pub"), connect(t, s, "sub")
	got, other := make(chan []byte, 2000), make(chan []byte, 10)
	unsub, err := sub.Subscribe("room.1", func(b []byte) { got <- b })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sub.Subscribe("room.1.owner", func(b []byte) { other <- b }); err != nil {
		t.Fatal(err)
	}
	if err := sub.nc.Flush(); err != nil { // the subscriptions are on the server
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
	if err := sub.nc.Flush(); err != nil {
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
	s := startServer(t)
	pub, sub := connect(t, s, "pub"), connect(t, s, "sub")
	got := make(chan []byte, 100)
	if _, err := sub.Subscribe("room.2", func(b []byte) { got <- b }); err != nil {
		t.Fatal(err)
	}
	if err := sub.nc.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := pub.Publish("room.2", []byte("before")); err != nil {
		t.Fatal(err)
	}
	if m := receive(t, got); m != "before" {
		t.Fatal(m)
	}
	s.stop()
	for end := time.Now().Add(10 * time.Second); pub.Connected() || sub.Connected(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("the clients did not notice the server stop")
		}
	}
	s.start()
	for end := time.Now().Add(20 * time.Second); !pub.Connected() || !sub.Connected(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("the clients did not reconnect")
		}
	}
	// The subscriber has re-sent its subscription as it reconnected; the
	// flush makes sure the server has it before the publish.
	if err := sub.nc.Flush(); err != nil {
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
	if _, err := Connect(ctx, "nats://127.0.0.1:"+strconv.Itoa(port), "x"); err == nil {
		t.Fatal("connected to nothing")
	}
}
