package loadtest

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// LiveConfig says how many participants join a live session and what they do.
type LiveConfig struct {
	Server       string // base URL; empty starts a server of our own
	Exe          string
	Participants int
	Ramp         time.Duration // joins are spread evenly over this time
	Slides       int           // slide changes sent by the trainer, one a second
	Session      int64         // with Server: the session to join
	Trainer      string        // with Server: the trainer's session cookie
	Sessions     []string      // with Server: participants' session cookies
	// Audio, when positive, adds a phase of that length after the plain
	// slides: the trainer speaks (a synthetic Opus stream at AudioKbps, four
	// 60 ms packets a message, as the trainer's page sends) and changes
	// slide once a second meanwhile.
	Audio     time.Duration
	AudioKbps int
	Log       io.Writer
	// Follow joins the participants (against Server) without a trainer and
	// measures what another generator's trainer sends: Slides slides, then
	// a poll every participant answers. The generators of a session split
	// over several nodes are one driver and followers (LiveNodes).
	Follow bool
	// LatencyFile, when set, receives every slide latency in milliseconds,
	// one a line, for the driver to merge with its own.
	LatencyFile string
	// WaitFor, when positive, holds the trainer's slides until the room
	// counts that many connections, other generators' included.
	WaitFor int
	// database is where the poll answers are counted once stored (a
	// SQLite path or a PostgreSQL URL); empty: not counted.
	database string
	noStall  bool // no stalled client (LiveNodes)
}

// LiveSummary is what the live test measured.
type LiveSummary struct {
	Server            string          `json:"server"`
	Participants      int             `json:"participants"`
	Joined            int64           `json:"joined"`
	JoinErrors        int64           `json:"join_errors"`
	JoinP50Ms         float64         `json:"join_p50_ms"`
	JoinP99Ms         float64         `json:"join_p99_ms"`
	Slides            int             `json:"slides"`
	SlideDeliveries   int64           `json:"slide_deliveries"`
	BroadcastP50Ms    float64         `json:"broadcast_p50_ms"`
	BroadcastP99Ms    float64         `json:"broadcast_p99_ms"`
	BroadcastMaxMs    float64         `json:"broadcast_max_ms"`
	PollAnswersSent   int64           `json:"poll_answers_sent"`
	PollAnswersAcked  int64           `json:"poll_answers_acked"`
	PollAnswersSaved  int64           `json:"poll_answers_persisted"` // -1: not known (against --server)
	PollAnsweredMs    float64         `json:"poll_all_answered_ms"`
	PollPersistedMs   float64         `json:"poll_all_persisted_ms"`
	ServerRSSMB       float64         `json:"server_rss_mb"` // after the slides and the poll storm; 0: not known (against --server)
	lat               []time.Duration // every slide latency, for LiveNodes to merge
	pollID            int64           // the poll the trainer opened, for LiveNodes to count
	ServerIdleRSSMB   float64         `json:"server_rss_idle_mb"`       // before the joins
	ServerJoinedRSSMB float64         `json:"server_rss_joined_mb"`     // everyone connected, before slides and the poll
	RSSPerConnKB      float64         `json:"server_kb_per_connection"` // (after the poll − idle) ÷ joined: the heap's growth from the storm included
	// A participant that stops reading while the others go on: when the
	// server dropped it (seen in the trainer's presence count) and the
	// others' slide latency meanwhile.
	StallDroppedMs   float64 `json:"stalled_client_dropped_ms"` // -1: not dropped within 30 s; 0: not measured
	StallOthersP99Ms float64 `json:"stall_others_p99_ms"`
	// The audio phase (--audio): each listener's delay from the server's
	// stamp, messages skipped for listeners (gaps in the sequence), the
	// bytes a listener received in an hour at this rate, slide latency
	// while audio flows, and the server's CPU meanwhile (1.0 = one core).
	Audio      *LiveAudio `json:"audio,omitempty"`
	FirstError string     `json:"first_error,omitempty"`
}

