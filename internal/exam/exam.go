// Package exam runs attempts: practice on a module's questions and timed
// course exams. The server owns the clock: an attempt's deadline is stored
// when it starts, answers after it are refused, and an attempt left open is
// submitted at its deadline even if the trainee never returns. It sits above
// course (exam settings, banks) and quiz (grading), which is why it is not
// part of quiz.
package exam

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/quiz"
	"github.com/tdkt/tdkt/internal/store"
)

// Errors a trainee can cause; the web layer explains each.
var (
	ErrNoExam           = errors.New("exam: the course has no exam")
	ErrNoAttemptsLeft   = errors.New("exam: no attempts left")
	ErrNotFound         = errors.New("exam: no such attempt")
	ErrLate             = errors.New("exam: the time is up")
	ErrSubmitted        = errors.New("exam: the attempt is already submitted")
	ErrNotInAttempt     = errors.New("exam: the question is not in this attempt")
	ErrUnknownQuestion  = errors.New("exam: no such question")
	ErrNoPracticeModule = errors.New("exam: the module has no practice questions")
)

// Service runs attempts.
type Service struct {
	db    *store.DB
	batch *store.Batcher
	cat   *course.Catalog
	now   func() time.Time

	// open caches open attempts: their paper, seed and deadline never change,
	// and every answer needs them. The write itself re-checks that the
	// attempt is open and in time, so a stale entry cannot let an answer in.
	mu   sync.RWMutex
	open map[int64]model.Attempt
	// tell passes the attempts this node closed to the other nodes, which
	// Forget them; nil on one node.
	tell func(attemptID int64)
}

// Share connects the cache of open attempts to the other nodes: tell is
// called with each attempt this node closed, for the others to Forget, so
// that a trainee who submits on one node is not shown the attempt as open
// by another. Call it before serving.
func (s *Service) Share(tell func(attemptID int64)) { s.tell = tell }

// Forget drops an attempt another node closed.
func (s *Service) Forget(attemptID int64) {
	s.mu.Lock()
	delete(s.open, attemptID)
	s.mu.Unlock()
}

// maxCached bounds the cache; past it the cache starts afresh.
const maxCached = 100_000

// New returns the attempt service; writes of answers and starts go through batch.
func New(db *store.DB, batch *store.Batcher, cat *course.Catalog) *Service {
	return &Service{db: db, batch: batch, cat: cat, now: time.Now, open: map[int64]model.Attempt{}}
}

// load returns an attempt, from the cache while it is open.
func (s *Service) load(ctx context.Context, id int64) (model.Attempt, error) {
	s.mu.RLock()
	a, ok := s.open[id]
	s.mu.RUnlock()
	if ok {
		return a, nil
	}
	a, err := s.db.Attempt(ctx, id)
	if err == nil && a.Open() {
		s.remember(a)
	}
	return a, err
}

func (s *Service) remember(a model.Attempt) {
	s.mu.Lock()
	if len(s.open) >= maxCached {
		s.open = map[int64]model.Attempt{}
	}
	s.open[a.ID] = a
	s.mu.Unlock()
}

func (s *Service) forget(id int64) {
	s.mu.Lock()
	delete(s.open, id)
	s.mu.Unlock()
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

func newSeed() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.LittleEndian.Uint64(b[:])
}

// StartExam opens an exam attempt for the user, or returns the one already
// open, so a double click or a second device resumes instead of starting over.
func (s *Service) StartExam(ctx context.Context, userID int64, courseID string) (model.Attempt, error) {
	co := s.cat.Course(courseID)
	if co == nil || co.Exam == nil {
		return model.Attempt{}, ErrNoExam
	}
	if a, err := s.openExam(ctx, userID, co); err == nil {
		return a, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return a, err
	}
	past, err := s.db.Attempts(ctx, userID, co.ID, model.AttemptExam)
	if err != nil {
		return model.Attempt{}, fmt.Errorf("exam: start: %w", err)
	}
	if co.Exam.MaxAttempts > 0 && len(past) >= co.Exam.MaxAttempts {
		return model.Attempt{}, ErrNoAttemptsLeft
	}
	now := s.now()
	a := model.Attempt{UserID: userID, CourseID: co.ID, Kind: model.AttemptExam, Seed: newSeed(), StartedAt: now,
		DeadlineAt: now.Add(co.Exam.TimeLimit)}
	for _, q := range co.DrawPaper(a.Seed) {
		a.Questions = append(a.Questions, q.ID)
	}
	err = s.batch.DoOne(ctx, func(tx *store.Tx) error { return tx.CreateAttempt(ctx, &a) })
	if errors.Is(err, store.ErrDuplicate) {
		// Another request of the same trainee started it a moment ago.
		return s.openExam(ctx, userID, co)
	}
	if err != nil {
		return model.Attempt{}, fmt.Errorf("exam: start: %w", err)
	}
	s.remember(a)
	return a, nil
}

