package loadtest

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// ConferenceConfig is a conference played in real time to measure what one
// participant's connection costs in bytes.
type ConferenceConfig struct {
	Exe          string
	Participants int
	Lean         bool          // participants join text-only (?lean=1)
	Duration     time.Duration // how long the conference is played
	Log          io.Writer
}

// ConferenceBytes is what a participant's connection carried, per hour of
// conference, measured on the TCP connection itself (websocket frames,
// pings and pongs included) and scaled from the time played.
type ConferenceBytes struct {
	Participants int     `json:"participants"`
	Joined       int     `json:"joined"`
	Lean         bool    `json:"lean"`
	Seconds      float64 `json:"seconds"`
	// The script, as it ran: per hour, a slide a minute, a poll every ten
	// minutes that everyone answers, a roll call every fifteen that everyone
	// marks, a chat line every ten seconds, a question every two minutes
	// that a tenth up-vote, and the trainer's voice (24 kbit/s) throughout.
	Slides         int     `json:"slides"`
	Polls          int     `json:"polls"`
	RollCalls      int     `json:"roll_calls"`
	ChatLines      int     `json:"chat_lines"`
	Questions      int     `json:"questions"`
	HelloBytes     float64 `json:"hello_bytes"`       // the first message, once per connection
	InPerHourKB    float64 `json:"in_kb_per_hour"`    // server to participant, TCP payload
	OutPerHourKB   float64 `json:"out_kb_per_hour"`   // participant to server
	TotalPerHourMB float64 `json:"total_mb_per_hour"` // both ways, TCP payload, plus one hello
	// With an estimate of the IPv4 and TCP headers (52 bytes with
	// timestamps) on every read and write of the connection and on the
	// acknowledgement each one calls for.
	WithHeadersPerHourMB float64 `json:"total_mb_per_hour_with_headers"`
	FirstError           string  `json:"first_error,omitempty"`
}

// countingConn counts what crosses one participant's TCP connection.
type countingConn struct {
	net.Conn
	in, out, reads, writes *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.in.Add(int64(n))
		c.reads.Add(1)
	}
	return n, err
}

func (c countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if n > 0 {
		c.out.Add(int64(n))
		c.writes.Add(1)
	}
	return n, err
}

// Conference seeds a session, starts a server, joins the participants and
// plays the script for cfg.Duration, counting every byte of every
// participant's connection from just after its hello.
func Conference(ctx context.Context, cfg ConferenceConfig) (ConferenceBytes, error) {
	logf := logger(cfg.Log)
	out := ConferenceBytes{Participants: cfg.Participants, Lean: cfg.Lean}
	dir, err := os.MkdirTemp("", "tdkt-conference-")
	if err != nil {
		return out, err
	}
	defer os.RemoveAll(dir)
	seed, err := seedLive(ctx, filepath.Join(dir, "tdkt.db"), cfg.Participants)
	if err != nil {
		return out, fmt.Errorf("loadtest: seed: %w", err)
	}
	server, stop, _, err := startServerPID(ctx, cfg.Exe, dir)
	if err != nil {
		return out, err
	}
	defer stop()
	base := "ws" + strings.TrimPrefix(server, "http") + "/live/" + strconv.FormatInt(seed.session, 10) + "/ws"
	var in, outB, reads, writes, hello atomic.Int64
	counting := &websocket.Dialer{HandshakeTimeout: 30 * time.Second, ReadBufferSize: 1024, WriteBufferSize: 1024,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return countingConn{c, &in, &outB, &reads, &writes}, nil
		}}
	plain := &websocket.Dialer{HandshakeTimeout: 30 * time.Second}
	trainer, _, err := plain.DialContext(ctx, base, http.Header{"Cookie": {"tdkt_session=" + seed.trainer}})
	if err != nil {
		return out, fmt.Errorf("loadtest: trainer join: %w", err)
	}
	defer trainer.Close()
	var twrite sync.Mutex
	send := func(typ string, data any) error {
		b, _ := json.Marshal(map[string]any{"t": typ, "d": data})
		twrite.Lock()
		defer twrite.Unlock()
		return trainer.WriteMessage(websocket.TextMessage, b)
	}
	go func() { // the trainer's own messages are not counted; they are read and dropped
		for {
			if _, _, err := trainer.ReadMessage(); err != nil {
				return
			}
		}
	}()
	url := base
	if cfg.Lean {
		url += "?lean=1"
	}
	var firstErr atomic.Value
	conns := make([]*websocket.Conn, 0, len(seed.sessions))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, tok := range seed.sessions {
		wg.Add(1)
		go func(i int, tok string) {
			defer wg.Done()
			time.Sleep(time.Duration(i) * 5 * time.Second / time.Duration(len(seed.sessions)))
			ws, _, err := counting.DialContext(ctx, url, http.Header{"Cookie": {"tdkt_session=" + tok}})
			if err == nil {
				var b []byte
				if _, b, err = ws.ReadMessage(); err == nil {
					hello.Add(int64(len(b)))
				}
			}
			if err != nil {
				firstErr.CompareAndSwap(nil, err.Error())
				return
			}
			mu.Lock()
			conns = append(conns, ws)
			mu.Unlock()
			go participant(ws, i)
		}(i, tok)
	}
	wg.Wait()
	out.Joined = len(conns)
	if v, ok := firstErr.Load().(string); ok {
		out.FirstError = v
	}
	if out.Joined == 0 {
		return out, errors.New("loadtest: no participant joined: " + out.FirstError)
	}
	logf("%d joined; playing the conference for %s", out.Joined, cfg.Duration)
	time.Sleep(time.Second)
	in0, out0, r0, w0 := in.Load(), outB.Load(), reads.Load(), writes.Load()
	t0 := time.Now()
	if err := play(ctx, cfg.Duration, send, trainer, &twrite, &out, conns, logf); err != nil {
		return out, err
	}
	time.Sleep(2 * time.Second) // the last messages arrive
	secs := time.Since(t0).Seconds()
	out.Seconds = round(secs)
	n := float64(out.Joined)
	scale := 3600 / secs / n
	inB, outBytes := float64(in.Load()-in0), float64(outB.Load()-out0)
	segs := float64(reads.Load()-r0+writes.Load()-w0) * 2 // each, and the acknowledgement it calls for
	out.HelloBytes = round(float64(hello.Load()) / n)
	out.InPerHourKB = round(inB * scale / 1024)
	out.OutPerHourKB = round(outBytes * scale / 1024)
	out.TotalPerHourMB = round(((inB+outBytes)*scale + out.HelloBytes) / (1 << 20))
	out.WithHeadersPerHourMB = round(((inB+outBytes+segs*52)*scale + out.HelloBytes) / (1 << 20))
	for _, c := range conns {
		c.Close()
	}
	return out, nil
}