// LiveAudio is what the audio phase measured.
type LiveAudio struct {
	Seconds             float64 `json:"seconds"`
	Kbps                int     `json:"kbps"`
	MessagesSent        int64   `json:"messages_sent"`
	Delivered           int64   `json:"delivered"`
	Expected            int64   `json:"expected"` // sent × listeners
	Skipped             int64   `json:"skipped"`  // gaps in listeners' sequences: dropped for being behind
	DelayP50Ms          float64 `json:"delay_p50_ms"`
	DelayP99Ms          float64 `json:"delay_p99_ms"`
	DelayMaxMs          float64 `json:"delay_max_ms"`
	BytesPerHour        float64 `json:"mb_per_participant_hour"` // all frames a listener received, audio and room messages
	SlideP99Ms          float64 `json:"slide_p99_ms"`
	SlideDeliveries     int64   `json:"slide_deliveries"`
	ServerCPU           float64 `json:"server_cpu_cores"`
	ServerRSSMB         float64 `json:"server_rss_mb"`
	ListenersLeft       int64   `json:"listeners_connected_after"`
	ListenersDisconnect int64   `json:"listeners_disconnected"`
}

type liveSeed struct {
	session  int64
	trainer  string
	sessions []string
}

// seedLive creates a province, n trainees with sessions, a trainer and a
// live session expecting the province.
func seedLive(ctx context.Context, path string, n int) (liveSeed, error) {
	var out liveSeed
	db, err := store.Open(ctx, path)
	if err != nil {
		return out, err
	}
	defer db.Close()
	hash, err := auth.HashPassword(seedPassword)
	if err != nil {
		return out, err
	}
	now := time.Now()
	newSession := func(tx *store.Tx, uid int64) (string, error) {
		tok, th, err := auth.NewSessionToken()
		if err != nil {
			return "", err
		}
		return tok, tx.CreateSession(ctx, model.Session{TokenHash: th, UserID: uid, CreatedAt: now, ExpiresAt: now.Add(24 * time.Hour), LastSeenAt: now})
	}
	err = db.WithTx(ctx, func(tx *store.Tx) error {
		prov := model.Unit{Code: "LT", Name: "Tỉnh Kiểm Thử", Kind: model.KindProvince}
		if err := tx.CreateUnit(ctx, &prov); err != nil {
			return err
		}
		xa := model.Unit{Code: "LT-X1", Name: "Xã Kiểm Thử", Kind: model.KindCommune, ParentID: prov.ID}
		if err := tx.CreateUnit(ctx, &xa); err != nil {
			return err
		}
		tr := model.User{Username: "giangvien", FullName: "Giảng viên", Role: model.RoleTrainer, UnitID: prov.ID, PasswordHash: hash}
		if err := tx.CreateUser(ctx, &tr); err != nil {
			return err
		}
		if out.trainer, err = newSession(tx, tr.ID); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			u := model.User{Username: fmt.Sprintf("hv%05d", i+1), FullName: fmt.Sprintf("Học viên %d", i+1), Role: model.RoleTrainee, UnitID: xa.ID, PasswordHash: hash}
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
			tok, err := newSession(tx, u.ID)
			if err != nil {
				return err
			}
			out.sessions = append(out.sessions, tok)
		}
		// The shipped course gives the room its slides (the server bounds goto by them).
		s := model.LiveSession{Code: "424242", Title: "Hội nghị tập huấn trực tuyến", CourseID: "nghiep-vu-thi-dua-khen-thuong", StartsAt: now.Add(-time.Minute), EndsAt: now.Add(3 * time.Hour),
			LateAfter: 10 * time.Minute, PresentPct: 80, TrainerID: tr.ID}
		if err := tx.CreateLiveSession(ctx, &s, []int64{prov.ID}, nil); err != nil {
			return err
		}
		out.session = s.ID
		return nil
	})
	return out, err
}

// wsHead is the part of a room message every reader looks at.
type wsHead struct {
	Type string `json:"t"`
	TS   int64  `json:"ts"`
}

type wsMsg struct {
	Type string          `json:"t"`
	TS   int64           `json:"ts"`
	Data json.RawMessage `json:"d"`
}

