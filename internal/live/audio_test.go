package live

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/tdkt/tdkt/internal/store/storetest"
)

var voiceOn = map[string]any{"on": true, "codec": "opus", "sample_rate": 48000, "channels": 1, "frame_ms": 60, "kbps": 24}

// nextBinary reads until a binary message arrives and splits its header.
func (c *conn) nextBinary() (seq uint32, ts int64, packets []byte) {
	c.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		kind, b, err := c.ws.ReadMessage()
		if err != nil {
			c.t.Fatalf("waiting for audio: %v", err)
		}
		if kind != websocket.BinaryMessage {
			continue
		}
		if len(b) < audioHeader || b[0] != audioKind {
			c.t.Fatalf("audio message % x", b)
		}
		return binary.BigEndian.Uint32(b[1:]), int64(binary.BigEndian.Uint64(b[5:])), b[audioHeader:]
	}
}

func (c *conn) sendBinary(b []byte) {
	c.t.Helper()
	if err := c.ws.WriteMessage(websocket.BinaryMessage, b); err != nil {
		c.t.Fatal(err)
	}
}

// The trainer's voice: announced with its encoding, relayed to every
// listener with a sequence number and the server's time, heard by one who
// joins late, refused from a trainee and when malformed, and ended when the
// trainer stops or leaves.
func TestVoiceRelay(t *testing.T) {
	e := newEnv(t, storetest.DSN(t))
	e.clock.Set(at(5))
	tr, a := e.dial(t, e.trainer), e.dial(t, e.a)
	tr.expect(MsgHello)
	if hello := decode[map[string]json.RawMessage](t, a.expect(MsgHello)); string(hello["audio"]) != "null" {
		t.Fatalf("hello before the voice: audio = %s, want null", hello["audio"])
	}
	tr.send(MsgAudio, voiceOn)
	if got := decode[map[string]any](t, a.expect(MsgAudio)); got["on"] != true || got["codec"] != "opus" || got["frame_ms"] != 60.0 {
		t.Fatalf("audio announced as %v", got)
	}
	packets := []byte{0, 3, 'a', 'b', 'c', 0, 2, 'd', 'e'}
	tr.sendBinary(append([]byte{audioKind}, packets...))
	seq, ts, got := a.nextBinary()
	if seq != 1 || ts != at(5).UnixMilli() || !bytes.Equal(got, packets) {
		t.Fatalf("relayed seq %d ts %d % x", seq, ts, got)
	}
	// A late joiner learns the encoding from its hello and hears what follows.
	b := e.dial(t, e.b)
	hello := decode[struct {
		Audio *AudioConfig `json:"audio"`
	}](t, b.expect(MsgHello))
	if hello.Audio == nil || hello.Audio.SampleRate != 48000 || hello.Audio.Kbps != 24 {
		t.Fatalf("late joiner's hello: %+v", hello.Audio)
	}
	tr.sendBinary([]byte{audioKind, 0, 1, 'f'})
	if seq, _, got := b.nextBinary(); seq != 2 || string(got) != "\x00\x01f" {
		t.Fatalf("late joiner got seq %d % x", seq, got)
	}
	if seq, _, _ := a.nextBinary(); seq != 2 {
		t.Fatalf("first listener got seq %d", seq)
	}
	// Refused: a trainee speaking, a malformed message, a bad encoding.
	a.sendBinary([]byte{audioKind, 0, 1, 'x'})
	if e := decode[ErrorData](t, a.expect(MsgError)); e.Code != "forbidden" {
		t.Fatalf("a trainee's audio: %+v", e)
	}
	tr.sendBinary([]byte{audioKind, 0, 9, 'x'})
	if e := decode[ErrorData](t, tr.expect(MsgError)); e.Code != "bad_request" {
		t.Fatalf("a packet longer than the message: %+v", e)
	}
	tr.send(MsgAudio, map[string]any{"on": true, "codec": "mp3", "sample_rate": 44100, "channels": 2, "frame_ms": 60, "kbps": 128})
	if e := decode[ErrorData](t, tr.expect(MsgError)); e.Code != "bad_request" || !strings.Contains(e.Message, "Opus") {
		t.Fatalf("an MP3 stream: %+v", e)
	}
	// Off: everyone is told; audio now is refused; a new hello says null.
	tr.send(MsgAudio, map[string]any{"on": false})
	if got := decode[map[string]any](t, a.expect(MsgAudio)); got["on"] != false {
		t.Fatalf("voice off announced as %v", got)
	}
	tr.sendBinary([]byte{audioKind, 0, 1, 'x'})
	if e := decode[ErrorData](t, tr.expect(MsgError)); e.Code != "bad_request" || !strings.Contains(e.Message, "voice is off") {
		t.Fatalf("audio while off: %+v", e)
	}
	// The trainer speaks again, then leaves: the voice ends with them.
	b.expect(MsgAudio) // the off above
	tr.send(MsgAudio, voiceOn)
	b.expect(MsgAudio)
	tr.ws.Close()
	if got := decode[map[string]any](t, b.expect(MsgAudio)); got["on"] != false {
		t.Fatalf("after the trainer left: %v", got)
	}
}

