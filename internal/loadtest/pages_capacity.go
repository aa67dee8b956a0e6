package loadtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// PagesCapacityStep is one request rate tried by pages --find-capacity.
type PagesCapacityStep struct {
	RequestsPerS float64 `json:"requests_per_s"` // offered
	Requests     int     `json:"requests"`
	Errors       int64   `json:"errors"`
	WaitAnswers  int64   `json:"waiting_room_answers"`
	P50Ms        float64 `json:"p50_ms"`
	P99Ms        float64 `json:"p99_ms"`
	Passed       bool    `json:"passed"`
	Why          string  `json:"why,omitempty"`
}

// PagesCapacityReport is the highest rate of module-page views served with
// p99 under the target.
type PagesCapacityReport struct {
	Server              string              `json:"server"`
	TargetP99Ms         float64             `json:"target_p99_ms"`
	Steps               []PagesCapacityStep `json:"steps"`
	SustainableRequests float64             `json:"sustainable_requests_per_s"`
	Stopped             string              `json:"stopped"`
}

// PagesCapacity offers module-page views at a fixed rate for each step
// (open loop: a request goes at its time whether or not the last came back,
// and is timed from that time, so a server that falls behind is seen to),
// raising the rate by growth until p99 passes the target, errors appear or
// the server sends views to its waiting room.
// A failing step is tried once more.
func PagesCapacity(ctx context.Context, cfg PagesConfig, rate, growth float64, step, target time.Duration) (PagesCapacityReport, error) {
	logf := logger(cfg.Log)
	rep := PagesCapacityReport{TargetP99Ms: ms(target)}
	if rate <= 0 || growth <= 1 || step <= 0 || target <= 0 {
		return rep, errors.New("loadtest: pages capacity needs a positive rate, step and target and growth above 1")
	}
	dir, err := os.MkdirTemp("", "tdkt-loadtest-")
	if err != nil {
		return rep, err
	}
	defer os.RemoveAll(dir)
	logins, err := seed(ctx, filepath.Join(dir, "tdkt.db"), max(cfg.Users, 1))
	if err != nil {
		return rep, err
	}
	url, stop, err := startServer(ctx, cfg.Exe, dir)
	if err != nil {
		return rep, err
	}
	defer stop()
	rep.Server = url
	base := strings.TrimRight(url, "/")
	tr := &http.Transport{MaxIdleConns: 4096, MaxIdleConnsPerHost: 4096, DisableCompression: true, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	cookies, err := loginAll(ctx, client, base, logins)
	if err != nil {
		return rep, err
	}
	pages, err := discover(ctx, client, base, cookies[0])
	if err != nil {
		return rep, err
	}
	logf("%d trainees, %d module pages; steps of %s from %.0f requests/s", len(cookies), len(pages), step, rate)
	retried := false
	for ctx.Err() == nil {
		st := pagesStep(ctx, client, base, pages, cookies, rate, step, target)
		rep.Steps = append(rep.Steps, st)
		logf("%.0f requests/s: p50 %.1f ms, p99 %.1f ms, errors %d: %s", st.RequestsPerS, st.P50Ms, st.P99Ms, st.Errors,
			map[bool]string{true: "ok", false: st.Why}[st.Passed])
		switch {
		case st.Passed:
			rep.SustainableRequests = st.RequestsPerS
			rate *= growth
			retried = false
		case !retried:
			retried = true
		default:
			rep.Stopped = fmt.Sprintf("%.0f requests/s failed twice: %s", rate, st.Why)
			return rep, nil
		}
		select {
		case <-time.After(time.Second):
		case <-ctx.Done():
		}
	}
	return rep, ctx.Err()
}

func pagesStep(ctx context.Context, client *http.Client, base string, pages []string, cookies []*http.Cookie, rate float64,
	step, target time.Duration) PagesCapacityStep {
	n := int(rate * step.Seconds())
	lat := make([]time.Duration, n)
	var errs, waits atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	begin := time.Now()
	for i := range n {
		at := begin.Add(time.Duration(float64(i) / rate * float64(time.Second)))
		time.Sleep(time.Until(at))
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := get(ctx, client, base+pages[i%len(pages)], cookies[(i/len(pages))%len(cookies)])
			lat[i] = time.Since(at) // from when it was due: the wait for a late start counts
			switch {
			case errors.Is(err, errWaitingRoom):
				waits.Add(1)
			case err != nil:
				errs.Add(1)
				firstErr.CompareAndSwap(nil, err.Error())
			}
		}()
	}
	wg.Wait()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	st := PagesCapacityStep{RequestsPerS: round(rate), Requests: n, Errors: errs.Load(), WaitAnswers: waits.Load(), P50Ms: pct(lat, 50), P99Ms: pct(lat, 99)}
	switch {
	case st.WaitAnswers > 0:
		st.Why = fmt.Sprintf("the waiting room answered %d of %d", st.WaitAnswers, n)
	case st.Errors > 0:
		st.Why = fmt.Sprintf("%d errors (%v)", st.Errors, firstErr.Load())
	case st.P99Ms > ms(target):
		st.Why = fmt.Sprintf("p99 %.1f ms over %.0f ms", st.P99Ms, ms(target))
	default:
		st.Passed = true
	}
	return st
}