// Live runs the live-session load and returns its summary.
func Live(ctx context.Context, cfg LiveConfig) (LiveSummary, error) {
	logf := logger(cfg.Log)
	sum := LiveSummary{Slides: cfg.Slides, PollAnswersSaved: -1}
	seed := liveSeed{session: cfg.Session, trainer: cfg.Trainer, sessions: cfg.Sessions}
	dbPath := cfg.database
	var serverPID int
	if cfg.Server == "" {
		dir, err := os.MkdirTemp("", "tdkt-loadtest-")
		if err != nil {
			return sum, err
		}
		defer os.RemoveAll(dir)
		dbPath = filepath.Join(dir, "tdkt.db")
		logf("seeding %d participants with sessions in %s", cfg.Participants, dir)
		// One more than asked: the last is the stalled client.
		if seed, err = seedLive(ctx, dbPath, cfg.Participants+1); err != nil {
			return sum, fmt.Errorf("loadtest: seed: %w", err)
		}
		url, stop, pid, err := startServerPID(ctx, cfg.Exe, dir)
		if err != nil {
			return sum, err
		}
		defer stop()
		cfg.Server, serverPID = url, pid
		logf("started server %s (pid %d)", url, pid)
	}
	if len(seed.sessions) == 0 || (seed.trainer == "" && !cfg.Follow) || seed.session == 0 {
		return sum, errors.New("loadtest: with --server give --session, --trainer-cookie and --cookies-file (--follow needs no trainer)")
	}
	sum.Server = cfg.Server
	if cfg.Follow {
		return follow(ctx, cfg, seed, sum)
	}
	var stallTok string
	if len(seed.sessions) > 1 && !cfg.noStall {
		stallTok, seed.sessions = seed.sessions[len(seed.sessions)-1], seed.sessions[:len(seed.sessions)-1]
	}
	sum.Participants = len(seed.sessions)
	dial := liveDialer(ctx, cfg.Server, seed.session)

	trainer, err := dial(seed.trainer)
	if err != nil {
		return sum, fmt.Errorf("loadtest: trainer join: %w", err)
	}
	var idleKB int64
	if serverPID > 0 {
		time.Sleep(500 * time.Millisecond) // the room has started: measure the server before the crowd
		idleKB = rssKB(serverPID)
		sum.ServerIdleRSSMB = round(float64(idleKB) / 1024)
	}
	defer trainer.Close()
	var pollID, connected atomic.Int64
	go func() { // the trainer reads what it is sent and notes the poll id and presence
		for {
			var m wsMsg
			if trainer.ReadJSON(&m) != nil {
				return
			}
			if m.Type == "presence" {
				var p struct {
					Connected int64 `json:"connected"`
				}
				_ = json.Unmarshal(m.Data, &p)
				connected.Store(p.Connected)
			}
			if m.Type == "poll" {
				var p struct {
					ID int64 `json:"id"`
				}
				_ = json.Unmarshal(m.Data, &p)
				pollID.Store(p.ID)
			}
		}
	}()

	var stallPhase, audioPhase atomic.Bool
	var audioGot, audioSkipped, audioBytes, audioSlides, audioGone atomic.Int64
	var audioLat, audioSlideLat []time.Duration
	var (
		mu                      sync.Mutex
		joins, lat, stallLat    []time.Duration
		joined, joinErr         atomic.Int64
		deliveries, sent, acked atomic.Int64
		lastAck                 atomic.Int64
		firstErr                atomic.Value
		wg                      sync.WaitGroup
		conns                   = make([]*websocket.Conn, len(seed.sessions))
	)
	pollOpened := atomic.Int64{}
	begin := time.Now()
	for i, tok := range seed.sessions {
		wg.Add(1)
		go func(i int, tok string) {
			defer wg.Done()
			at := begin.Add(time.Duration(int64(cfg.Ramp) * int64(i) / int64(len(seed.sessions))))
			time.Sleep(time.Until(at))
			t0 := time.Now()
			ws, err := dial(tok)
			if err == nil {
				var m wsMsg
				_ = ws.SetReadDeadline(time.Now().Add(60 * time.Second))
				if err = ws.ReadJSON(&m); err == nil && m.Type != "hello" {
					err = fmt.Errorf("first message %q, want hello", m.Type)
				}
				_ = ws.SetReadDeadline(time.Time{})
			}
			if err != nil {
				joinErr.Add(1)
				firstErr.CompareAndSwap(nil, err.Error())
				return
			}
			d := time.Since(t0)
			joined.Add(1)
			conns[i] = ws
			mu.Lock()
			joins = append(joins, d)
			mu.Unlock()
			go func() { // the participant's reader: measures slides, answers polls
				var mine, inStall, myAudio, myAudioSlides []time.Duration
				defer func() {
					mu.Lock()
					lat = append(lat, mine...)
					stallLat = append(stallLat, inStall...)
					audioLat = append(audioLat, myAudio...)
					audioSlideLat = append(audioSlideLat, myAudioSlides...)
					mu.Unlock()
				}()
				var lastSeq uint32
				for {
					// As lean per message as wsbase's client (read, then
					// decode the type and time only): the generator shares
					// the machine with the server, and its own cost per
					// message would count against the server's figure.
					kind, raw, err := ws.ReadMessage()
					if err != nil {
						if audioPhase.Load() {
							audioGone.Add(1)
						}
						return
					}
					if audioPhase.Load() {
						audioBytes.Add(int64(len(raw)))
					}
					if kind == websocket.BinaryMessage {
						if len(raw) >= 13 && raw[0] == 1 {
							seq := binary.BigEndian.Uint32(raw[1:])
							ts := int64(binary.BigEndian.Uint64(raw[5:]))
							if lastSeq != 0 && seq > lastSeq+1 {
								audioSkipped.Add(int64(seq - lastSeq - 1))
							}
							lastSeq = seq
							audioGot.Add(1)
							myAudio = append(myAudio, time.Since(time.UnixMilli(ts)))
						}
						continue
					}
					var m wsHead
					if json.Unmarshal(raw, &m) != nil {
						continue
					}
					switch m.Type {
					case "slide":
						if audioPhase.Load() {
							audioSlides.Add(1)
							myAudioSlides = append(myAudioSlides, time.Since(time.UnixMilli(m.TS)))
							continue
						}
						if stallPhase.Load() {
							inStall = append(inStall, time.Since(time.UnixMilli(m.TS)))
							continue
						}
						deliveries.Add(1)
						mine = append(mine, time.Since(time.UnixMilli(m.TS)))
					case "poll":
						var full wsMsg
						var p struct {
							ID   int64 `json:"id"`
							Open bool  `json:"open"`
						}
						if json.Unmarshal(raw, &full) == nil && json.Unmarshal(full.Data, &p) == nil && p.Open {
							b, _ := json.Marshal(map[string]any{"t": "answer", "d": map[string]any{"poll": p.ID, "choices": []int{int(p.ID % 2)}}})
							if ws.WriteMessage(websocket.TextMessage, b) == nil {
								sent.Add(1)
							}
						}
					case "answered":
						acked.Add(1)
						lastAck.Store(time.Now().UnixNano())
					}
				}
			}()
		}(i, tok)
	}
	wg.Wait()
	sum.Joined, sum.JoinErrors = joined.Load(), joinErr.Load()
	logf("%d joined, %d failed, in %s", sum.Joined, sum.JoinErrors, time.Since(begin).Round(time.Millisecond))
	if v, ok := firstErr.Load().(string); ok {
		sum.FirstError = v
	}
	time.Sleep(time.Second) // let the joins settle before measuring broadcasts
	if cfg.WaitFor > 0 {
		logf("waiting for the room to count %d connections", cfg.WaitFor)
		until := time.Now().Add(cfg.Ramp + 3*time.Minute)
		for connected.Load() < int64(cfg.WaitFor) && time.Now().Before(until) {
			time.Sleep(50 * time.Millisecond)
		}
		// Short of it (joins that failed elsewhere, reported there), the
		// slides go to those who are in.
		logf("the room counts %d connections", connected.Load())
	}
	if serverPID > 0 {
		sum.ServerJoinedRSSMB = round(float64(rssKB(serverPID)) / 1024)
	}

	send := func(typ string, data any) error {
		b, _ := json.Marshal(map[string]any{"t": typ, "d": data})
		return trainer.WriteMessage(websocket.TextMessage, b)
	}
	for s := 1; s <= cfg.Slides; s++ {
		if err := send("goto", map[string]int{"index": s}); err != nil {
			return sum, fmt.Errorf("loadtest: trainer: %w", err)
		}
		time.Sleep(time.Second)
	}
	sum.SlideDeliveries = deliveries.Load()

	// The poll: every participant answers as soon as it arrives.
	pollStart := time.Now()
	pollOpened.Store(pollStart.UnixNano())
	if err := send("poll_open", map[string]any{"text": "Ai quyết định tặng Giấy khen của Chủ tịch UBND xã?", "options": []string{"Chủ tịch UBND xã", "Chủ tịch UBND tỉnh"}}); err != nil {
		return sum, err
	}
	deadline := time.Now().Add(30 * time.Second)
	for acked.Load() < sum.Joined && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	sum.PollAnswersSent, sum.PollAnswersAcked = sent.Load(), acked.Load()
	sum.pollID = pollID.Load()
	if t := lastAck.Load(); t > 0 {
		sum.PollAnsweredMs = ms(time.Duration(t - pollStart.UnixNano()))
	}
	if dbPath != "" {
		db, err := store.Open(ctx, dbPath)
		if err == nil {
			for time.Now().Before(deadline.Add(10 * time.Second)) {
				answers, err := db.PollAnswers(ctx, pollID.Load())
				if err == nil {
					sum.PollAnswersSaved = int64(len(answers))
					if sum.PollAnswersSaved >= sum.PollAnswersAcked {
						break
					}
				}
				time.Sleep(20 * time.Millisecond)
			}
			sum.PollPersistedMs = ms(time.Since(pollStart))
			db.Close()
		}
	}
	if serverPID > 0 {
		full := rssKB(serverPID)
		sum.ServerRSSMB = round(float64(full) / 1024)
		if sum.Joined > 0 {
			sum.RSSPerConnKB = round(float64(full-idleKB) / float64(sum.Joined))
		}
	}
	if cfg.Audio > 0 {
		au, err := speak(cfg, trainer, send, serverPID, &audioPhase, &connected, logf)
		if err != nil {
			return sum, err
		}
		au.Delivered, au.Skipped, au.SlideDeliveries, au.ListenersDisconnect = audioGot.Load(), audioSkipped.Load(), audioSlides.Load(), audioGone.Load()
		au.Expected = au.MessagesSent * sum.Joined
		if sum.Joined > 0 && au.Seconds > 0 {
			au.BytesPerHour = round(float64(audioBytes.Load()) / float64(sum.Joined) / au.Seconds * 3600 / 1e6)
		}
		sum.Audio = au
	}
	if stallTok != "" {
		sum.StallDroppedMs = stall(ctx, dial, stallTok, send, &connected, &stallPhase, logf)
	}
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
	time.Sleep(200 * time.Millisecond)
	mu.Lock()
	sort.Slice(joins, func(i, j int) bool { return joins[i] < joins[j] })
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	sum.JoinP50Ms, sum.JoinP99Ms = pct(joins, 50), pct(joins, 99)
	sum.BroadcastP50Ms, sum.BroadcastP99Ms = pct(lat, 50), pct(lat, 99)
	sort.Slice(stallLat, func(i, j int) bool { return stallLat[i] < stallLat[j] })
	sum.StallOthersP99Ms = pct(stallLat, 99)
	if au := sum.Audio; au != nil {
		sort.Slice(audioLat, func(i, j int) bool { return audioLat[i] < audioLat[j] })
		sort.Slice(audioSlideLat, func(i, j int) bool { return audioSlideLat[i] < audioSlideLat[j] })
		au.DelayP50Ms, au.DelayP99Ms, au.SlideP99Ms = pct(audioLat, 50), pct(audioLat, 99), pct(audioSlideLat, 99)
		if len(audioLat) > 0 {
			au.DelayMaxMs = ms(audioLat[len(audioLat)-1])
		}
	}
	if len(lat) > 0 {
		sum.BroadcastMaxMs = ms(lat[len(lat)-1])
	}
	sum.lat = lat
	mu.Unlock()
	return sum, nil
}