// participant answers polls and roll calls, up-votes every tenth question
// and otherwise only reads, as a phone in the audience does.
func participant(ws *websocket.Conn, i int) {
	var wmu sync.Mutex
	write := func(typ string, data any) {
		b, _ := json.Marshal(map[string]any{"t": typ, "d": data})
		wmu.Lock()
		_ = ws.WriteMessage(websocket.TextMessage, b)
		wmu.Unlock()
	}
	for {
		kind, raw, err := ws.ReadMessage()
		if err != nil {
			return
		}
		if kind != websocket.TextMessage {
			continue
		}
		var m wsMsg
		if json.Unmarshal(raw, &m) != nil {
			continue
		}
		var d struct {
			ID   int64 `json:"id"`
			Seq  int64 `json:"seq"`
			Open bool  `json:"open"`
		}
		_ = json.Unmarshal(m.Data, &d)
		switch {
		case m.Type == "poll" && d.Open:
			write("answer", map[string]any{"poll": d.ID, "choices": []int{i % 2}})
		case m.Type == "rollcall" && d.Open:
			write("here", map[string]any{"rollcall": d.ID})
		case m.Type == "question" && i%10 == 0:
			write("vote", map[string]any{"question": d.Seq})
		}
	}
}

// play runs the conference script for d.
func play(ctx context.Context, d time.Duration, send func(string, any) error, trainer *websocket.Conn, twrite *sync.Mutex,
	out *ConferenceBytes, conns []*websocket.Conn, logf func(string, ...any)) error {
	if err := send("audio", map[string]any{"on": true, "codec": "opus", "sample_rate": 48000, "channels": 1, "frame_ms": 60, "kbps": 24}); err != nil {
		return err
	}
	pkt := 24 * 1000 * 60 / 1000 / 8
	voice := make([]byte, 1, 1+4*(2+pkt))
	voice[0] = 1
	for range 4 {
		body := make([]byte, pkt)
		_, _ = rand.Read(body)
		voice = binary.BigEndian.AppendUint16(voice, uint16(pkt))
		voice = append(voice, body...)
	}
	start := time.Now()
	tick := time.NewTicker(240 * time.Millisecond)
	defer tick.Stop()
	var pollAt, rollAt, slideAt, chatAt, askAt time.Duration = 30 * time.Second, 15 * time.Second, time.Minute, 10 * time.Second, 2 * time.Minute
	pollOpen, slide := false, 0
	var pollClose time.Duration
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		now := time.Since(start)
		if now >= d {
			if pollOpen {
				_ = send("poll_close", nil)
			}
			return send("audio", map[string]any{"on": false})
		}
		twrite.Lock()
		err := trainer.WriteMessage(websocket.BinaryMessage, voice)
		twrite.Unlock()
		if err != nil {
			return fmt.Errorf("loadtest: trainer audio: %w", err)
		}
		switch {
		case now >= slideAt:
			slideAt += time.Minute
			slide = slide%5 + 1
			out.Slides++
			err = send("goto", map[string]int{"index": slide})
		case now >= pollAt && !pollOpen:
			pollAt += 10 * time.Minute
			pollOpen, pollClose = true, now+time.Minute
			out.Polls++
			err = send("poll_open", map[string]any{"text": "Ai quyết định tặng Giấy khen của Chủ tịch UBND xã?", "options": []string{"Chủ tịch UBND xã", "Chủ tịch UBND tỉnh", "Giám đốc Sở Nội vụ"}})
		case pollOpen && now >= pollClose:
			pollOpen = false
			err = send("poll_close", nil)
		case now >= rollAt:
			rollAt += 15 * time.Minute
			out.RollCalls++
			err = send("rollcall_open", map[string]int{"seconds": 120})
		case now >= chatAt:
			chatAt += 10 * time.Second
			out.ChatLines++
			// A participant's line, as the chat of a conference mostly is;
			// said by the trainer here so that no participant's rate limit
			// shapes the script.
			err = send("say", map[string]string{"text": "Đề nghị xã gửi danh sách tập thể, cá nhân đề nghị khen thưởng trước ngày 15."})
		case now >= askAt:
			askAt += 2 * time.Minute
			out.Questions++
			err = send("ask", map[string]string{"text": "Hồ sơ đề nghị Giấy khen của Chủ tịch UBND xã gồm những gì? " + strconv.Itoa(out.Questions)})
		}
		if err != nil {
			return fmt.Errorf("loadtest: trainer: %w", err)
		}
		if math.Mod(now.Seconds(), 60) < 0.24 {
			logf("%s played", now.Round(time.Second))
		}
	}
}
