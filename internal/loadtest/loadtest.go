// Package loadtest drives a tdkt server over real loopback HTTP the way a
// room of trainees would, and reports throughput and latency as JSON.
package loadtest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// Login is one account the load uses.
type Login struct{ Username, Password string }

// PagesConfig says how hard and how long to load the module pages.
type PagesConfig struct {
	Server      string        // base URL; empty starts a server of our own
	Exe         string        // the tdkt binary to start when Server is empty
	Users       int           // trainee accounts to seed when starting our own server
	Logins      []Login       // accounts to use against Server
	Concurrency int           // requests in flight at once (one connection each)
	Duration    time.Duration // how long to measure, after warm-up
	Warmup      time.Duration // requests before measuring, not counted
	Requests    int           // stop after this many measured requests (0: no limit)
	Log         io.Writer     // progress messages
	// Database, when set, is a PostgreSQL administrative URL: our own
	// server keeps its data in a new database there instead of SQLite.
	Database string
}

// Summary is what the run measured.
type Summary struct {
	Server               string  `json:"server"`
	Users                int     `json:"users"`
	Pages                int     `json:"pages"`
	Concurrency          int     `json:"concurrency"`
	DurationS            float64 `json:"duration_s"`
	Requests             int64   `json:"requests"`
	Errors               int64   `json:"errors"`
	RequestsPerS         float64 `json:"requests_per_s"`
	P50Ms                float64 `json:"p50_ms"`
	P90Ms                float64 `json:"p90_ms"`
	P99Ms                float64 `json:"p99_ms"`
	MaxMs                float64 `json:"max_ms"`
	PageBytesGzip        int     `json:"page_bytes_gzip"`
	PageBytesWithAssets  int     `json:"page_bytes_gzip_with_assets"`
	PageBytesUncompresed int     `json:"page_bytes_uncompressed"`
	FirstError           string  `json:"first_error,omitempty"`
}

const seedPassword = "loadtest-password"

// Pages runs the module-page load and returns its summary.
func Pages(ctx context.Context, cfg PagesConfig) (Summary, error) {
	if cfg.Concurrency <= 0 || cfg.Duration <= 0 {
		return Summary{}, errors.New("loadtest: concurrency and duration must be positive")
	}
	logf := logger(cfg.Log)
	logins := cfg.Logins
	if cfg.Server == "" {
		if cfg.Users <= 0 {
			return Summary{}, errors.New("loadtest: --users must be positive")
		}
		dir, err := os.MkdirTemp("", "tdkt-loadtest-")
		if err != nil {
			return Summary{}, fmt.Errorf("loadtest: temp dir: %w", err)
		}
		defer os.RemoveAll(dir)
		dsn, args, drop, err := dataAt(ctx, dir, cfg.Database)
		if err != nil {
			return Summary{}, err
		}
		defer drop()
		logf("seeding %d trainees in %s", cfg.Users, dir)
		if logins, err = seed(ctx, dsn, cfg.Users); err != nil {
			return Summary{}, err
		}
		url, stop, err := startServer(ctx, cfg.Exe, dir, args...)
		if err != nil {
			return Summary{}, err
		}
		defer stop()
		cfg.Server = url
		logf("started server %s", url)
	}
	if len(logins) == 0 {
		return Summary{}, errors.New("loadtest: no accounts: with --server give --login user:password")
	}
	base := strings.TrimRight(cfg.Server, "/")
	tr := &http.Transport{MaxIdleConns: cfg.Concurrency * 2, MaxIdleConnsPerHost: cfg.Concurrency * 2,
		MaxConnsPerHost: cfg.Concurrency, DisableCompression: true, IdleConnTimeout: time.Minute}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer tr.CloseIdleConnections()

	cookies, err := loginAll(ctx, client, base, logins)
	if err != nil {
		return Summary{}, err
	}
	logf("logged in %d accounts", len(cookies))
	pages, err := discover(ctx, client, base, cookies[0])
	if err != nil {
		return Summary{}, err
	}
	logf("found %d module pages", len(pages))
	sum := Summary{Server: base, Users: len(cookies), Pages: len(pages), Concurrency: cfg.Concurrency}
	if err := measureWeight(ctx, client, base, pages[0], cookies[0], &sum); err != nil {
		return sum, err
	}

	if cfg.Warmup > 0 {
		logf("warming up for %s", cfg.Warmup)
		run(ctx, client, base, pages, cookies, cfg.Concurrency, cfg.Warmup, 0)
	}
	logf("measuring for %s with %d connections", cfg.Duration, cfg.Concurrency)
	res := run(ctx, client, base, pages, cookies, cfg.Concurrency, cfg.Duration, cfg.Requests)
	sum.DurationS = res.elapsed.Seconds()
	sum.Requests = int64(len(res.latencies)) + res.errors
	sum.Errors = res.errors
	sum.FirstError = res.firstErr
	if sum.DurationS > 0 {
		sum.RequestsPerS = round(float64(sum.Requests) / sum.DurationS)
	}
	lat := res.latencies
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	sum.P50Ms, sum.P90Ms, sum.P99Ms = pct(lat, 50), pct(lat, 90), pct(lat, 99)
	if len(lat) > 0 {
		sum.MaxMs = ms(lat[len(lat)-1])
	}
	return sum, nil
}