// liveDialer returns a function that joins the live session as the holder
// of a session cookie, the way a phone does.
func liveDialer(ctx context.Context, server string, session int64) func(tok string) (*websocket.Conn, error) {
	wsURL := "ws" + strings.TrimPrefix(strings.TrimRight(server, "/"), "http") + "/live/" + strconv.FormatInt(session, 10) + "/ws"
	dialer := &websocket.Dialer{HandshakeTimeout: 30 * time.Second, ReadBufferSize: 1024, WriteBufferSize: 1024}
	return func(tok string) (*websocket.Conn, error) {
		ws, resp, err := dialer.DialContext(ctx, wsURL, http.Header{"Cookie": {"tdkt_session=" + tok}})
		if err != nil && resp != nil {
			err = fmt.Errorf("%w (status %d)", err, resp.StatusCode)
		}
		return ws, err
	}
}

// stall joins one more participant that reads its hello and then nothing,
// as a phone whose app froze, while the trainer goes on moving slides. It
// returns how long after the stall the server dropped it, by the trainer's
// presence count, or -1 if it was not dropped within 30 s.
func stall(ctx context.Context, dial func(string) (*websocket.Conn, error), tok string, send func(string, any) error,
	connected *atomic.Int64, phase *atomic.Bool, logf func(string, ...any)) float64 {
	before := connected.Load()
	ws, err := dial(tok)
	if err != nil {
		logf("stalled client could not join: %v", err)
		return 0
	}
	defer ws.Close()
	var m wsMsg
	if err := ws.ReadJSON(&m); err != nil {
		return 0
	}
	for end := time.Now().Add(5 * time.Second); connected.Load() <= before && time.Now().Before(end); {
		time.Sleep(20 * time.Millisecond)
	}
	phase.Store(true)
	defer phase.Store(false)
	stalled := time.Now() // from here on it reads nothing, answers no ping
	next := time.Now()
	for i := 100; time.Since(stalled) < 30*time.Second; time.Sleep(20 * time.Millisecond) {
		if connected.Load() <= before {
			d := time.Since(stalled)
			logf("stalled client dropped after %s", d.Round(time.Millisecond))
			return ms(d)
		}
		if time.Now().After(next) {
			i++
			_ = send("goto", map[string]int{"index": i % 5})
			next = next.Add(time.Second)
		}
		if ctx.Err() != nil {
			break
		}
	}
	return -1
}

