package exam

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/quiz"
	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/store/storetest"
)

const moduleMD = "---\ntitle: \"Bài một\"\norder: 1\nestimated_minutes: 10\nobjectives:\n  - \"Hiểu\"\nlegal_documents:\n  - number: \"06/2022/QH15\"\n    articles: [\"Điều 5\"]\nlast_reviewed: 2026-11-20\n---\n## Nội dung\n\nVăn bản.\n"

func bankMD() string {
	var b strings.Builder
	b.WriteString("---\nmodule: bai-mot\n---\n")
	for i := 0; i < 6; i++ {
		fmt.Fprintf(&b, "## tn-%d\ntype: single\ndifficulty: easy\ntags: chung\ncite: 06/2022/QH15 Điều 5\n\nCâu %d?\n\n- [x] Đúng\n- [ ] Sai\n- [ ] Cũng sai\n\n> Vì.\n\n", i, i)
	}
	b.WriteString("## ngan\ntype: short\ndifficulty: easy\ntags: chung\ncite: 06/2022/QH15 Điều 5\n\nTên luật?\n\n= Luật Thi đua, khen thưởng\n\n> Tên.\n\n")
	b.WriteString("## tinh-huong\ntype: case\ndifficulty: easy\ntags: chung\ncite: 06/2022/QH15 Điều 5\n\nTình huống.\n\n### a\ntype: truefalse\nanswer: đúng\n\nĐúng?\n\n> Vì.\n\n### b\ntype: single\n\nChọn?\n\n- [x] A\n- [ ] B\n\n> Vì.\n")
	return b.String()
}

type fixture struct {
	svc   *Service
	db    *store.DB
	co    *course.Course
	now   time.Time
	users []model.User
}