// openExam returns the open exam attempt, submitting it first if its time is up.
func (s *Service) openExam(ctx context.Context, userID int64, co *course.Course) (model.Attempt, error) {
	a, err := s.db.OpenAttempt(ctx, userID, co.ID, model.AttemptExam, "")
	if err != nil {
		return a, err
	}
	if s.expired(a) {
		if _, err := s.submit(ctx, a, true); err != nil && !errors.Is(err, ErrSubmitted) {
			return a, err
		}
		return a, store.ErrNotFound
	}
	return a, nil
}

func (s *Service) expired(a model.Attempt) bool {
	return a.Open() && !a.DeadlineAt.IsZero() && s.now().After(a.DeadlineAt)
}

// Attempt returns an attempt of the user. An open attempt past its deadline
// is submitted on the spot, so what the trainee sees is always final.
func (s *Service) Attempt(ctx context.Context, userID, id int64) (model.Attempt, error) {
	a, err := s.load(ctx, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && a.UserID != userID {
		return model.Attempt{}, ErrNotFound // another trainee's attempt does not exist for this one
	}
	if err != nil {
		return a, fmt.Errorf("exam: attempt: %w", err)
	}
	if s.expired(a) {
		if a, err = s.submit(ctx, a, true); err != nil && !errors.Is(err, ErrSubmitted) {
			return a, err
		}
		return s.db.Attempt(ctx, id)
	}
	return a, nil
}

// Course returns the course of an attempt.
func (s *Service) Course(a model.Attempt) *course.Course { return s.cat.Course(a.CourseID) }

// Paper returns the questions of an attempt in order; questions removed from
// the banks since are left out.
func (s *Service) Paper(a model.Attempt) []*quiz.Question {
	co := s.cat.Course(a.CourseID)
	if co == nil {
		return nil
	}
	var out []*quiz.Question
	for _, id := range a.Questions {
		if q := co.Questions[id]; q != nil {
			out = append(out, q)
		}
	}
	return out
}

// Answers returns the saved answers of an attempt by question id.
func (s *Service) Answers(ctx context.Context, a model.Attempt) (map[string]quiz.Answer, map[string]model.SavedAnswer, error) {
	saved, err := s.db.Answers(ctx, a.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("exam: answers: %w", err)
	}
	ans := make(map[string]quiz.Answer, len(saved))
	rows := make(map[string]model.SavedAnswer, len(saved))
	for _, sa := range saved {
		var qa quiz.Answer
		if err := json.Unmarshal([]byte(sa.Answer), &qa); err != nil {
			slog.Warn("unreadable stored answer", "attempt", a.ID, "question", sa.QuestionID, "err", err)
			continue
		}
		ans[sa.QuestionID] = qa
		rows[sa.QuestionID] = sa
	}
	return ans, rows, nil
}

// inAttempt returns the question qid if the attempt contains it, directly
// or as a part of one of its cases.
func (s *Service) inAttempt(a model.Attempt, qid string) (*quiz.Question, error) {
	co := s.cat.Course(a.CourseID)
	if co == nil {
		return nil, ErrUnknownQuestion
	}
	q := co.Questions[qid]
	if q == nil {
		return nil, ErrUnknownQuestion
	}
	top := qid
	for i := range qid {
		if qid[i] == '/' {
			top = qid[:i]
			break
		}
	}
	if !slices.Contains(a.Questions, top) {
		return nil, ErrNotInAttempt
	}
	if q.Type == quiz.Case {
		return nil, fmt.Errorf("%w: answer the parts of case %s", quiz.ErrInvalidAnswer, qid)
	}
	return q, nil
}

// SaveAnswer stores one answer of an open exam attempt. Sending the same
// answer again is harmless; the last one given counts.
func (s *Service) SaveAnswer(ctx context.Context, userID, attemptID int64, qid string, ans quiz.Answer) error {
	a, err := s.load(ctx, attemptID)
	if errors.Is(err, store.ErrNotFound) || err == nil && a.UserID != userID {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("exam: save answer: %w", err)
	}
	if !a.Open() {
		return ErrSubmitted
	}
	if s.expired(a) {
		if _, err := s.submit(ctx, a, true); err != nil && !errors.Is(err, ErrSubmitted) {
			return err
		}
		return ErrLate
	}
	q, err := s.inAttempt(a, qid)
	if err != nil {
		return err
	}
	if err := quiz.Check(q, ans); err != nil {
		return err
	}
	body, _ := json.Marshal(ans)
	now := s.now()
	err = s.batch.DoOne(ctx, func(tx *store.Tx) error { return tx.SaveAnswer(ctx, a.ID, qid, string(body), now, nil) })
	if errors.Is(err, store.ErrClosed) {
		// Submitted or timed out between the check and the write.
		s.forget(a.ID)
		if s.expired(a) {
			return ErrLate
		}
		return ErrSubmitted
	}
	return err
}

// Submit grades and closes an attempt of the user.
func (s *Service) Submit(ctx context.Context, userID, attemptID int64) (model.Attempt, error) {
	a, err := s.load(ctx, attemptID)
	if errors.Is(err, store.ErrNotFound) || err == nil && a.UserID != userID {
		return a, ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("exam: submit: %w", err)
	}
	if !a.Open() {
		return a, ErrSubmitted
	}
	return s.submit(ctx, a, s.expired(a))
}

// submit grades every saved answer and closes the attempt; auto marks a
// submission made by the deadline rather than by the trainee.
func (s *Service) submit(ctx context.Context, a model.Attempt, auto bool) (model.Attempt, error) {
	co := s.cat.Course(a.CourseID)
	answers, _, err := s.Answers(ctx, a)
	if err != nil {
		return a, err
	}
	scores := map[string]float64{}
	var score, max float64
	for _, q := range s.Paper(a) {
		max += q.Points
		for _, p := range Weights(q) {
			if ans, ok := answers[p.Q.ID]; ok {
				g := quiz.Grade(p.Q, ans)
				scores[p.Q.ID] = g
				score += g * p.Points
			}
		}
	}
	a.SubmittedAt = s.now()
	if auto && !a.DeadlineAt.IsZero() && a.SubmittedAt.After(a.DeadlineAt) {
		a.SubmittedAt = a.DeadlineAt // the attempt ended at its deadline, whenever we noticed
	}
	a.AutoSubmitted, a.Score, a.MaxScore = auto, score, max
	if co != nil && co.Exam != nil && a.Kind == model.AttemptExam {
		a.Passed = a.Percent() >= co.Exam.PassPercent
	}
	// Through the group commit like answers: a storm of submissions at the
	// deadline costs one commit per batch, not one each.
	err = s.batch.Do(ctx, func(tx *store.Tx) error { return tx.SubmitAttempt(ctx, a, scores) })
	if err == nil || errors.Is(err, store.ErrClosed) {
		s.forget(a.ID)
		if s.tell != nil {
			s.tell(a.ID)
		}
	}
	if errors.Is(err, store.ErrClosed) {
		return a, ErrSubmitted
	}
	if err != nil {
		return a, fmt.Errorf("exam: submit: %w", err)
	}
	return a, nil
}

// Weighted is a question that takes an answer, with the points it carries
// in the paper.
type Weighted struct {
	Q      *quiz.Question
	Points float64
}

// Weights lists what of q takes answers and what each is worth: q itself at
// its points, or, for a case, its parts sharing the case's points in
// proportion to their own. A case is one question of the paper, so a
// 20-question exam is marked out of 20 (attempts submitted before this rule
// counted each part as a question; their stored score and percent stand).
func Weights(q *quiz.Question) []Weighted {
	if q.Type != quiz.Case {
		return []Weighted{{q, q.Points}}
	}
	var sum float64
	for _, p := range q.Parts {
		sum += p.Points
	}
	out := make([]Weighted, 0, len(q.Parts))
	for _, p := range q.Parts {
		w := 0.0
		if sum > 0 {
			w = q.Points * p.Points / sum
		}
		out = append(out, Weighted{p, w})
	}
	return out
}

// SubmitExpired closes every open attempt past its deadline and returns how
// many it closed.
func (s *Service) SubmitExpired(ctx context.Context) (int, error) {
	ids, err := s.db.ExpiredAttempts(ctx, s.now())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		a, err := s.db.Attempt(ctx, id)
		if err != nil {
			return n, err
		}
		if _, err := s.submit(ctx, a, true); err == nil {
			n++
		} else if !errors.Is(err, ErrSubmitted) {
			return n, err
		}
	}
	return n, nil
}

// History returns the user's exam attempts in a course, oldest first.
func (s *Service) History(ctx context.Context, userID int64, courseID string) ([]model.Attempt, error) {
	return s.db.Attempts(ctx, userID, courseID, model.AttemptExam)
}

// Review says how much of a submitted attempt the trainee may see now,
// under the course's review policy: course.ReviewScore, ReviewMarks or
// ReviewAnswers. Before the last attempt only the score is shown when the
// policy waits for it, so answers do not pass from one attempt to the next.
func Review(co *course.Course, history []model.Attempt) string {
	e := co.Exam
	if e == nil {
		return course.ReviewScore
	}
	if e.ReviewAfter == course.ReviewAfterSubmit {
		return e.Review
	}
	done := e.MaxAttempts > 0 && len(history) >= e.MaxAttempts
	for _, a := range history {
		if a.Open() {
			return course.ReviewScore
		}
		done = done || a.Passed
	}
	if done {
		return e.Review
	}
	return course.ReviewScore
}

// InProgress counts exam attempts open now (monitoring).
func (s *Service) InProgress(ctx context.Context) (int, error) {
	return s.db.OpenAttemptCount(ctx, model.AttemptExam)
}
