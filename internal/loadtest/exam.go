package loadtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ExamConfig says how many trainees start the exam and how fast.
type ExamConfig struct {
	Server      string        // base URL; empty starts a server of our own
	Exe         string        // the tdkt binary to start when Server is empty
	Trainees    int           // trainees to seed and start the exam
	Ramp        time.Duration // the starts are spread evenly over this time
	Course      string        // course id; empty: the first course with an exam
	Sessions    []string      // session cookies to use against Server (one per trainee)
	Logins      []Login       // or accounts to log in with against Server
	LoginSample int           // how many password logins to time for logins_per_s
	Submit      bool          // submit each attempt after answering
	Think       time.Duration // pause between one trainee's answers (0: back to back, the worst case)
	// FindCapacity raises the start rate step by step instead of running
	// one storm (see findCapacity); Rate, Growth, Step and Target shape it.
	FindCapacity bool
	Rate         float64       // starts per second of the first step
	Growth       float64       // each step's rate is the last one's times this
	Step         time.Duration // how long each step starts trainees
	Target       time.Duration // the p99 a step must stay under
	Log          io.Writer
	// Database, when set, is a PostgreSQL administrative URL: our own
	// server keeps its data in a new database there instead of SQLite.
	Database string
}

// ExamSummary is what the exam storm measured.
type ExamSummary struct {
	Server       string  `json:"server"`
	Course       string  `json:"course"`
	Trainees     int     `json:"trainees"`
	RampS        float64 `json:"ramp_s"`
	ThinkS       float64 `json:"think_s"`
	Starts       int64   `json:"starts"`
	Errors       int64   `json:"errors"`
	StartP50Ms   float64 `json:"start_p50_ms"`
	StartP99Ms   float64 `json:"start_p99_ms"`
	StartMaxMs   float64 `json:"start_max_ms"`
	PageP50Ms    float64 `json:"attempt_page_p50_ms"`
	PageP99Ms    float64 `json:"attempt_page_p99_ms"`
	AnswersSent  int64   `json:"answers_sent"`
	AnswersSaved int64   `json:"answers_saved"`
	AnswerP50Ms  float64 `json:"answer_p50_ms"`
	AnswerP99Ms  float64 `json:"answer_p99_ms"`
	Submitted    int64   `json:"submitted"`
	DurationS    float64 `json:"duration_s"`
	LoginsTimed  int     `json:"logins_timed"`
	LoginsPerS   float64 `json:"logins_per_s"`
	// Every request, its admitted try only: the waiting room's answers are
	// counted apart, not as latency.
	AdmittedP99Ms float64 `json:"admitted_p99_ms"`
	AdmittedMaxMs float64 `json:"admitted_max_ms"`
	// The waiting room: how many answers it gave, how many requests met it
	// at least once, and the longest a request took from its first try to
	// its admission.
	WaitAnswers   int64   `json:"waiting_room_answers"`
	WaitRequests  int64   `json:"waiting_room_requests"`
	WaitLongestMs float64 `json:"waiting_room_longest_ms"`
	FirstError    string  `json:"first_error,omitempty"`
	// Capacity is the report of --find-capacity, which replaces the storm.
	Capacity *CapacityReport `json:"capacity,omitempty"`
}