type result struct {
	latencies []time.Duration
	errors    int64
	firstErr  string
	elapsed   time.Duration
}

// run keeps `conc` requests in flight until the duration or the request
// budget is spent; each worker cycles through accounts and pages.
func run(ctx context.Context, client *http.Client, base string, pages []string, cookies []*http.Cookie, conc int, d time.Duration, limit int) result {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var next atomic.Int64
	var errs atomic.Int64
	var firstErr atomic.Value
	lats := make([][]time.Duration, conc)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			mine := make([]time.Duration, 0, 1<<14)
			for ctx.Err() == nil {
				i := next.Add(1)
				if limit > 0 && i > int64(limit) {
					break
				}
				page := pages[int(i)%len(pages)]
				ck := cookies[int(i/int64(len(pages)))%len(cookies)]
				t0 := time.Now()
				err := get(ctx, client, base+page, ck)
				if ctx.Err() != nil && err != nil {
					break // the run ended mid-request; not the server's fault
				}
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			lats[w] = mine
		}(w)
	}
	wg.Wait()
	res := result{elapsed: time.Since(start), errors: errs.Load()}
	if v, ok := firstErr.Load().(string); ok {
		res.firstErr = v
	}
	for _, l := range lats {
		res.latencies = append(res.latencies, l...)
	}
	return res
}

func get(ctx context.Context, client *http.Client, url string, ck *http.Cookie) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	req.AddCookie(ck)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("X-Tdkt-Ticket") != "" {
		return fmt.Errorf("GET %s: %w", url, errWaitingRoom)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	}
	return nil
}

// errWaitingRoom is a page the server's admission control answered with
// its waiting room: not served, but not broken either.
var errWaitingRoom = errors.New("sent to the waiting room")

func loginAll(ctx context.Context, client *http.Client, base string, logins []Login) ([]*http.Cookie, error) {
	cookies := make([]*http.Cookie, len(logins))
	errs := make([]error, len(logins))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, l := range logins {
		wg.Add(1)
		go func(i int, l Login) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			form := url.Values{"username": {l.Username}, "password": {l.Password}}
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := client.Do(req)
			if err != nil {
				errs[i] = err
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			for _, c := range resp.Cookies() {
				if c.Name == "tdkt_session" && c.Value != "" {
					cookies[i] = c
				}
			}
			if cookies[i] == nil || resp.StatusCode != http.StatusSeeOther {
				errs[i] = fmt.Errorf("status %d", resp.StatusCode)
			} else if loc := resp.Header.Get("Location"); loc == "/password" {
				errs[i] = errors.New("the account must change its password first")
			}
		}(i, l)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("loadtest: log in %s: %w", logins[i].Username, err)
		}
	}
	return cookies, nil
}

