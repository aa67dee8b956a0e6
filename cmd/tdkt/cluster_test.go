package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/broker/brokertest"
	"github.com/tdkt/tdkt/internal/live"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/store/storetest"
)

// clusterSeed is what the two-node test starts with: a province, a
// trainer, six trainees with sessions, and a live session going on now.
type clusterSeed struct {
	session  int64
	trainer  model.User
	trainees []model.User
	tokens   map[int64]string // session cookie per user
}

func seedCluster(t *testing.T, dsn string) clusterSeed {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hash, err := auth.HashPassword("mat-khau-cum")
	if err != nil {
		t.Fatal(err)
	}
	s := clusterSeed{tokens: map[int64]string{}}
	now := time.Now()
	err = db.WithTx(ctx, func(tx *store.Tx) error {
		prov := model.Unit{Code: "CUM", Name: "Tỉnh Cụm Máy", Kind: model.KindProvince}
		if err := tx.CreateUnit(ctx, &prov); err != nil {
			return err
		}
		xa := model.Unit{Code: "CUM-X1", Name: "Xã Hai Nút", Kind: model.KindCommune, ParentID: prov.ID}
		if err := tx.CreateUnit(ctx, &xa); err != nil {
			return err
		}
		users := []model.User{{Username: "giangvien", FullName: "Giảng viên", Role: model.RoleTrainer, UnitID: prov.ID, PasswordHash: hash}}
		for i := 1; i <= 6; i++ {
			users = append(users, model.User{Username: fmt.Sprintf("hv%d", i), FullName: fmt.Sprintf("Học viên %d", i),
				Role: model.RoleTrainee, UnitID: xa.ID, PasswordHash: hash})
		}
		for i := range users {
			if err := tx.CreateUser(ctx, &users[i]); err != nil {
				return err
			}
			token, th, err := auth.NewSessionToken()
			if err != nil {
				return err
			}
			if err := tx.CreateSession(ctx, model.Session{TokenHash: th, UserID: users[i].ID, CreatedAt: now,
				ExpiresAt: now.Add(24 * time.Hour), LastSeenAt: now}); err != nil {
				return err
			}
			s.tokens[users[i].ID] = token
		}
		s.trainer, s.trainees = users[0], users[1:]
		ls := model.LiveSession{Code: "515151", Title: "Hội nghị hai máy chủ", CourseID: "nghiep-vu-thi-dua-khen-thuong",
			StartsAt: now.Add(-time.Minute), EndsAt: now.Add(3 * time.Hour), LateAfter: 10 * time.Minute, PresentPct: 80, TrainerID: users[0].ID}
		if err := tx.CreateLiveSession(ctx, &ls, []int64{xa.ID}, nil); err != nil {
			return err
		}
		s.session = ls.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// wsPeer is one participant's live connection, with every message it got.
type wsPeer struct {
	t      *testing.T
	user   model.User
	token  string
	mu     sync.Mutex
	conn   *websocket.Conn
	msgs   []liveMsg     // everything received, over all connections
	hellos []liveMsg     // the hello of each connection
	closed chan struct{} // closed when the current connection ends
}

type liveMsg struct {
	T   string          `json:"t"`
	Seq uint64          `json:"seq"`
	D   json.RawMessage `json:"d"`
}

// connect opens a connection to the node at base and reads it until it ends.
func (p *wsPeer) connect(base string, session int64) error {
	u := "ws" + strings.TrimPrefix(base, "http") + "/live/" + strconv.FormatInt(session, 10) + "/ws"
	h := http.Header{"Cookie": {"tdkt_session=" + p.token}}
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	c, resp, err := d.Dial(u, h)
	if err != nil {
		if resp != nil {
			return fmt.Errorf("%s: %w (status %d)", p.user.Username, err, resp.StatusCode)
		}
		return fmt.Errorf("%s: %w", p.user.Username, err)
	}
	closed := make(chan struct{})
	p.mu.Lock()
	p.conn, p.closed = c, closed
	p.mu.Unlock()
	go func() {
		defer close(closed)
		for {
			_, b, err := c.ReadMessage()
			if err != nil {
				return
			}
			var m liveMsg
			if json.Unmarshal(b, &m) != nil {
				continue
			}
			p.mu.Lock()
			p.msgs = append(p.msgs, m)
			if m.T == "hello" {
				p.hellos = append(p.hellos, m)
			}
			p.mu.Unlock()
		}
	}()
	return nil
}

func (p *wsPeer) send(typ string, data any) {
	b, _ := json.Marshal(map[string]any{"t": typ, "d": data})
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.conn.WriteMessage(websocket.TextMessage, b); err != nil {
		p.t.Logf("%s: send %s: %v", p.user.Username, typ, err)
	}
}

// count is how many messages of type typ whose data contains part were received.
func (p *wsPeer) count(typ, part string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, m := range p.msgs {
		if m.T == typ && strings.Contains(string(m.D), part) {
			n++
		}
	}
	return n
}

// lastID is the id in the data of the last message of type typ (a poll's,
// a roll call's).
func (p *wsPeer) lastID(typ string) int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	var id int64
	for _, m := range p.msgs {
		if m.T == typ {
			var v struct {
				ID int64 `json:"id"`
			}
			_ = json.Unmarshal(m.D, &v)
			id = v.ID
		}
	}
	return id
}

func (p *wsPeer) lastHello() (liveMsg, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.hellos) == 0 {
		return liveMsg{}, 0
	}
	return p.hellos[len(p.hellos)-1], len(p.hellos)
}

// numbered checks that on each connection the broadcasts came in order,
// each once: seq goes up by one from the hello's.
func (p *wsPeer) numbered() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var last uint64
	started := false
	for _, m := range p.msgs {
		if m.T == "hello" {
			var h struct {
				Seq uint64 `json:"seq"`
			}
			_ = json.Unmarshal(m.D, &h)
			last, started = h.Seq, true
			continue
		}
		if m.Seq == 0 || !started {
			continue
		}
		if m.Seq != last+1 {
			return fmt.Errorf("%s: broadcast %s numbered %d after %d", p.user.Username, m.T, m.Seq, last)
		}
		last = m.Seq
	}
	return nil
}