// Exam runs the exam-start storm and returns its summary.
func Exam(ctx context.Context, cfg ExamConfig) (ExamSummary, error) {
	logf := logger(cfg.Log)
	sessions, logins := cfg.Sessions, cfg.Logins
	if cfg.Server == "" {
		if cfg.Trainees <= 0 {
			return ExamSummary{}, errors.New("loadtest: --trainees must be positive")
		}
		dir, err := os.MkdirTemp("", "tdkt-loadtest-")
		if err != nil {
			return ExamSummary{}, fmt.Errorf("loadtest: temp dir: %w", err)
		}
		defer os.RemoveAll(dir)
		dsn, args, drop, err := dataAt(ctx, dir, cfg.Database)
		if err != nil {
			return ExamSummary{}, err
		}
		defer drop()
		logf("seeding %d trainees with sessions in %s", cfg.Trainees, dir)
		if logins, sessions, err = seedWithSessions(ctx, dsn, cfg.Trainees, true); err != nil {
			return ExamSummary{}, err
		}
		url, stop, err := startServer(ctx, cfg.Exe, dir, args...)
		if err != nil {
			return ExamSummary{}, err
		}
		defer stop()
		cfg.Server = url
		logf("started server %s", url)
	}
	base := strings.TrimRight(cfg.Server, "/")
	tr := &http.Transport{MaxIdleConns: 4096, MaxIdleConnsPerHost: 4096, DisableCompression: true, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	sum := ExamSummary{Server: base, RampS: cfg.Ramp.Seconds(), ThinkS: cfg.Think.Seconds()}
	// Password logins are timed on a sample: argon2 is slow on purpose.
	if n := min(cfg.LoginSample, len(logins)); n > 0 {
		t0 := time.Now()
		if _, err := loginAll(ctx, client, base, logins[:n]); err != nil {
			return sum, err
		}
		sum.LoginsTimed, sum.LoginsPerS = n, round(float64(n)/time.Since(t0).Seconds())
		logf("timed %d password logins: %.1f/s", n, sum.LoginsPerS)
	}
	if len(sessions) == 0 && len(logins) > 0 {
		cks, err := loginAll(ctx, client, base, logins)
		if err != nil {
			return sum, err
		}
		for _, c := range cks {
			sessions = append(sessions, c.Value)
		}
	}
	if len(sessions) == 0 {
		return sum, errors.New("loadtest: no trainees: with --server give --login user:password")
	}
	sum.Trainees = len(sessions)
	course := cfg.Course
	if course == "" {
		var err error
		if course, err = findExam(ctx, client, base, sessions[0]); err != nil {
			return sum, err
		}
	}
	sum.Course = course
	if cfg.FindCapacity {
		rep, err := findCapacity(ctx, cfg, client, base, course, sessions, logf)
		sum.Capacity = &rep
		return sum, err
	}
	logf("%d trainees start the exam of %s over %s", len(sessions), course, cfg.Ramp)

	run := newExamRun()
	begin := time.Now()
	var wg sync.WaitGroup
	for i, tok := range sessions {
		wg.Add(1)
		go func(i int, tok string) {
			defer wg.Done()
			at := begin.Add(time.Duration(int64(cfg.Ramp) * int64(i) / int64(len(sessions))))
			select {
			case <-time.After(time.Until(at)):
			case <-ctx.Done():
				return
			}
			run.trainee(ctx, trainee{client: client, base: base, cookie: &http.Cookie{Name: "tdkt_session", Value: tok}, waits: run.waits},
				course, cfg.Think, cfg.Submit)
		}(i, tok)
	}
	wg.Wait()
	sum.DurationS = round(time.Since(begin).Seconds())
	run.summarize(&sum)
	return sum, nil
}

// examRun gathers what the trainees of one run measured.
type examRun struct {
	waits                       *waitroom
	mu                          sync.Mutex
	all, starts, pages, answers []time.Duration
	nStarts, nErr               atomic.Int64
	nSent, nSaved, nSubmit      atomic.Int64
	firstErr                    atomic.Value
}

func newExamRun() *examRun { return &examRun{waits: &waitroom{}} }

func (r *examRun) fail(err error) {
	r.nErr.Add(1)
	r.firstErr.CompareAndSwap(nil, err.Error())
}

// trainee starts the exam, loads the paper, answers every question (think
// apart) and submits, as one officer would.
func (r *examRun) trainee(ctx context.Context, tr trainee, course string, think time.Duration, submit bool) {
	id, d, err := tr.start(ctx, course)
	if err != nil {
		r.fail(err)
		return
	}
	r.nStarts.Add(1)
	qs, pd, err := tr.paper(ctx, id)
	if err != nil {
		r.fail(err)
		return
	}
	var mine, sub []time.Duration
	for k, q := range qs {
		if k > 0 && think > 0 {
			select {
			case <-time.After(think):
			case <-ctx.Done():
				return
			}
		}
		r.nSent.Add(1)
		took, err := tr.answer(ctx, id, q)
		if err != nil {
			r.fail(err)
			continue
		}
		mine = append(mine, took)
		r.nSaved.Add(1)
	}
	if submit {
		if took, err := tr.submit(ctx, id); err != nil {
			r.fail(err)
		} else {
			r.nSubmit.Add(1)
			sub = append(sub, took)
		}
	}
	r.mu.Lock()
	r.starts = append(r.starts, d)
	r.pages = append(r.pages, pd)
	r.answers = append(r.answers, mine...)
	r.all = append(r.all, d, pd)
	r.all = append(r.all, mine...)
	r.all = append(r.all, sub...)
	r.mu.Unlock()
}

// summarize fills the counts and percentiles of sum.
func (r *examRun) summarize(sum *ExamSummary) {
	sum.Starts, sum.Errors = r.nStarts.Load(), r.nErr.Load()
	sum.AnswersSent, sum.AnswersSaved, sum.Submitted = r.nSent.Load(), r.nSaved.Load(), r.nSubmit.Load()
	if v, ok := r.firstErr.Load().(string); ok {
		sum.FirstError = v
	}
	sum.WaitAnswers, sum.WaitRequests = r.waits.answers.Load(), r.waits.requests.Load()
	sum.WaitLongestMs = ms(r.waits.max())
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, l := range [][]time.Duration{r.starts, r.pages, r.answers, r.all} {
		sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
	}
	sum.StartP50Ms, sum.StartP99Ms = pct(r.starts, 50), pct(r.starts, 99)
	if len(r.starts) > 0 {
		sum.StartMaxMs = ms(r.starts[len(r.starts)-1])
	}
	sum.PageP50Ms, sum.PageP99Ms = pct(r.pages, 50), pct(r.pages, 99)
	sum.AnswerP50Ms, sum.AnswerP99Ms = pct(r.answers, 50), pct(r.answers, 99)
	sum.AdmittedP99Ms = pct(r.all, 99)
	if len(r.all) > 0 {
		sum.AdmittedMaxMs = ms(r.all[len(r.all)-1])
	}
}

var examLink = regexp.MustCompile(`href="/courses/([a-z0-9-]+)/exam"`)

// findExam returns the first course whose page links to an exam.
func findExam(ctx context.Context, client *http.Client, base, tok string) (string, error) {
	ck := &http.Cookie{Name: "tdkt_session", Value: tok}
	home, err := fetch(ctx, client, base+"/", ck, false)
	if err != nil {
		return "", fmt.Errorf("loadtest: catalog: %w", err)
	}
	for _, c := range courseLink.FindAllSubmatch(home, -1) {
		body, err := fetch(ctx, client, base+string(c[1]), ck, false)
		if err != nil {
			return "", fmt.Errorf("loadtest: course page: %w", err)
		}
		if m := examLink.FindSubmatch(body); m != nil {
			return string(m[1]), nil
		}
	}
	return "", errors.New("loadtest: no course with an exam; give --course")
}

// trainee is one simulated officer taking the exam.
type trainee struct {
	client *http.Client
	base   string
	cookie *http.Cookie
	waits  *waitroom
	// whole makes each request's time run from its first try, waiting room
	// included (what the officer waits); otherwise it is the admitted try's.
	whole bool
}

// waitroom counts what the server's waiting room answered.
type waitroom struct {
	answers  atomic.Int64 // waiting-room replies
	requests atomic.Int64 // requests that met it at least once
	mu       sync.Mutex
	longest  time.Duration
}

func (w *waitroom) note(d time.Duration) {
	w.mu.Lock()
	w.longest = max(w.longest, d)
	w.mu.Unlock()
}

func (w *waitroom) max() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.longest
}

