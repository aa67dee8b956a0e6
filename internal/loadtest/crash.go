package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gorilla/websocket"

	"github.com/tdkt/tdkt/internal/store"
)

// CrashConfig says how often to kill the server and how many officers
// write meanwhile.
type CrashConfig struct {
	Exe      string // the tdkt binary; empty: this one
	Kills    int    // rounds, each ended by SIGKILL
	Trainees int
	Seed     uint64 // picks the kill moments; the same seed, the same moments
	Log      io.Writer
	// Database, when set, is a PostgreSQL administrative URL: the server
	// keeps its data in a new database there instead of SQLite.
	Database string
}

// CrashRound is what one round wrote and what survived it.
type CrashRound struct {
	KilledAfterMs int    `json:"killed_after_ms"`
	Acked         int    `json:"acknowledged"` // answers, poll answers and marks acknowledged before the kill
	Checked       int    `json:"checked"`      // the newest acknowledgement of each answer and mark, looked up after the kill
	Lost          int    `json:"lost"`         // acknowledged but missing (or older) after the restart
	Integrity     string `json:"integrity"`
}

// CrashSummary is the crash test's result.
type CrashSummary struct {
	Rounds       []CrashRound `json:"rounds"`
	Kills        int          `json:"kills"`
	ExamAnswers  int          `json:"exam_answers_acknowledged"`
	PollAnswers  int          `json:"poll_answers_acknowledged"`
	Marks        int          `json:"rollcall_marks_acknowledged"`
	Lost         int          `json:"lost"`
	IntegrityBad int          `json:"integrity_failures"`
	OpenPresence int          `json:"presence_left_open_after_restart"`
	Presence     int          `json:"presence_rows"`
	FirstError   string       `json:"first_error,omitempty"`
}

// examAck is the newest acknowledged answer of one question: for a text
// question the sequence number written into it, so a later unacknowledged
// answer that did commit is told from a lost one.
type examAck struct {
	attempt int64
	qid     string
	seq     int // 0: not a text question, presence is enough
}

// crashRecord holds everything acknowledged in one round.
type crashRecord struct {
	mu     sync.Mutex
	exam   map[[2]string]examAck // (attempt, question) → newest ack
	polls  map[[2]int64]int      // (poll, user) → choice acknowledged last
	flight map[[2]int64]int      // (poll, user) → choice sent and not yet acknowledged
	marks  map[[2]int64]bool     // (roll call, user)
	// acknowledgements received, repeats included
	examAcks, pollAcks, markAcks int
}

var seqRe = regexp.MustCompile(`n(\d+)`)

// Crash runs writers against a server, kills it with SIGKILL at a random
// moment, restarts it and checks that everything acknowledged before the
// kill is in the database and that the database is whole; Kills times.
func Crash(ctx context.Context, cfg CrashConfig) (CrashSummary, error) {
	logf := logger(cfg.Log)
	var sum CrashSummary
	dir, err := os.MkdirTemp("", "tdkt-crash-")
	if err != nil {
		return sum, err
	}
	defer os.RemoveAll(dir)
	dbPath, args, drop, err := dataAt(ctx, dir, cfg.Database)
	if err != nil {
		return sum, err
	}
	defer drop()
	seed, err := seedLive(ctx, dbPath, cfg.Trainees)
	if err != nil {
		return sum, fmt.Errorf("loadtest: seed: %w", err)
	}
	users, err := sessionUsers(ctx, dbPath, seed)
	if err != nil {
		return sum, err
	}
	rnd := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	for round := 1; round <= cfg.Kills; round++ {
		base, stop, pid, err := startServerPID(ctx, cfg.Exe, dir, args...)
		if err != nil {
			return sum, err
		}
		wait := time.Duration(150+rnd.IntN(750)) * time.Millisecond
		rec := &crashRecord{exam: map[[2]string]examAck{}, polls: map[[2]int64]int{}, flight: map[[2]int64]int{}, marks: map[[2]int64]bool{}}
		wctx, cancel := context.WithCancel(ctx)
		werr := make(chan error, 1)
		go func() { werr <- writeUntilKilled(wctx, base, seed, users, round, rec) }()
		time.Sleep(wait)
		// The writers go on until the process is gone: the kill lands in
		// the middle of their requests and batches.
		_ = syscall.Kill(pid, syscall.SIGKILL)
		stop()
		cancel()
		if err := <-werr; err != nil && sum.FirstError == "" {
			sum.FirstError = err.Error()
		}
		r := CrashRound{KilledAfterMs: int(wait.Milliseconds())}
		r.Integrity, r.Checked, r.Lost, err = verifyCrash(ctx, dbPath, rec)
		if err != nil {
			return sum, err
		}
		rec.mu.Lock()
		r.Acked = rec.examAcks + rec.pollAcks + rec.markAcks
		sum.ExamAnswers += rec.examAcks
		sum.PollAnswers += rec.pollAcks
		sum.Marks += rec.markAcks
		rec.mu.Unlock()
		sum.Rounds = append(sum.Rounds, r)
		sum.Kills++
		sum.Lost += r.Lost
		if r.Integrity != "ok" {
			sum.IntegrityBad++
		}
		logf("round %d: killed after %d ms, %d acknowledged, %d checked, %d lost, integrity %s", round, r.KilledAfterMs, r.Acked, r.Checked, r.Lost, r.Integrity)
	}
	// A last clean start closes the presence the kills left open.
	_, stop, _, err := startServerPID(ctx, cfg.Exe, dir, args...)
	if err != nil {
		return sum, err
	}
	stop()
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		return sum, err
	}
	defer db.Close()
	pres, err := db.Presence(ctx, seed.session)
	if err != nil {
		return sum, err
	}
	sum.Presence = len(pres)
	for _, p := range pres {
		if p.LeftAt.IsZero() || p.LeftAt.Before(p.JoinedAt) {
			sum.OpenPresence++
		}
	}
	return sum, nil
}