// eventually waits for cond, up to limit; a failure names what.
func eventually(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", limit, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var examRadio = regexp.MustCompile(`(?s)<fieldset class="q[^"]*" id="q-[^"]+" data-q="([^"]+)">.*?type="radio" name="([^"]+)" value="([^"]+)"`)

// examPost posts a form to a node as user, as the exam page's script does.
func examPost(t *testing.T, base, token, path string, form url.Values) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.AddCookie(&http.Cookie{Name: "tdkt_session", Value: token})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// The test of several nodes: PostgreSQL and NATS, two tdkt
// processes, a live session with participants on both; the node that owns
// the room is killed with SIGKILL, everyone reconnects to the other node,
// and the session goes on with its state; the attendance report is whole;
// an exam attempt started on the dead node is finished on the other.
func TestTwoNodesSurviveLosingOne(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL-backed servers")
	}
	dsn := storetest.PostgresURL(t)
	natsURL := brokertest.Server(t).URL()
	seed := seedCluster(t, dsn)
	node := func(name string) (*exec.Cmd, string) {
		cmd, base, _ := startTdkt(t, []string{"TDKT_ADMIN_PASSWORD=quan-tri-cum-123"}, "serve", "--addr", "127.0.0.1:0",
			"--data", t.TempDir(), "--database", dsn, "--nats", natsURL, "--node", name)
		return cmd, base
	}
	cmdA, baseA := node("a")
	_, baseB := node("b")

	peer := func(u model.User) *wsPeer { return &wsPeer{t: t, user: u, token: seed.tokens[u.ID]} }
	trainer := peer(seed.trainer)
	var trainees []*wsPeer
	for _, u := range seed.trainees {
		trainees = append(trainees, peer(u))
	}
	everyone := append([]*wsPeer{trainer}, trainees...)
	// The trainer joins node a first, so a owns the room; half the
	// trainees join a, half b, which relays them to a.
	if err := trainer.connect(baseA, seed.session); err != nil {
		t.Fatal(err)
	}
	for i, p := range trainees {
		base := baseA
		if i >= 3 {
			base = baseB
		}
		if err := p.connect(base, seed.session); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range everyone {
		eventually(t, 10*time.Second, p.user.Username+"'s hello", func() bool { _, n := p.lastHello(); return n == 1 })
	}

	// Slides, a poll and a roll call reach everyone once.
	trainer.send("goto", map[string]int{"index": 1})
	for _, p := range everyone {
		eventually(t, 10*time.Second, p.user.Username+" to see slide 1", func() bool { return p.count("slide", `"index":1`) == 1 })
	}
	trainer.send("poll_open", map[string]any{"text": "Ai quyết định tặng Giấy khen?", "options": []string{"Chủ tịch UBND xã", "Chủ tịch UBND tỉnh"}})
	for _, p := range everyone {
		eventually(t, 10*time.Second, p.user.Username+" to see the poll", func() bool { return p.count("poll", `"open":true`) == 1 })
	}
	pollID := trainees[0].lastID("poll")
	for i, p := range trainees {
		p.send("answer", map[string]any{"poll": pollID, "choices": []int{i % 2}})
	}
	for _, p := range trainees {
		eventually(t, 10*time.Second, p.user.Username+"'s answer acknowledged", func() bool { return p.count("answered", "") == 1 })
	}
	trainer.send("rollcall_open", map[string]int{"seconds": 1800})
	for _, p := range everyone {
		eventually(t, 10*time.Second, p.user.Username+" to see the roll call", func() bool { return p.count("rollcall", `"open":true`) == 1 })
	}
	rollID := trainees[0].lastID("rollcall")
	for _, p := range trainees {
		p.send("here", map[string]any{"rollcall": rollID})
	}
	for _, p := range trainees {
		eventually(t, 10*time.Second, p.user.Username+"'s mark acknowledged", func() bool { return p.count("marked", "") == 1 })
	}

	// An exam attempt started on node a, three answers given there.
	examiner := seed.trainees[0]
	code, body := examPost(t, baseA, seed.tokens[examiner.ID], "/courses/nghiep-vu-thi-dua-khen-thuong/exam/start", url.Values{})
	if code != http.StatusOK {
		t.Fatalf("start the exam on node a: %d %.300s", code, body)
	}
	var started struct {
		Attempt int64 `json:"attempt"`
	}
	if err := json.Unmarshal(body, &started); err != nil || started.Attempt == 0 {
		t.Fatalf("start the exam: %.300s", body)
	}
	attempt := "/attempts/" + strconv.FormatInt(started.Attempt, 10)
	req, _ := http.NewRequest(http.MethodGet, baseA+attempt, nil)
	req.AddCookie(&http.Cookie{Name: "tdkt_session", Value: seed.tokens[examiner.ID]})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	qs := examRadio.FindAllSubmatch(page, -1)
	if len(qs) < 6 {
		t.Fatalf("the attempt page shows %d single-choice questions; want at least 6", len(qs))
	}
	answer := func(base string, q [][]byte) {
		f := url.Values{"question": {string(q[1])}, string(q[2]): {string(q[3])}}
		if code, b := examPost(t, base, seed.tokens[examiner.ID], attempt+"/answers", f); code != http.StatusOK {
			t.Fatalf("answer %s on %s: %d %.300s", q[1], base, code, b)
		}
	}
	for _, q := range qs[:3] {
		answer(baseA, q)
	}

	// Node a dies without a word.
	if err := cmdA.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmdA.Wait()

	// Everyone comes back through node b (a proxy would send them there):
	// the trainer and a's trainees because their connection broke, b's
	// because b closes them when it finds the owner gone, or keeps them.
	for _, p := range everyone {
		go func() {
			for {
				p.mu.Lock()
				closed := p.closed
				p.mu.Unlock()
				<-closed
				for p.connect(baseB, seed.session) != nil {
					time.Sleep(200 * time.Millisecond)
				}
				_, n := p.lastHello()
				if n >= 3 { // a test client that keeps flapping is a failure, not a loop
					return
				}
			}
		}()
	}
	for _, p := range everyone {
		eventually(t, 90*time.Second, p.user.Username+" to be back in the room on node b", func() bool {
			h, n := p.lastHello()
			return n >= 2 && strings.Contains(string(h.D), `"slide":1`)
		})
	}
	for i, p := range trainees {
		h, _ := p.lastHello()
		var snap struct {
			Slide    int   `json:"slide"`
			MyAnswer []int `json:"my_answer"`
			Poll     *struct {
				ID   int64 `json:"id"`
				Open bool  `json:"open"`
			} `json:"poll"`
			RollCall *struct {
				ID   int64 `json:"id"`
				Open bool  `json:"open"`
			} `json:"rollcall"`
			Marked *bool `json:"marked"`
		}
		if err := json.Unmarshal(h.D, &snap); err != nil {
			t.Fatal(err)
		}
		if snap.Poll == nil || snap.Poll.ID != pollID || !snap.Poll.Open || len(snap.MyAnswer) != 1 || snap.MyAnswer[0] != i%2 {
			t.Errorf("%s after the failover: poll %+v, my answer %v; want poll %d open, answer %d", p.user.Username, snap.Poll, snap.MyAnswer, pollID, i%2)
		}
		if snap.RollCall == nil || snap.RollCall.ID != rollID || !snap.RollCall.Open || snap.Marked == nil || !*snap.Marked {
			t.Errorf("%s after the failover: roll call %+v, marked %v; want %d open and marked", p.user.Username, snap.RollCall, snap.Marked, rollID)
		}
	}
	// The session goes on: the next slide reaches everyone once.
	trainer.send("goto", map[string]int{"index": 2})
	for _, p := range everyone {
		eventually(t, 10*time.Second, p.user.Username+" to see slide 2", func() bool { return p.count("slide", `"index":2`) == 1 })
	}
	for _, p := range everyone {
		if err := p.numbered(); err != nil {
			t.Error(err)
		}
	}

	// The attempt started on a is finished on b.
	for _, q := range qs[3:6] {
		answer(baseB, q)
	}
	if code, b := examPost(t, baseB, seed.tokens[examiner.ID], attempt+"/submit", url.Values{}); code != http.StatusOK {
		t.Fatalf("submit on node b: %d %.300s", code, b)
	}

	// The attendance report: every trainee attending, with their roll-call
	// mark, and no presence left open by the dead node.
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.Attempt(ctx, started.Attempt)
	if err != nil || got.Open() || got.SubmittedAt.IsZero() {
		t.Fatalf("the attempt after submitting on b: %+v %v", got, err)
	}
	answers, err := db.Answers(ctx, started.Attempt)
	if err != nil || len(answers) != 6 {
		t.Fatalf("answers stored: %d, %v; want the 3 given on a and the 3 on b", len(answers), err)
	}
	rep, err := live.NewSessions(db, nil, time.Now).Attendance(ctx, seed.session, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != len(seed.trainees) {
		t.Fatalf("report rows: %d; want %d", len(rep.Rows), len(seed.trainees))
	}
	for _, row := range rep.Rows {
		if row.Result.Status != "attending" || row.RollCalls != 1 {
			t.Errorf("%s: status %s, roll calls %d; want attending and 1", row.User.Username, row.Result.Status, row.RollCalls)
		}
	}
	presence, err := db.Presence(ctx, seed.session)
	if err != nil {
		t.Fatal(err)
	}
	open := map[int64]int{}
	for _, p := range presence {
		if p.LeftAt.IsZero() {
			open[p.UserID]++
		}
	}
	for _, p := range everyone {
		if open[p.user.ID] != 1 {
			t.Errorf("%s has %d open presence rows; want 1 (the connection to b), the dead node's closed", p.user.Username, open[p.user.ID])
		}
	}
}
