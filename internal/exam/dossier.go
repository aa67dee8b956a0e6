package exam

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// Limits on what a report may hold.
const (
	maxSectionRunes = 6000
	maxCommentRunes = 2000
)

// DossierResult is a handed-in report with what the checks found.
type DossierResult struct {
	Submission model.DossierSubmission
	Case       *course.Dossier
	Answer     course.DossierAnswer
	Checks     []course.DossierCheck
}

// SubmitDossier checks a trainee's report on a case and keeps it: every
// check's verdict is stored with the answer, so the trainee and their
// trainer read the same result later.
func (s *Service) SubmitDossier(ctx context.Context, userID int64, co *course.Course, d *course.Dossier, a course.DossierAnswer) (DossierResult, error) {
	var errs model.ValidationError
	for id, text := range a.Sections {
		if utf8.RuneCountInString(text) > maxSectionRunes {
			errs = append(errs, model.FieldError{Field: "s:" + id, Msg: model.Text{
				VI: fmt.Sprintf("Mỗi mục dài tối đa %d ký tự.", maxSectionRunes), EN: fmt.Sprintf("A section holds at most %d characters.", maxSectionRunes)}})
		}
		a.Sections[id] = strings.TrimSpace(text)
	}
	if len(errs) > 0 {
		return DossierResult{}, errs
	}
	checks := d.Check(a)
	score := 0
	for _, c := range checks {
		if c.OK {
			score++
		}
	}
	b, _ := json.Marshal(a)
	sub := model.DossierSubmission{UserID: userID, CourseID: co.ID, CaseID: d.ID, Answer: string(b), Passed: score == len(checks),
		Score: score, Total: len(checks), SubmittedAt: s.now()}
	if err := s.db.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateDossierSubmission(ctx, &sub) }); err != nil {
		return DossierResult{}, fmt.Errorf("exam: submit dossier: %w", err)
	}
	return DossierResult{Submission: sub, Case: d, Answer: a, Checks: checks}, nil
}

// DossierSubmission loads a report with its checks, from the case as it
// is now (a corrected case re-judges old reports the same way).
func (s *Service) DossierSubmission(ctx context.Context, id int64) (DossierResult, error) {
	sub, err := s.db.DossierSubmission(ctx, id)
	if err != nil {
		return DossierResult{}, err
	}
	co := s.cat.Course(sub.CourseID)
	var d *course.Dossier
	if co != nil {
		d = co.Dossier(sub.CaseID)
	}
	if d == nil {
		return DossierResult{}, fmt.Errorf("exam: dossier case %s/%s: %w", sub.CourseID, sub.CaseID, store.ErrNotFound)
	}
	var a course.DossierAnswer
	_ = json.Unmarshal([]byte(sub.Answer), &a)
	return DossierResult{Submission: sub, Case: d, Answer: a, Checks: d.Check(a)}, nil
}

// DossierSubmissions lists reports: one trainee's in a course, or those of
// the trainees within sc.
func (s *Service) DossierSubmissions(ctx context.Context, userID int64, courseID string, sc model.Scope, limit int) ([]model.DossierSubmission, error) {
	return s.db.DossierSubmissions(ctx, userID, courseID, sc.UnitIDs(), limit)
}

// CommentDossier keeps a trainer's comment on a report.
func (s *Service) CommentDossier(ctx context.Context, id int64, comment string, by int64) error {
	comment = strings.TrimSpace(comment)
	if n := utf8.RuneCountInString(comment); n == 0 || n > maxCommentRunes {
		return model.ValidationError{{Field: "comment", Msg: model.Text{
			VI: fmt.Sprintf("Nhận xét dài từ 1 đến %d ký tự.", maxCommentRunes), EN: fmt.Sprintf("A comment is 1 to %d characters long.", maxCommentRunes)}}}
	}
	return s.db.WithTx(ctx, func(tx *store.Tx) error { return tx.CommentDossier(ctx, id, comment, by, s.now()) })
}