// rssKB reads a process's resident memory from /proc.
// speak is the audio phase: the trainer announces an Opus stream and sends
// a message of four 60 ms packets every 240 ms (random bytes of the size
// the bitrate gives: the server relays, it does not decode), changing slide
// once a second, for cfg.Audio. Listeners count what they get while phase
// is set.
func speak(cfg LiveConfig, trainer *websocket.Conn, send func(string, any) error, pid int, phase *atomic.Bool,
	connected *atomic.Int64, logf func(string, ...any)) (*LiveAudio, error) {
	kbps := cfg.AudioKbps
	if kbps <= 0 {
		kbps = 24
	}
	au := &LiveAudio{Kbps: kbps}
	if err := send("audio", map[string]any{"on": true, "codec": "opus", "sample_rate": 48000, "channels": 1, "frame_ms": 60, "kbps": kbps}); err != nil {
		return nil, fmt.Errorf("loadtest: trainer: %w", err)
	}
	time.Sleep(500 * time.Millisecond) // the announcement reaches everyone before the first packet
	pkt := kbps * 1000 * 60 / 1000 / 8 // bytes in one 60 ms packet
	msg := make([]byte, 1, 1+4*(2+pkt))
	msg[0] = 1
	for range 4 {
		body := make([]byte, pkt)
		_, _ = rand.Read(body)
		msg = binary.BigEndian.AppendUint16(msg, uint16(pkt))
		msg = append(msg, body...)
	}
	logf("the trainer speaks for %s at %d kbit/s (%d-byte messages every 240 ms)", cfg.Audio, kbps, len(msg))
	cpu0, t0 := cpuTicks(pid), time.Now()
	phase.Store(true)
	every, slides := time.NewTicker(240*time.Millisecond), time.NewTicker(time.Second)
	defer every.Stop()
	defer slides.Stop()
	end := time.After(cfg.Audio)
	slide := 0
speaking:
	for {
		select {
		case <-every.C:
			if err := trainer.WriteMessage(websocket.BinaryMessage, msg); err != nil {
				return nil, fmt.Errorf("loadtest: trainer audio: %w", err)
			}
			au.MessagesSent++
		case <-slides.C:
			slide = slide%max(cfg.Slides, 1) + 1
			if err := send("goto", map[string]int{"index": slide}); err != nil {
				return nil, fmt.Errorf("loadtest: trainer: %w", err)
			}
		case <-end:
			break speaking
		}
	}
	au.Seconds = round(time.Since(t0).Seconds())
	if pid > 0 {
		au.ServerCPU = round(float64(cpuTicks(pid)-cpu0) / 100 / time.Since(t0).Seconds())
		au.ServerRSSMB = round(float64(rssKB(pid)) / 1024)
	}
	time.Sleep(2 * time.Second) // the last messages arrive before the count stops
	phase.Store(false)
	au.ListenersLeft = connected.Load()
	if err := send("audio", map[string]any{"on": false}); err != nil {
		return nil, fmt.Errorf("loadtest: trainer: %w", err)
	}
	return au, nil
}

// cpuTicks is the CPU time pid has used, user and system, in clock ticks
// (a hundredth of a second on Linux); 0 when unknown.
func cpuTicks(pid int) int64 {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	i := strings.LastIndexByte(string(b), ')') // the command name may hold spaces and brackets
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return u + st
}

func rssKB(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb
			}
		}
	}
	return 0
}