var (
	courseLink = regexp.MustCompile(`href="(/courses/[a-z0-9-]+)"`)
	moduleLink = regexp.MustCompile(`href="(/courses/[a-z0-9-]+/modules/[a-z0-9-]+)"`)
	assetLink  = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)
)

func fetch(ctx context.Context, client *http.Client, url string, ck *http.Cookie, gzip bool) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	if gzip {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	if ck != nil {
		req.AddCookie(ck)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	}
	return b, err
}

// discover follows the catalog to every module page.
func discover(ctx context.Context, client *http.Client, base string, ck *http.Cookie) ([]string, error) {
	home, err := fetch(ctx, client, base+"/", ck, false)
	if err != nil {
		return nil, fmt.Errorf("loadtest: catalog: %w", err)
	}
	seen := map[string]bool{}
	var pages []string
	for _, c := range courseLink.FindAllSubmatch(home, -1) {
		if seen[string(c[1])] {
			continue
		}
		seen[string(c[1])] = true
		body, err := fetch(ctx, client, base+string(c[1]), ck, false)
		if err != nil {
			return nil, fmt.Errorf("loadtest: course page: %w", err)
		}
		for _, m := range moduleLink.FindAllSubmatch(body, -1) {
			if !seen[string(m[1])] {
				seen[string(m[1])] = true
				pages = append(pages, string(m[1]))
			}
		}
	}
	if len(pages) == 0 {
		return nil, errors.New("loadtest: no module pages found from the catalog")
	}
	return pages, nil
}

// measureWeight records what one module page costs a phone over the wire.
func measureWeight(ctx context.Context, client *http.Client, base, page string, ck *http.Cookie, sum *Summary) error {
	gz, err := fetch(ctx, client, base+page, ck, true)
	if err != nil {
		return fmt.Errorf("loadtest: module page: %w", err)
	}
	plain, err := fetch(ctx, client, base+page, ck, false)
	if err != nil {
		return fmt.Errorf("loadtest: module page: %w", err)
	}
	sum.PageBytesGzip, sum.PageBytesUncompresed = len(gz), len(plain)
	sum.PageBytesWithAssets = len(gz)
	for _, a := range assetLink.FindAllSubmatch(plain, -1) {
		b, err := fetch(ctx, client, base+strings.ReplaceAll(string(a[1]), "&amp;", "&"), nil, true)
		if err != nil {
			return fmt.Errorf("loadtest: asset: %w", err)
		}
		sum.PageBytesWithAssets += len(b)
	}
	return nil
}

// seed creates a unit and n trainees sharing one password hash, so seeding
// a thousand accounts takes a second, not a thousand argon2 runs.
func seed(ctx context.Context, path string, n int) ([]Login, error) {
	logins, _, err := seedWithSessions(ctx, path, n, false)
	return logins, err
}

