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
