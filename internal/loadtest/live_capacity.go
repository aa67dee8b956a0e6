package loadtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// LiveCapacityStep is one crowd size tried by live --find-capacity.
type LiveCapacityStep struct {
	Participants int     `json:"participants"`
	JoinErrors   int64   `json:"join_errors"`
	Deliveries   int     `json:"slide_deliveries"`
	P50Ms        float64 `json:"broadcast_p50_ms"`
	P99Ms        float64 `json:"broadcast_p99_ms"`
	Passed       bool    `json:"passed"`
	Why          string  `json:"why,omitempty"`
}

// LiveCapacityReport is the largest room whose slide changes reached every
// participant with p99 under the target, joining stepwise.
type LiveCapacityReport struct {
	Server                  string             `json:"server"`
	TargetP99Ms             float64            `json:"target_p99_ms"`
	Steps                   []LiveCapacityStep `json:"steps"`
	SustainableParticipants int                `json:"sustainable_participants"`
	Stopped                 string             `json:"stopped"`
}

// LiveCapacity grows one room step by step: from First participants, each
// step adds participants until the room holds Growth times as many, then the
// trainer moves three slides one a second and every participant's delay is
// measured. It stops when p99 passes the target, a join fails, or Max is
// reached (the open-file limit bounds it: one descriptor per connection on
// each side).
func LiveCapacity(ctx context.Context, cfg LiveConfig, first, maxN int, growth float64, target time.Duration) (LiveCapacityReport, error) {
	logf := logger(cfg.Log)
	rep := LiveCapacityReport{TargetP99Ms: ms(target)}
	if first <= 0 || maxN < first || growth <= 1 || target <= 0 {
		return rep, errors.New("loadtest: live capacity needs 0 < first ≤ max, growth above 1 and a positive target")
	}
	dir, err := os.MkdirTemp("", "tdkt-loadtest-")
	if err != nil {
		return rep, err
	}
	defer os.RemoveAll(dir)
	logf("seeding %d participants with sessions in %s", maxN, dir)
	seed, err := seedLive(ctx, filepath.Join(dir, "tdkt.db"), maxN)
	if err != nil {
		return rep, fmt.Errorf("loadtest: seed: %w", err)
	}
	url, stop, _, err := startServerPID(ctx, cfg.Exe, dir)
	if err != nil {
		return rep, err
	}
	defer stop()
	rep.Server = url
	dial := liveDialer(ctx, url, seed.session)
	trainer, err := dial(seed.trainer)
	if err != nil {
		return rep, fmt.Errorf("loadtest: trainer join: %w", err)
	}
	defer trainer.Close()
	go func() { // the trainer's messages are read and let go
		for {
			if _, _, err := trainer.ReadMessage(); err != nil {
				return
			}
		}
	}()

	var (
		mu    sync.Mutex
		lat   []time.Duration
		conns []*websocket.Conn
	)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	read := func(ws *websocket.Conn) { // each participant times the slides it gets
		for {
			var m wsMsg
			if ws.ReadJSON(&m) != nil {
				return
			}
			if m.Type == "slide" {
				d := time.Since(time.UnixMilli(m.TS))
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		}
	}
	slide := 0
	for n := first; ctx.Err() == nil; n = min(maxN, int(float64(n)*growth)) {
		st := LiveCapacityStep{Participants: n}
		// Join the new participants, 1 ms apart, as a room fills.
		var wg sync.WaitGroup
		var errs sync.Map
		base := len(conns)
		added := make([]*websocket.Conn, n-base)
		for i := range added {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ws, err := dial(seed.sessions[base+i])
				if err == nil {
					var m wsMsg
					if err = ws.ReadJSON(&m); err == nil && m.Type != "hello" {
						err = fmt.Errorf("first message %q, want hello", m.Type)
					}
				}
				if err != nil {
					errs.Store(i, err)
					return
				}
				added[i] = ws
			}()
			time.Sleep(time.Millisecond)
		}
		wg.Wait()
		var firstErr error
		errs.Range(func(_, v any) bool {
			st.JoinErrors++
			if firstErr == nil {
				firstErr = v.(error)
			}
			return true
		})
		for _, ws := range added {
			if ws != nil {
				conns = append(conns, ws)
				go read(ws)
			}
		}
		time.Sleep(time.Second) // the joins settle
		mu.Lock()
		lat = lat[:0]
		mu.Unlock()
		for range 3 {
			slide++
			if err := trainer.WriteJSON(map[string]any{"t": "goto", "d": map[string]int{"index": slide%5 + 1}}); err != nil {
				return rep, fmt.Errorf("loadtest: trainer: %w", err)
			}
			time.Sleep(time.Second)
		}
		time.Sleep(time.Second) // the last slide's stragglers
		mu.Lock()
		got := append([]time.Duration(nil), lat...)
		mu.Unlock()
		sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
		st.Deliveries, st.P50Ms, st.P99Ms = len(got), pct(got, 50), pct(got, 99)
		switch {
		case st.JoinErrors > 0:
			st.Why = fmt.Sprintf("%d joins failed (%v)", st.JoinErrors, firstErr)
		case st.Deliveries < 3*len(conns):
			st.Why = fmt.Sprintf("%d of %d slide deliveries arrived", st.Deliveries, 3*len(conns))
		case st.P99Ms > ms(target):
			st.Why = fmt.Sprintf("slide p99 %.1f ms over %.0f ms", st.P99Ms, ms(target))
		default:
			st.Passed = true
			rep.SustainableParticipants = n
		}
		rep.Steps = append(rep.Steps, st)
		logf("%d participants: slide p50 %.1f ms, p99 %.1f ms, %d deliveries: %s", n, st.P50Ms, st.P99Ms, st.Deliveries,
			map[bool]string{true: "ok", false: st.Why}[st.Passed])
		if !st.Passed {
			rep.Stopped = st.Why
			return rep, nil
		}
		if n == maxN {
			rep.Stopped = fmt.Sprintf("reached --max %d with p99 under the target (raise --max and the open-file limit)", maxN)
			return rep, nil
		}
	}
	return rep, ctx.Err()
}
