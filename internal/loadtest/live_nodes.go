package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/tdkt/tdkt/internal/broker"
	"github.com/tdkt/tdkt/internal/store"
)

// follow is Live for a generator without the trainer: its participants
// join, answer the poll the driver's trainer opens, and time the slides,
// until cfg.Slides slides and the poll have reached them all.
func follow(ctx context.Context, cfg LiveConfig, seed liveSeed, sum LiveSummary) (LiveSummary, error) {
	logf := logger(cfg.Log)
	sum.Participants = len(seed.sessions)
	dial := liveDialer(ctx, cfg.Server, seed.session)
	var (
		mu                              sync.Mutex
		joins, lat                      []time.Duration
		joined, joinErr, deliveries     atomic.Int64
		sent, acked                     atomic.Int64
		firstErr                        atomic.Value
		wg                              sync.WaitGroup
		conns                           = make([]*websocket.Conn, len(seed.sessions))
		pollOpenedAt, lastAck, pollSeen atomic.Int64
	)
	begin := time.Now()
	for i, tok := range seed.sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Until(begin.Add(time.Duration(int64(cfg.Ramp) * int64(i) / int64(len(seed.sessions))))))
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
			joined.Add(1)
			conns[i] = ws
			mu.Lock()
			joins = append(joins, time.Since(t0))
			mu.Unlock()
			go func() {
				var mine []time.Duration
				defer func() {
					mu.Lock()
					lat = append(lat, mine...)
					mu.Unlock()
				}()
				for {
					_, raw, err := ws.ReadMessage()
					if err != nil {
						return
					}
					var m wsHead
					if json.Unmarshal(raw, &m) != nil {
						continue
					}
					switch m.Type {
					case "slide":
						deliveries.Add(1)
						mine = append(mine, time.Since(time.UnixMilli(m.TS)))
					case "poll":
						var full wsMsg
						var p struct {
							ID   int64 `json:"id"`
							Open bool  `json:"open"`
						}
						if json.Unmarshal(raw, &full) == nil && json.Unmarshal(full.Data, &p) == nil && p.Open {
							pollSeen.Add(1)
							pollOpenedAt.CompareAndSwap(0, m.TS)
							b, _ := json.Marshal(map[string]any{"t": "answer", "d": map[string]any{"poll": p.ID, "choices": []int{int(p.ID % 2)}}})
							if ws.WriteMessage(websocket.TextMessage, b) == nil {
								sent.Add(1)
							}
						}
					case "answered":
						acked.Add(1)
						lastAck.Store(time.Now().UnixMilli())
					}
				}
			}()
		}()
	}
	wg.Wait()
	sum.Joined, sum.JoinErrors = joined.Load(), joinErr.Load()
	logf("%d joined, %d failed, in %s; waiting for %d slides and a poll", sum.Joined, sum.JoinErrors, time.Since(begin).Round(time.Millisecond), cfg.Slides)
	if v, ok := firstErr.Load().(string); ok {
		sum.FirstError = v
	}
	until := time.Now().Add(5 * time.Minute)
	for time.Now().Before(until) && ctx.Err() == nil {
		if deliveries.Load() >= sum.Joined*int64(cfg.Slides) && pollSeen.Load() >= sum.Joined && acked.Load() >= sent.Load() {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	sum.SlideDeliveries, sum.PollAnswersSent, sum.PollAnswersAcked = deliveries.Load(), sent.Load(), acked.Load()
	if t0, t1 := pollOpenedAt.Load(), lastAck.Load(); t0 > 0 && t1 > 0 {
		sum.PollAnsweredMs = float64(t1 - t0)
	}
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
	time.Sleep(200 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	sort.Slice(joins, func(i, j int) bool { return joins[i] < joins[j] })
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	sum.JoinP50Ms, sum.JoinP99Ms = pct(joins, 50), pct(joins, 99)
	sum.BroadcastP50Ms, sum.BroadcastP99Ms = pct(lat, 50), pct(lat, 99)
	if len(lat) > 0 {
		sum.BroadcastMaxMs = ms(lat[len(lat)-1])
	}
	sum.lat = lat
	if cfg.LatencyFile != "" {
		var b bytes.Buffer
		for _, d := range lat {
			b.WriteString(strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 3, 64))
			b.WriteByte('\n')
		}
		if err := os.WriteFile(cfg.LatencyFile, b.Bytes(), 0o600); err != nil {
			return sum, fmt.Errorf("loadtest: write latencies: %w", err)
		}
	}
	return sum, nil
}

// NodesConfig says how to run one live session over several nodes.
type NodesConfig struct {
	Live     LiveConfig // participants, ramp, slides; Exe: the server binary
	Nodes    int        // tdkt nodes, 2 or more
	Database string     // PostgreSQL administrative URL: a new database is made for the run
	Nats     string     // NATS URL; empty: a nats-server is started for the run
}

// NodesSummary is what a session over several nodes measured: each
// generator's summary (the driver, with the trainer, on the first node;
// followers on the others) and the slide latency over everyone.
type NodesSummary struct {
	Nodes            int           `json:"nodes"`
	Participants     int           `json:"participants"`
	Joined           int64         `json:"joined"`
	JoinErrors       int64         `json:"join_errors"`
	SlideDeliveries  int64         `json:"slide_deliveries"`
	BroadcastP50Ms   float64       `json:"broadcast_p50_ms"`
	BroadcastP99Ms   float64       `json:"broadcast_p99_ms"`
	BroadcastMaxMs   float64       `json:"broadcast_max_ms"`
	PollAnswersAcked int64         `json:"poll_answers_acked"`
	PollAnswersSaved int64         `json:"poll_answers_persisted"`
	Generators       []LiveSummary `json:"generators"`
}

// LiveNodes runs one live session over several tdkt nodes sharing a new
// PostgreSQL database and a NATS server. The trainer and the first share
// of participants join the first node from this process; each other node
// gets its share from a follower process (this binary, `loadtest live
// --follow`), so that no process holds more than its share of sockets
// (each is one open file). The trainer's slides wait until the room counts
// everyone.
func LiveNodes(ctx context.Context, cfg NodesConfig) (NodesSummary, error) {
	logf := logger(cfg.Live.Log)
	sum := NodesSummary{Nodes: cfg.Nodes, Participants: cfg.Live.Participants}
	if cfg.Nodes < 2 || cfg.Database == "" {
		return sum, errors.New("loadtest: --nodes needs 2 or more and --database (a PostgreSQL administrative URL)")
	}
	self, err := os.Executable()
	if err != nil {
		return sum, err
	}
	dir, err := os.MkdirTemp("", "tdkt-loadtest-nodes-")
	if err != nil {
		return sum, err
	}
	defer os.RemoveAll(dir)
	if cfg.Nats == "" {
		log, _ := os.Create(filepath.Join(dir, "nats.log"))
		srv, err := broker.StartServer(log)
		if err != nil {
			return sum, fmt.Errorf("loadtest: no --nats given: %w", err)
		}
		defer srv.Stop()
		cfg.Nats = srv.URL()
		logf("started nats-server %s", cfg.Nats)
	}
	dsn, _, drop, err := dataAt(ctx, dir, cfg.Database)
	if err != nil {
		return sum, err
	}
	defer drop()
	n := cfg.Live.Participants
	logf("seeding %d participants with sessions", n)
	seed, err := seedLive(ctx, dsn, n)
	if err != nil {
		return sum, fmt.Errorf("loadtest: seed: %w", err)
	}
	var servers []string
	for i := range cfg.Nodes {
		name := string(rune('a' + i))
		data := filepath.Join(dir, "node-"+name)
		if err := os.MkdirAll(data, 0o750); err != nil {
			return sum, err
		}
		url, stop, _, err := startServerPID(ctx, cfg.Live.Exe, data, "--database", dsn, "--nats", cfg.Nats, "--node", name)
		if err != nil {
			return sum, fmt.Errorf("loadtest: node %s: %w", name, err)
		}
		defer stop()
		servers = append(servers, url)
		logf("started node %s at %s", name, url)
	}
	share := func(i int) []string { return seed.sessions[i*n/cfg.Nodes : (i+1)*n/cfg.Nodes] }

	// The followers, one process per node after the first.
	type followerRun struct {
		cmd     *exec.Cmd
		out     bytes.Buffer
		latFile string
	}
	var followers []*followerRun
	for i := 1; i < cfg.Nodes; i++ {
		f := &followerRun{latFile: filepath.Join(dir, fmt.Sprintf("latencies-%d.txt", i))}
		cookies := filepath.Join(dir, fmt.Sprintf("cookies-%d.txt", i))
		if err := os.WriteFile(cookies, []byte(strings.Join(share(i), "\n")+"\n"), 0o600); err != nil {
			return sum, err
		}
		f.cmd = exec.CommandContext(ctx, self, "loadtest", "live", "--server", servers[i], "--session", strconv.FormatInt(seed.session, 10),
			"--cookies-file", cookies, "--follow", "--slides", strconv.Itoa(cfg.Live.Slides), "--ramp", cfg.Live.Ramp.String(),
			"--latency-file", f.latFile)
		f.cmd.Env = append(os.Environ(), "TDKT_AS_MAIN=1")
		f.cmd.Stdout = &f.out
		f.cmd.Stderr = cfg.Live.Log
		if err := f.cmd.Start(); err != nil {
			return sum, fmt.Errorf("loadtest: start a follower: %w", err)
		}
		followers = append(followers, f)
	}

	// The driver: the trainer (who thus owns the room on the first node)
	// and the first share.
	drv := cfg.Live
	drv.Server, drv.Session, drv.Trainer, drv.Sessions = servers[0], seed.session, seed.trainer, share(0)
	drv.WaitFor, drv.database, drv.noStall = n, dsn, true
	drvSum, err := Live(ctx, drv)
	if err != nil {
		for _, f := range followers {
			_ = f.cmd.Process.Kill()
		}
		return sum, err
	}
	all := append([]time.Duration(nil), drvSum.lat...)
	sum.Generators = append(sum.Generators, drvSum)
	for _, f := range followers {
		if err := f.cmd.Wait(); err != nil {
			return sum, fmt.Errorf("loadtest: a follower failed: %w", err)
		}
		var fs LiveSummary
		if err := json.Unmarshal(f.out.Bytes(), &fs); err != nil {
			return sum, fmt.Errorf("loadtest: a follower's summary: %w: %.200s", err, f.out.String())
		}
		sum.Generators = append(sum.Generators, fs)
		lf, err := os.Open(f.latFile)
		if err != nil {
			return sum, err
		}
		sc := bufio.NewScanner(lf)
		for sc.Scan() {
			if v, err := strconv.ParseFloat(sc.Text(), 64); err == nil {
				all = append(all, time.Duration(v*float64(time.Millisecond)))
			}
		}
		lf.Close()
	}
	for _, g := range sum.Generators {
		sum.Joined += g.Joined
		sum.JoinErrors += g.JoinErrors
		sum.SlideDeliveries += g.SlideDeliveries
		sum.PollAnswersAcked += g.PollAnswersAcked
	}
	// Counted once every generator is done: acknowledged means stored.
	sum.PollAnswersSaved = -1
	if db, err := store.Open(ctx, dsn); err == nil {
		if answers, err := db.PollAnswers(ctx, drvSum.pollID); err == nil {
			sum.PollAnswersSaved = int64(len(answers))
		}
		db.Close()
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	sum.BroadcastP50Ms, sum.BroadcastP99Ms = pct(all, 50), pct(all, 99)
	if len(all) > 0 {
		sum.BroadcastMaxMs = ms(all[len(all)-1])
	}
	return sum, nil
}