// sessionUsers maps each seeded session token to its user id.
func sessionUsers(ctx context.Context, path string, seed liveSeed) ([]int64, error) {
	db, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	out := make([]int64, len(seed.sessions))
	for i := range seed.sessions {
		u, err := db.UserByUsername(ctx, fmt.Sprintf("hv%05d", i+1))
		if err != nil {
			return nil, err
		}
		out[i] = u.ID
	}
	return out, nil
}

// writeUntilKilled runs the trainer and every trainee until the server
// dies or ctx ends; errors after the kill are expected and not reported.
func writeUntilKilled(ctx context.Context, base string, seed liveSeed, users []int64, round int, rec *crashRecord) error {
	client := &http.Client{Timeout: 10 * time.Second}
	wsURL := "ws" + strings.TrimPrefix(base, "http") + "/live/" + strconv.FormatInt(seed.session, 10) + "/ws"
	dial := func(tok string) (*websocket.Conn, error) {
		ws, _, err := websocket.DefaultDialer.DialContext(ctx, wsURL, http.Header{"Cookie": {"tdkt_session=" + tok}})
		return ws, err
	}
	course, err := findExam(ctx, client, base, seed.sessions[0])
	if err != nil {
		return err
	}
	tr, err := dial(seed.trainer)
	if err != nil {
		return fmt.Errorf("trainer join: %w", err)
	}
	defer tr.Close()
	go func() { // the trainer's reads, so its queue never fills
		for {
			if _, _, err := tr.ReadMessage(); err != nil {
				return
			}
		}
	}()
	send := func(ws *websocket.Conn, typ string, data any) error {
		return ws.WriteJSON(map[string]any{"t": typ, "d": data})
	}
	options := []string{"A", "B", "C", "D", "E", "G", "H", "I", "K", "L"}
	if err := send(tr, "poll_open", map[string]any{"text": fmt.Sprintf("Câu hỏi vòng %d", round), "options": options}); err != nil {
		return err
	}
	if err := send(tr, "rollcall_open", map[string]any{"seconds": 1800}); err != nil {
		return err
	}
	var wg sync.WaitGroup
	for i, tok := range seed.sessions {
		wg.Add(2)
		go func() { defer wg.Done(); liveWriter(ctx, dial, tok, users[i], rec) }()
		go func() { defer wg.Done(); examWriter(ctx, client, base, course, tok, round, rec) }()
	}
	wg.Wait()
	return nil
}

// liveWriter joins the room, marks the roll call once and answers the poll
// over and over, one answer in flight at a time.
func liveWriter(ctx context.Context, dial func(string) (*websocket.Conn, error), tok string, uid int64, rec *crashRecord) {
	ws, err := dial(tok)
	if err != nil {
		return
	}
	defer ws.Close()
	go func() { <-ctx.Done(); ws.Close() }()
	var poll, rc int64
	choice := 0
	for {
		var m wsMsg
		if err := ws.ReadJSON(&m); err != nil {
			return
		}
		type state struct {
			ID   int64 `json:"id"`
			Open bool  `json:"open"`
		}
		var d struct {
			ID       int64 `json:"id"`
			Open     bool  `json:"open"`
			Poll     int64 `json:"poll"`
			RollCall int64 `json:"rollcall"`
		}
		next := false
		if m.Type == "hello" {
			// Joined after the trainer opened them: the snapshot has them.
			var h struct {
				Poll     *state `json:"poll"`
				RollCall *state `json:"rollcall"`
			}
			if json.Unmarshal(m.Data, &h) != nil {
				return
			}
			if h.Poll != nil && h.Poll.Open {
				poll, next = h.Poll.ID, true
			}
			if h.RollCall != nil && h.RollCall.Open {
				rc = h.RollCall.ID
				if ws.WriteJSON(map[string]any{"t": "here", "d": map[string]any{"rollcall": rc}}) != nil {
					return
				}
			}
		} else {
			_ = json.Unmarshal(m.Data, &d)
		}
		switch m.Type {
		case "poll":
			if d.Open && d.ID != poll {
				poll, next = d.ID, true
			}
		case "rollcall":
			if d.Open && d.ID != rc {
				rc = d.ID
				if ws.WriteJSON(map[string]any{"t": "here", "d": map[string]any{"rollcall": rc}}) != nil {
					return
				}
			}
		case "marked":
			rec.mu.Lock()
			rec.marks[[2]int64{d.RollCall, uid}] = true
			rec.markAcks++
			rec.mu.Unlock()
		case "answered":
			rec.mu.Lock()
			k := [2]int64{d.Poll, uid}
			rec.polls[k] = rec.flight[k]
			delete(rec.flight, k)
			rec.pollAcks++
			rec.mu.Unlock()
			// Only the current poll's acknowledgement frees the next answer:
			// one in flight per poll, so each ack is matched to its choice.
			next = d.Poll == poll
		}
		if next && poll != 0 {
			choice = (choice + 1) % 10
			rec.mu.Lock()
			rec.flight[[2]int64{poll, uid}] = choice
			rec.mu.Unlock()
			if ws.WriteJSON(map[string]any{"t": "answer", "d": map[string]any{"poll": poll, "choices": []int{choice}}}) != nil {
				return
			}
		}
	}
}

