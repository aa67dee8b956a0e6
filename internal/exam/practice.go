package exam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/quiz"
	"github.com/tdkt/tdkt/internal/store"
)

// Practice returns the user's practice attempt on module m, opening one the
// first time. Practice has no clock and no limit on tries; each answer is
// graded at once and kept for the trainee's history and the statistics.
func (s *Service) Practice(ctx context.Context, userID int64, m *course.Module) (model.Attempt, error) {
	if len(m.Questions) == 0 {
		return model.Attempt{}, ErrNoPracticeModule
	}
	a, err := s.db.OpenAttempt(ctx, userID, m.Course.ID, model.AttemptPractice, m.ID)
	if err == nil {
		return a, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return a, fmt.Errorf("exam: practice: %w", err)
	}
	a = model.Attempt{UserID: userID, CourseID: m.Course.ID, Kind: model.AttemptPractice, ModuleID: m.ID, Seed: newSeed(), StartedAt: s.now()}
	for _, q := range m.Questions {
		a.Questions = append(a.Questions, q.ID)
	}
	err = s.batch.DoOne(ctx, func(tx *store.Tx) error { return tx.CreateAttempt(ctx, &a) })
	if errors.Is(err, store.ErrDuplicate) {
		return s.db.OpenAttempt(ctx, userID, m.Course.ID, model.AttemptPractice, m.ID)
	}
	if err != nil {
		return a, fmt.Errorf("exam: practice: %w", err)
	}
	return a, nil
}

// AnswerPractice grades and stores one practice answer and returns the share
// of the points it earned; the caller shows the explanation and citation.
func (s *Service) AnswerPractice(ctx context.Context, userID int64, m *course.Module, qid string, ans quiz.Answer) (float64, *quiz.Question, error) {
	a, err := s.Practice(ctx, userID, m)
	if err != nil {
		return 0, nil, err
	}
	q, err := s.inAttempt(a, qid)
	if err != nil {
		return 0, nil, err
	}
	if err := quiz.Check(q, ans); err != nil {
		return 0, q, err
	}
	g := quiz.Grade(q, ans)
	body, _ := json.Marshal(ans)
	err = s.batch.DoOne(ctx, func(tx *store.Tx) error { return tx.SaveAnswer(ctx, a.ID, qid, string(body), s.now(), &g) })
	if err != nil {
		return 0, q, fmt.Errorf("exam: practice answer: %w", err)
	}
	return g, q, nil
}

// ClientKeyDays is how long a key of a queued practice answer is remembered.
// A phone sends its queue within minutes or days of coming back online; after
// this a repeat could be applied twice, so the queue in the page drops
// entries older than it (static/js/offline.js).
const ClientKeyDays = 30

// AnswerPracticeQueued stores the answers of one practice question that a
// phone gave without a connection and sent later, labelled with a key it made
// up. The first arrival is graded and stored; a repeat of the same key (the
// reply was lost and the queue was sent again) changes nothing and reports
// repeat, so that an older answer sent twice never overwrites a newer one.
// All parts of a case are stored together or not at all.
func (s *Service) AnswerPracticeQueued(ctx context.Context, userID int64, m *course.Module, key string, answers map[string]quiz.Answer) (repeat bool, err error) {
	a, err := s.Practice(ctx, userID, m)
	if err != nil {
		return false, err
	}
	type graded struct {
		body  string
		score float64
	}
	out := make(map[string]graded, len(answers))
	for qid, ans := range answers {
		q, err := s.inAttempt(a, qid)
		if err != nil {
			return false, err
		}
		if err := quiz.Check(q, ans); err != nil {
			return false, err
		}
		body, _ := json.Marshal(ans)
		out[qid] = graded{string(body), quiz.Grade(q, ans)}
	}
	now := s.now()
	err = s.batch.Do(ctx, func(tx *store.Tx) error {
		fresh, err := tx.ClaimClientKey(ctx, userID, key, now)
		if err != nil || !fresh {
			repeat = !fresh
			return err
		}
		for qid, g := range out {
			if err := tx.SaveAnswer(ctx, a.ID, qid, g.body, now, &g.score); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("exam: queued practice answer: %w", err)
	}
	return repeat, nil
}

// ForgetClientKeys drops the keys of queued answers older than ClientKeyDays.
func (s *Service) ForgetClientKeys(ctx context.Context) (int, error) {
	var n int64
	err := s.batch.Do(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.ForgetClientKeys(ctx, s.now().AddDate(0, 0, -ClientKeyDays))
		return err
	})
	return int(n), err
}