// A listener whose audio queue is full loses that audio message only: it
// stays in the room and still gets the next slide.
func TestAudioIsDroppedNotTheListener(t *testing.T) {
	e := newEnv(t, storetest.DSN(t))
	r := newRoom(e.sess, nil, e.db, e.batch, Options{}) // not running: the test is its only goroutine
	var dropped atomic.Int64
	r.audioDropped = &dropped
	trainer := &Client{room: r, p: Participant{ID: e.trainer.ID, Trainer: true}, send: make(chan *frame, sendQueue), audio: make(chan *websocket.PreparedMessage, audioQueue)}
	behind := &Client{room: r, p: Participant{ID: e.a.ID}, send: make(chan *frame, sendQueue), audio: make(chan *websocket.PreparedMessage, audioQueue)}
	for _, c := range []*Client{trainer, behind} {
		r.clients[c] = struct{}{}
		r.byUser[c.p.ID] = []*Client{c}
	}
	r.trainers[trainer] = struct{}{}
	r.audio = &AudioConfig{Codec: "opus", SampleRate: 48000, Channels: 1, FrameMS: 60, Kbps: 24}
	for range audioQueue {
		r.relayAudio(trainer, []byte{audioKind, 0, 1, 'x'})
	}
	if len(behind.audio) != audioQueue || dropped.Load() != 0 {
		t.Fatalf("queue %d, dropped %d", len(behind.audio), dropped.Load())
	}
	r.relayAudio(trainer, []byte{audioKind, 0, 1, 'y'}) // on this goroutine: a wait would hang the test
	if _, still := r.clients[behind]; !still || dropped.Load() != 1 {
		t.Fatalf("listener kept: %v, dropped %d; want kept and 1", still, dropped.Load())
	}
	if len(trainer.audio) != 0 {
		t.Fatal("the trainer was sent their own voice")
	}
	r.broadcast(MsgSlide, map[string]int{"index": 2})
	if len(behind.send) != 1 {
		t.Fatalf("the slide did not reach the listener behind on audio: %d", len(behind.send))
	}
}

// The writer sends the room's messages before audio that was queued
// earlier: speech never holds back a slide change.
func TestWriterPutsRoomMessagesBeforeAudio(t *testing.T) {
	got := make(chan int, 2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		up := websocket.Upgrader{}
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		c := &Client{conn: ws, send: make(chan *frame, 1), audio: make(chan *websocket.PreparedMessage, 1)}
		pm, _ := websocket.NewPreparedMessage(websocket.BinaryMessage, []byte{audioKind})
		c.audio <- pm // queued first
		c.send <- &frame{raw: []byte(`{"t":"slide"}`)}
		close(c.send) // then the close frame ends the writer
		c.writePump()
	}))
	defer srv.Close()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		kind, _, err := ws.ReadMessage()
		if err != nil {
			break
		}
		got <- kind
	}
	if len(got) == 0 || <-got != websocket.TextMessage {
		t.Fatal("the first message out was not the room's")
	}
}