// do sends the request made by build until the server admits it, as the
// pages' script does: a waiting-room reply (503 with a ticket) is followed
// after the time it gives, with the ticket sent back to keep the place.
// It returns the admitted reply and how long that try took.
func (t trainee) do(ctx context.Context, build func() (*http.Request, error)) ([]byte, int, time.Duration, error) {
	first, ticket, waited := time.Now(), "", false
	for {
		req, err := build()
		if err != nil {
			return nil, 0, 0, err
		}
		req.AddCookie(t.cookie)
		if ticket != "" {
			req.Header.Set("X-Tdkt-Ticket", ticket)
		}
		t0 := time.Now()
		resp, err := t.client.Do(req)
		if err != nil {
			return nil, 0, 0, err
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		took := time.Since(t0)
		if err != nil {
			return nil, 0, 0, err
		}
		if tk := resp.Header.Get("X-Tdkt-Ticket"); resp.StatusCode == http.StatusServiceUnavailable && tk != "" {
			ticket = tk
			t.waits.answers.Add(1)
			if !waited {
				waited = true
				t.waits.requests.Add(1)
			}
			after, err := strconv.Atoi(resp.Header.Get("X-Tdkt-Retry-Ms"))
			if err != nil || after <= 0 {
				after = 1000
			}
			select {
			case <-time.After(time.Duration(after) * time.Millisecond):
			case <-ctx.Done():
				return nil, 0, 0, ctx.Err()
			}
			continue
		}
		if waited {
			t.waits.note(time.Since(first))
		}
		if t.whole {
			took = time.Since(first)
		}
		return b, resp.StatusCode, took, nil
	}
}

func (t trainee) post(ctx context.Context, path string, form url.Values) ([]byte, int, time.Duration, error) {
	body := form.Encode()
	return t.do(ctx, func() (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.base+path, strings.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		return req, nil
	})
}

func (t trainee) start(ctx context.Context, course string) (int64, time.Duration, error) {
	b, code, took, err := t.post(ctx, "/courses/"+course+"/exam/start", url.Values{})
	if err != nil {
		return 0, 0, fmt.Errorf("start: %w", err)
	}
	if code != http.StatusOK {
		return 0, 0, fmt.Errorf("start: status %d: %.200s", code, b)
	}
	var r struct {
		Attempt int64 `json:"attempt"`
	}
	if err := json.Unmarshal(b, &r); err != nil || r.Attempt == 0 {
		return 0, 0, fmt.Errorf("start: unexpected reply %.200s", b)
	}
	return r.Attempt, took, nil
}

var (
	fieldsetRe = regexp.MustCompile(`(?s)<fieldset class="q[^"]*" id="q-[^"]+" data-q="([^"]+)">(.*?)</fieldset>`)
	radioRe    = regexp.MustCompile(`type="(?:radio|checkbox)" name="([^"]+)" value="([^"]+)"`)
	textRe     = regexp.MustCompile(`class="short" type="text" name="([^"]+)"`)
	selectRe   = regexp.MustCompile(`(?s)<select name="([^"]+)">(.*?)</select>`)
	optionRe   = regexp.MustCompile(`<option value="([^"]+)"`)
)

// paper loads the attempt page as a phone would and prepares one answer per
// question: the first choice, a text, or items numbered in the order shown.
func (t trainee) paper(ctx context.Context, id int64) ([]url.Values, time.Duration, error) {
	page := t.base + "/attempts/" + strconv.FormatInt(id, 10)
	body, code, took, err := t.do(ctx, func() (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, page, nil)
		if err == nil {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		return req, err
	})
	if err == nil && code != http.StatusOK {
		err = fmt.Errorf("status %d", code)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("attempt page: %w", err)
	}
	if len(body) > 1 && body[0] == 0x1f { // gzip: the server compressed it
		body, err = gunzip(body)
		if err != nil {
			return nil, 0, fmt.Errorf("attempt page: %w", err)
		}
	}
	var out []url.Values
	for _, fs := range fieldsetRe.FindAllSubmatch(body, -1) {
		f := url.Values{"question": {string(fs[1])}}
		seen := map[string]bool{}
		for _, m := range radioRe.FindAllSubmatch(fs[2], -1) {
			if !seen[string(m[1])] {
				seen[string(m[1])] = true
				f.Set(string(m[1]), string(m[2]))
			}
		}
		for _, m := range textRe.FindAllSubmatch(fs[2], -1) {
			f.Set(string(m[1]), "thi đua khen thưởng")
		}
		pos := 0
		for _, m := range selectRe.FindAllSubmatch(fs[2], -1) {
			opts := optionRe.FindAllSubmatch(m[2], -1)
			if len(opts) == 0 {
				continue
			}
			if _, err := strconv.Atoi(string(opts[0][1])); err == nil { // ordering: numbered positions
				pos++
				f.Set(string(m[1]), strconv.Itoa(min(pos, len(opts))))
			} else { // matching: the first right-hand item not used yet
				for _, o := range opts {
					if !seen["r:"+string(o[1])] {
						seen["r:"+string(o[1])] = true
						f.Set(string(m[1]), string(o[1]))
						break
					}
				}
			}
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		return nil, 0, fmt.Errorf("attempt page has no questions: %.200s", body)
	}
	return out, took, nil
}

func (t trainee) answer(ctx context.Context, id int64, f url.Values) (time.Duration, error) {
	b, code, took, err := t.post(ctx, "/attempts/"+strconv.FormatInt(id, 10)+"/answers", f)
	if err != nil {
		return 0, fmt.Errorf("answer: %w", err)
	}
	if code != http.StatusOK {
		return 0, fmt.Errorf("answer: status %d: %.200s", code, b)
	}
	return took, nil
}

func (t trainee) submit(ctx context.Context, id int64) (time.Duration, error) {
	b, code, took, err := t.post(ctx, "/attempts/"+strconv.FormatInt(id, 10)+"/submit", url.Values{})
	if err != nil {
		return 0, fmt.Errorf("submit: %w", err)
	}
	if code != http.StatusOK {
		return 0, fmt.Errorf("submit: status %d: %.200s", code, b)
	}
	return took, nil
}