// seedWithSessions is seed, optionally also opening a session per trainee
// directly in the database and returning its cookie value.
func seedWithSessions(ctx context.Context, path string, n int, sessions bool) ([]Login, []string, error) {
	db, err := store.Open(ctx, path)
	if err != nil {
		return nil, nil, fmt.Errorf("loadtest: seed: %w", err)
	}
	defer db.Close()
	hash, err := auth.HashPassword(seedPassword)
	if err != nil {
		return nil, nil, err
	}
	logins := make([]Login, n)
	var tokens []string
	now := time.Now()
	err = db.WithTx(ctx, func(tx *store.Tx) error {
		prov := model.Unit{Code: "LT", Name: "Tỉnh Kiểm Thử", Kind: model.KindProvince}
		if err := tx.CreateUnit(ctx, &prov); err != nil {
			return err
		}
		xa := model.Unit{Code: "LT-X1", Name: "Xã Kiểm Thử", Kind: model.KindCommune, ParentID: prov.ID}
		if err := tx.CreateUnit(ctx, &xa); err != nil {
			return err
		}
		for i := range logins {
			u := model.User{Username: fmt.Sprintf("hv%05d", i+1), FullName: fmt.Sprintf("Học viên %d", i+1),
				Role: model.RoleTrainee, UnitID: xa.ID, PasswordHash: hash}
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
			logins[i] = Login{Username: u.Username, Password: seedPassword}
			if sessions {
				token, th, err := auth.NewSessionToken()
				if err != nil {
					return err
				}
				if err := tx.CreateSession(ctx, model.Session{TokenHash: th, UserID: u.ID, CreatedAt: now,
					ExpiresAt: now.Add(24 * time.Hour), LastSeenAt: now}); err != nil {
					return err
				}
				tokens = append(tokens, token)
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("loadtest: seed: %w", err)
	}
	return logins, tokens, nil
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// startServer runs `tdkt serve` as a separate process on a free loopback
// port, so the load generator and the server do not share a Go runtime.
func startServer(ctx context.Context, exe, dataDir string, args ...string) (string, func(), error) {
	url, stop, _, err := startServerPID(ctx, exe, dataDir, args...)
	return url, stop, err
}

// dataAt says where a load test's own server keeps its data: tdkt.db in
// dir, or, given the URL of a PostgreSQL administrative database, a new
// database dropped afterwards. args are the server's flags for it.
func dataAt(ctx context.Context, dir, admin string) (dsn string, args []string, drop func(), err error) {
	if admin == "" {
		return filepath.Join(dir, "tdkt.db"), nil, func() {}, nil
	}
	dsn, dropDB, err := store.CreateDatabase(ctx, admin, fmt.Sprintf("tdkt_loadtest_%d", time.Now().UnixNano()))
	if err != nil {
		return "", nil, nil, fmt.Errorf("loadtest: %w", err)
	}
	return dsn, []string{"--database", dsn}, func() { _ = dropDB() }, nil
}

// startServerPID is startServer that also returns the server's process id.
func startServerPID(ctx context.Context, exe, dataDir string, args ...string) (string, func(), int, error) {
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return "", nil, 0, fmt.Errorf("loadtest: find tdkt binary: %w", err)
		}
	}
	cmd := exec.Command(exe, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", dataDir}, args...)...)
	cmd.Env = append(os.Environ(), "TDKT_ADDR=", "TDKT_CONTENT=")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, 0, err
	}
	logFile, _ := os.Create(filepath.Join(dataDir, "server.log"))
	cmd.Stderr = logFile
	if err := cmd.Start(); err != nil {
		return "", nil, 0, fmt.Errorf("loadtest: start %s: %w", exe, err)
	}
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if logFile != nil {
			logFile.Close()
		}
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		close(found)
	}()
	select {
	case u, ok := <-found:
		if !ok {
			stop()
			log, _ := os.ReadFile(filepath.Join(dataDir, "server.log"))
			return "", nil, 0, fmt.Errorf("loadtest: server exited before listening:\n%s", log)
		}
		return u, stop, cmd.Process.Pid, nil
	case <-time.After(30 * time.Second):
		stop()
		return "", nil, 0, errors.New("loadtest: server did not start within 30s")
	case <-ctx.Done():
		stop()
		return "", nil, 0, ctx.Err()
	}
}

func pct(sorted []time.Duration, p int) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	if i > 0 {
		i--
	}
	return ms(sorted[i])
}

func ms(d time.Duration) float64 { return round(float64(d.Microseconds()) / 1000) }

func round(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	return io.ReadAll(zr)
}

// logger writes progress lines to w, or nowhere when w is nil.
func logger(w io.Writer) func(format string, args ...any) {
	return func(format string, args ...any) {
		if w != nil {
			fmt.Fprintf(w, format+"\n", args...)
		}
	}
}