func newFixture(t *testing.T, exam string) *fixture {
	t.Helper()
	ctx := context.Background()
	files := fstest.MapFS{
		"khoa/course.md":          {Data: []byte("---\ntitle: \"Khóa\"\norder: 1\n" + exam + "---\nGiới thiệu.\n")},
		"khoa/01-bai-mot.md":      {Data: []byte(moduleMD)},
		"khoa/questions/chung.md": {Data: []byte(bankMD())},
	}
	cat, probs := course.Load(files)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	db, err := store.Open(ctx, storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	batch := store.NewBatcher(db, 64, 2*time.Millisecond)
	t.Cleanup(func() { batch.Close(); db.Close() })
	f := &fixture{svc: New(db, batch, cat), db: db, co: cat.Course("khoa"), now: time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)}
	f.svc.SetClock(func() time.Time { return f.now })
	err = db.WithTx(ctx, func(tx *store.Tx) error {
		unit := model.Unit{Code: "X", Name: "Xã", Kind: model.KindOther}
		if err := tx.CreateUnit(ctx, &unit); err != nil {
			return err
		}
		for _, n := range []string{"an", "binh"} {
			u := model.User{Username: n, FullName: n, Role: model.RoleTrainee, UnitID: unit.ID, PasswordHash: "h"}
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
			f.users = append(f.users, u)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

const examAll = "exam:\n  questions: 8\n  time_limit_minutes: 30\n  max_attempts: 2\n  pass_percent: 60\n  review: answers\n  review_after: last_attempt\n"

// answerAll answers every question of the paper, choosing a wrong option in
// the single-choice parts of the first `wrong` questions; it returns the
// points lost that way.
func (f *fixture) answerAll(t *testing.T, a model.Attempt, wrong int) float64 {
	t.Helper()
	lost := 0.0
	for i, q := range f.svc.Paper(a) {
		for _, w := range Weights(q) {
			p := w.Q
			var ans quiz.Answer
			switch p.Type {
			case quiz.Single:
				ans.Choice = p.Correct[0]
				if i < wrong {
					ans.Choice = "b"
					lost += w.Points
				}
			case quiz.TrueFalse:
				v := p.Answer
				ans.Value = &v
			case quiz.Short:
				ans.Text = "luat thi dua khen thuong"
			}
			if err := f.svc.SaveAnswer(context.Background(), a.UserID, a.ID, p.ID, ans); err != nil {
				t.Fatalf("save %s: %v", p.ID, err)
			}
		}
	}
	return lost
}

func TestExamFlow(t *testing.T) {
	f := newFixture(t, examAll)
	ctx := context.Background()
	an := f.users[0].ID
	a, err := f.svc.StartExam(ctx, an, "khoa")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Questions) != 8 || !a.DeadlineAt.Equal(f.now.Add(30*time.Minute)) {
		t.Fatalf("attempt = %+v", a)
	}
	again, err := f.svc.StartExam(ctx, an, "khoa")
	if err != nil || again.ID != a.ID || again.Seed != a.Seed {
		t.Fatalf("second start = %+v, %v: want the same attempt resumed", again, err)
	}
	lost := f.answerAll(t, a, 2)
	// Re-sending the same answers changes nothing.
	if again := f.answerAll(t, a, 2); again != lost {
		t.Fatal("answers differ on the second pass")
	}
	first := f.svc.Paper(a)[0]
	done, err := f.svc.Submit(ctx, an, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Eight questions, one a case of two parts: marked out of 8, not 9.
	if lost == 0 || done.MaxScore != 8 || math.Abs(done.Score-(8-lost)) > 1e-9 || done.Passed != (done.Percent() >= 60) || done.AutoSubmitted {
		t.Fatalf("graded = score %v/%v (lost %v) passed %v", done.Score, done.MaxScore, lost, done.Passed)
	}
	if _, err := f.svc.Submit(ctx, an, a.ID); !errors.Is(err, ErrSubmitted) {
		t.Fatalf("second submit: %v", err)
	}
	if err := f.svc.SaveAnswer(ctx, an, a.ID, first.ID, quiz.Answer{Choice: "a"}); !errors.Is(err, ErrSubmitted) {
		t.Fatalf("answer after submission: %v", err)
	}
	hist, _ := f.svc.History(ctx, an, "khoa")
	want := course.ReviewScore // one attempt left and not passed: score only
	if done.Passed {
		want = course.ReviewAnswers
	}
	if got := Review(f.co, hist); got != want {
		t.Fatalf("review = %s, want %s", got, want)
	}
}

func TestBadAnswersAreRefused(t *testing.T) {
	f := newFixture(t, examAll)
	ctx := context.Background()
	an, binh := f.users[0].ID, f.users[1].ID
	a, err := f.svc.StartExam(ctx, an, "khoa")
	if err != nil {
		t.Fatal(err)
	}
	var single, short string
	for _, q := range f.svc.Paper(a) {
		if q.Type == quiz.Single && single == "" {
			single = q.ID
		}
		if q.Type == quiz.Short {
			short = q.ID
		}
	}
	cases := []struct {
		name string
		user int64
		qid  string
		ans  quiz.Answer
		want error
	}{
		{"option that does not exist", an, single, quiz.Answer{Choice: "z"}, quiz.ErrInvalidAnswer},
		{"wrong field for the type", an, single, quiz.Answer{Text: "a"}, quiz.ErrInvalidAnswer},
		{"overlong text", an, short, quiz.Answer{Text: strings.Repeat("chữ", 200)}, quiz.ErrInvalidAnswer},
		{"question not in the bank", an, "khong-co", quiz.Answer{Choice: "a"}, ErrUnknownQuestion},
		{"a case answered as a whole", an, "tinh-huong", quiz.Answer{Choice: "a"}, quiz.ErrInvalidAnswer},
		{"another trainee's attempt", binh, single, quiz.Answer{Choice: "a"}, ErrNotFound},
	}
	for _, tc := range cases {
		if err := f.svc.SaveAnswer(ctx, tc.user, a.ID, tc.qid, tc.ans); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
	if ans, _, _ := f.svc.Answers(ctx, a); len(ans) != 0 {
		t.Fatalf("refused answers were stored: %v", ans)
	}
}

func TestQuestionNotInTheAttempt(t *testing.T) {
	f := newFixture(t, strings.Replace(examAll, "questions: 8", "questions: 3", 1))
	ctx := context.Background()
	a, err := f.svc.StartExam(ctx, f.users[0].ID, "khoa")
	if err != nil {
		t.Fatal(err)
	}
	for id := range f.co.Questions {
		top, _, _ := strings.Cut(id, "/")
		if !strings.Contains(strings.Join(a.Questions, " "), top) && !strings.Contains(id, "/") {
			err := f.svc.SaveAnswer(ctx, a.UserID, a.ID, id, quiz.Answer{Choice: "a"})
			if !errors.Is(err, ErrNotInAttempt) {
				t.Fatalf("answer to %s outside the paper: %v", id, err)
			}
			return
		}
	}
	t.Fatal("every question was drawn")
}

func TestDeadlineIsTheServers(t *testing.T) {
	f := newFixture(t, examAll)
	ctx := context.Background()
	an := f.users[0].ID
	a, _ := f.svc.StartExam(ctx, an, "khoa")
	q := f.svc.Paper(a)[0]
	part := q
	if q.Type == quiz.Case {
		part = q.Parts[0]
	}
	ans := quiz.Answer{Choice: "a"}
	switch part.Type {
	case quiz.TrueFalse:
		v := true
		ans = quiz.Answer{Value: &v}
	case quiz.Short:
		ans = quiz.Answer{Text: "x"}
	}
	if err := f.svc.SaveAnswer(ctx, an, a.ID, part.ID, ans); err != nil {
		t.Fatal(err)
	}
	f.now = a.DeadlineAt.Add(time.Second)
	if err := f.svc.SaveAnswer(ctx, an, a.ID, part.ID, ans); !errors.Is(err, ErrLate) {
		t.Fatalf("late answer: %v", err)
	}
	got, err := f.svc.Attempt(ctx, an, a.ID)
	if err != nil || got.Open() || !got.AutoSubmitted || !got.SubmittedAt.Equal(a.DeadlineAt) {
		t.Fatalf("after the deadline: %+v %v", got, err)
	}
	if got.Score == 0 && part.Type != quiz.Short {
		t.Errorf("the answer given in time was not graded: %+v", got)
	}
}

func TestAbandonedAttemptIsSubmittedAtItsDeadline(t *testing.T) {
	f := newFixture(t, examAll)
	ctx := context.Background()
	a, _ := f.svc.StartExam(ctx, f.users[0].ID, "khoa")
	b, _ := f.svc.StartExam(ctx, f.users[1].ID, "khoa")
	f.now = f.now.Add(31 * time.Minute)
	n, err := f.svc.SubmitExpired(ctx)
	if err != nil || n != 2 {
		t.Fatalf("swept %d, %v", n, err)
	}
	for _, id := range []int64{a.ID, b.ID} {
		got, _ := f.db.Attempt(ctx, id)
		if got.Open() || !got.AutoSubmitted {
			t.Errorf("attempt %d = %+v", id, got)
		}
	}
	// The trainee comes back: a new attempt, the second and last.
	c, err := f.svc.StartExam(ctx, f.users[0].ID, "khoa")
	if err != nil || c.ID == a.ID {
		t.Fatalf("new attempt: %+v %v", c, err)
	}
	if _, err := f.svc.Submit(ctx, f.users[0].ID, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.StartExam(ctx, f.users[0].ID, "khoa"); !errors.Is(err, ErrNoAttemptsLeft) {
		t.Fatalf("third attempt: %v", err)
	}
	hist, _ := f.svc.History(ctx, f.users[0].ID, "khoa")
	if got := Review(f.co, hist); got != course.ReviewAnswers {
		t.Errorf("review after the last attempt = %s", got)
	}
	if got := Review(f.co, hist[:1]); got != course.ReviewScore {
		t.Errorf("review with an attempt left = %s", got)
	}
}

func TestConcurrentStartsAndSubmissions(t *testing.T) {
	f := newFixture(t, examAll)
	ctx := context.Background()
	an := f.users[0].ID
	ids := make([]int64, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			a, err := f.svc.StartExam(ctx, an, "khoa")
			if err != nil {
				t.Error(err)
			}
			ids[i] = a.ID
		}(i)
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("concurrent starts gave attempts %v", ids)
		}
	}
	results := make([]error, 4)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, results[i] = f.svc.Submit(ctx, an, ids[0])
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, err := range results {
		if err == nil {
			ok++
		} else if !errors.Is(err, ErrSubmitted) {
			t.Fatal(err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d submissions succeeded, want exactly 1", ok)
	}
	hist, _ := f.svc.History(ctx, an, "khoa")
	if len(hist) != 1 {
		t.Fatalf("%d attempts stored", len(hist))
	}
}

func TestPractice(t *testing.T) {
	f := newFixture(t, "")
	ctx := context.Background()
	m := f.co.Modules[0]
	if _, err := f.svc.StartExam(ctx, f.users[0].ID, "khoa"); !errors.Is(err, ErrNoExam) {
		t.Fatalf("exam without config: %v", err)
	}
	g, q, err := f.svc.AnswerPractice(ctx, f.users[0].ID, m, "tn-0", quiz.Answer{Choice: "a"})
	if err != nil || g != 1 || !strings.Contains(string(q.Explain), "Vì") {
		t.Fatalf("practice right: %v %v", g, err)
	}
	g, _, err = f.svc.AnswerPractice(ctx, f.users[0].ID, m, "tn-0", quiz.Answer{Choice: "b"}) // try again: allowed
	if err != nil || g != 0 {
		t.Fatalf("practice again: %v %v", g, err)
	}
	if _, _, err := f.svc.AnswerPractice(ctx, f.users[0].ID, m, "tn-0", quiz.Answer{Choice: "q"}); !errors.Is(err, quiz.ErrInvalidAnswer) {
		t.Fatalf("bad practice answer: %v", err)
	}
	a, _ := f.svc.Practice(ctx, f.users[0].ID, m)
	_, rows, _ := f.svc.Answers(ctx, a)
	if r := rows["tn-0"]; !r.Graded || r.Score != 0 {
		t.Fatalf("stored practice answer = %+v", r)
	}
}

func TestItemStatistics(t *testing.T) {
	f := newFixture(t, examAll)
	ctx := context.Background()
	// Two trainees: one right everywhere, one wrong on every single-choice part.
	for i, u := range f.users {
		a, err := f.svc.StartExam(ctx, u.ID, "khoa")
		if err != nil {
			t.Fatal(err)
		}
		f.answerAll(t, a, i*100)
		if _, err := f.svc.Submit(ctx, u.ID, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	stats, err := f.svc.Stats(ctx, f.co, model.AttemptExam, model.Scope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	// A trainer's scope counts only the answers of trainees in it.
	if none, _ := f.svc.Stats(ctx, f.co, model.AttemptExam, model.Scope{Units: map[int64]bool{}}); len(none) != 0 {
		t.Fatalf("an empty scope shows %d questions", len(none))
	}
	inUnit := 0
	for _, u := range f.users {
		if u.UnitID == f.users[0].UnitID {
			inUnit++
		}
	}
	one, _ := f.svc.Stats(ctx, f.co, model.AttemptExam, model.Scope{Units: map[int64]bool{f.users[0].UnitID: true}})
	for _, st := range one {
		if st.Question.ID == "tn-0" && st.Responses != inUnit {
			t.Fatalf("tn-0 in one unit: %d responses, want %d", st.Responses, inUnit)
		}
	}
	by := map[string]ItemStat{}
	for _, s := range stats {
		by[s.Question.ID] = s
	}
	tn := by["tn-0"]
	if tn.Responses != 2 || tn.Correct != 1 || tn.MeanScore != 0.5 || len(tn.Options) != 3 {
		t.Fatalf("tn-0 = %+v", tn)
	}
	if tn.Options[0].Chosen != 1 || !tn.Options[0].Right || tn.Options[1].Chosen != 1 || tn.Options[1].Percent != 50 || tn.Options[2].Chosen != 0 {
		t.Fatalf("tn-0 options = %+v", tn.Options)
	}
	if ngan := by["ngan"]; ngan.Correct != 2 || ngan.MeanScore != 1 {
		t.Fatalf("short answer stats = %+v", ngan)
	}
	if stats[0].MeanScore > stats[len(stats)-1].MeanScore {
		t.Fatal("not sorted hardest first")
	}
	if _, ok := by["tinh-huong"]; ok {
		t.Fatal("a case is counted by its parts, not as a whole")
	}
	if _, ok := by["tinh-huong/b"]; !ok {
		t.Fatal("case part missing from the statistics")
	}
}

func TestTopWrong(t *testing.T) {
	st := ItemStat{Options: []OptionStat{{Right: true, Chosen: 9}, {Chosen: 3}, {Chosen: 5}, {Chosen: 0}}}
	if w := st.TopWrong(); w == nil || w.Chosen != 5 {
		t.Fatalf("top wrong = %+v", w)
	}
	if w := (ItemStat{Options: []OptionStat{{Right: true, Chosen: 4}, {Chosen: 0}}}).TopWrong(); w != nil {
		t.Fatalf("no wrong option was chosen, got %+v", w)
	}
}

// A practice answer queued on a phone while offline is applied once, however
// often the phone sends it: a repeat of an old answer (its reply was lost)
// arriving after a newer answer leaves the newer one in place.
func TestPracticeQueuedExactlyOnce(t *testing.T) {
	f := newFixture(t, "")
	ctx := context.Background()
	m := f.co.Modules[0]
	uid := f.users[0].ID
	const key = "0123456789abcdef0123"
	repeat, err := f.svc.AnswerPracticeQueued(ctx, uid, m, key, map[string]quiz.Answer{"tn-0": {Choice: "a"}})
	if err != nil || repeat {
		t.Fatalf("first arrival: repeat=%v err=%v", repeat, err)
	}
	if _, _, err := f.svc.AnswerPractice(ctx, uid, m, "tn-0", quiz.Answer{Choice: "b"}); err != nil { // answered again online
		t.Fatal(err)
	}
	repeat, err = f.svc.AnswerPracticeQueued(ctx, uid, m, key, map[string]quiz.Answer{"tn-0": {Choice: "a"}})
	if err != nil || !repeat {
		t.Fatalf("second arrival of the same key: repeat=%v err=%v", repeat, err)
	}
	a, _ := f.svc.Practice(ctx, uid, m)
	_, rows, _ := f.svc.Answers(ctx, a)
	if r := rows["tn-0"]; !strings.Contains(r.Answer, `"b"`) || r.Score != 0 {
		t.Fatalf("the repeat overwrote the newer answer: %+v", r)
	}
	// The same key from another user is that user's own first arrival.
	if repeat, err := f.svc.AnswerPracticeQueued(ctx, f.users[1].ID, m, key, map[string]quiz.Answer{"tn-0": {Choice: "a"}}); err != nil || repeat {
		t.Fatalf("another user's key: repeat=%v err=%v", repeat, err)
	}
	// A bad answer stores nothing and does not use up its key.
	const bad = "fedcba9876543210fedc"
	if _, err := f.svc.AnswerPracticeQueued(ctx, uid, m, bad, map[string]quiz.Answer{"tn-0": {Choice: "q"}}); !errors.Is(err, quiz.ErrInvalidAnswer) {
		t.Fatalf("bad queued answer: %v", err)
	}
	if repeat, err := f.svc.AnswerPracticeQueued(ctx, uid, m, bad, map[string]quiz.Answer{"tn-0": {Choice: "a"}}); err != nil || repeat {
		t.Fatalf("key of a refused answer: repeat=%v err=%v", repeat, err)
	}
	// Keys are forgotten after ClientKeyDays.
	f.now = f.now.AddDate(0, 0, ClientKeyDays+1)
	if n, err := f.svc.ForgetClientKeys(ctx); err != nil || n != 3 {
		t.Fatalf("forgot %d keys (%v), want 3", n, err)
	}
}

// A case is one question of the paper: its parts share one point by their
// weights, so half a case right is half a point, and the attempt is marked
// out of the number of questions.
func TestCaseIsOneQuestion(t *testing.T) {
	f := newFixture(t, examAll)
	ctx := context.Background()
	an := f.users[0].ID
	a, err := f.svc.StartExam(ctx, an, "khoa")
	if err != nil {
		t.Fatal(err)
	}
	var kase *quiz.Question
	for _, q := range f.svc.Paper(a) {
		if q.Type == quiz.Case {
			kase = q
		}
	}
	if kase == nil {
		t.Fatal("the paper has no case")
	}
	ws := Weights(kase)
	if len(ws) != 2 || ws[0].Points != 0.5 || ws[1].Points != 0.5 {
		t.Fatalf("weights of a two-part case = %+v, want 0.5 each", ws)
	}
	// Only the true/false part, rightly: half the case.
	for _, w := range ws {
		if w.Q.Type == quiz.TrueFalse {
			v := w.Q.Answer
			if err := f.svc.SaveAnswer(ctx, an, a.ID, w.Q.ID, quiz.Answer{Value: &v}); err != nil {
				t.Fatal(err)
			}
		}
	}
	done, err := f.svc.Submit(ctx, an, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if done.MaxScore != 8 || done.Score != 0.5 || done.Percent() != 6.25 {
		t.Fatalf("score = %v/%v (%v%%), want 0.5/8 (6.25%%)", done.Score, done.MaxScore, done.Percent())
	}
}