// examWriter starts (or resumes) the exam and saves answers in turn; a
// text answer carries a growing sequence number.
func examWriter(ctx context.Context, client *http.Client, base, course, tok string, round int, rec *crashRecord) {
	t := trainee{client: client, base: base, cookie: &http.Cookie{Name: "tdkt_session", Value: tok}, waits: &waitroom{}}
	id, _, err := t.start(ctx, course)
	if err != nil {
		return
	}
	all, _, err := t.paper(ctx, id)
	if err != nil {
		return
	}
	// A question the paper parser found nothing to fill in (a case
	// answered in a text area) would be sent empty, which the server
	// records as "no answer": leave it out.
	var paper []url.Values
	for _, f := range all {
		if len(f) > 1 {
			paper = append(paper, f)
		}
	}
	if len(paper) == 0 {
		return
	}
	for seq := 1; ctx.Err() == nil; seq++ {
		f := url.Values{}
		for k, v := range paper[seq%len(paper)] {
			f[k] = v
		}
		text := false
		for k := range f {
			if k != "question" && f.Get(k) == "thi đua khen thưởng" {
				f.Set(k, fmt.Sprintf("r%d n%d", round, seq))
				text = true
			}
		}
		if _, err := t.answer(ctx, id, f); err != nil {
			return
		}
		a := examAck{attempt: id, qid: f.Get("question")}
		if text {
			a.seq = seq
		}
		rec.mu.Lock()
		rec.exam[[2]string{strconv.FormatInt(id, 10), a.qid}] = a
		rec.examAcks++
		rec.mu.Unlock()
	}
}

// verifyCrash opens the killed server's database and checks every
// acknowledged write against it.
func verifyCrash(ctx context.Context, path string, rec *crashRecord) (integrity string, checked, lost int, err error) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	db, err := store.Open(ctx, path) // recovers the WAL, as a restarted server would
	if err != nil {
		return "", 0, 0, fmt.Errorf("loadtest: reopen after the kill: %w", err)
	}
	defer db.Close()
	if integrity, err = db.IntegrityCheck(ctx); err != nil {
		return "", 0, 0, err
	}
	answers := map[int64]map[string]string{}
	for _, a := range rec.exam {
		checked++
		if answers[a.attempt] == nil {
			saved, err := db.Answers(ctx, a.attempt)
			if err != nil {
				return "", 0, 0, err
			}
			answers[a.attempt] = map[string]string{}
			for _, s := range saved {
				// A case is stored as one row per part (case/part); its
				// parts together are the case's answer.
				q, _, _ := strings.Cut(s.QuestionID, "/")
				answers[a.attempt][q] += s.Answer
			}
		}
		got, ok := answers[a.attempt][a.qid]
		if !ok {
			lost++
			continue
		}
		if a.seq > 0 {
			n := 0
			for _, m := range seqRe.FindAllStringSubmatch(got, -1) {
				if v, _ := strconv.Atoi(m[1]); v > n {
					n = v
				}
			}
			if n < a.seq {
				lost++ // an older answer: the acknowledged one was lost
			}
		}
	}
	pollAnswers := map[int64]map[int64]string{}
	for k, choice := range rec.polls {
		checked++
		if pollAnswers[k[0]] == nil {
			if pollAnswers[k[0]], err = db.PollAnswers(ctx, k[0]); err != nil {
				return "", 0, 0, err
			}
		}
		got := pollAnswers[k[0]][k[1]]
		inFlight, flying := rec.flight[k]
		if got != fmt.Sprintf("[%d]", choice) && !(flying && got == fmt.Sprintf("[%d]", inFlight)) {
			lost++
		}
	}
	marks := map[int64]map[int64]time.Time{}
	for k := range rec.marks {
		checked++
		if marks[k[0]] == nil {
			if marks[k[0]], err = db.RollCallMarks(ctx, k[0]); err != nil {
				return "", 0, 0, err
			}
		}
		if _, ok := marks[k[0]][k[1]]; !ok {
			lost++
		}
	}
	return integrity, checked, lost, nil
}
