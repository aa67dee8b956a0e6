package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/tdkt/tdkt/internal/model"
)

// ErrClosed is returned when an answer or a submission reaches an attempt
// that is already submitted or past its deadline.
var ErrClosed = errors.New("store: attempt closed")

const attemptColumns = `id, user_id, course_id, kind, module_id, seed, questions, started_at, deadline_at, submitted_at,
	auto_submitted, score, max_score, passed`

func scanAttempt(row interface{ Scan(...any) error }) (model.Attempt, error) {
	var a model.Attempt
	var seed int64
	var qs string
	var started, deadline, submitted int64
	err := row.Scan(&a.ID, &a.UserID, &a.CourseID, &a.Kind, &a.ModuleID, &seed, &qs, &started, &deadline, &submitted,
		&a.AutoSubmitted, &a.Score, &a.MaxScore, &a.Passed)
	if err != nil {
		return a, err
	}
	a.Seed = uint64(seed)
	if err := json.Unmarshal([]byte(qs), &a.Questions); err != nil {
		return a, fmt.Errorf("store: attempt %d questions: %w", a.ID, err)
	}
	a.StartedAt, a.DeadlineAt, a.SubmittedAt = fromMS(started), fromMS(deadline), fromMS(submitted)
	return a, nil
}

// CreateAttempt inserts a; ErrDuplicate means an open one already exists.
func (tx *Tx) CreateAttempt(ctx context.Context, a *model.Attempt) error {
	qs, _ := json.Marshal(a.Questions)
	err := tx.row(ctx, `INSERT INTO attempts (user_id, course_id, kind, module_id, seed, questions, started_at, deadline_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, a.UserID, a.CourseID, a.Kind, a.ModuleID, int64(a.Seed), string(qs), ms(a.StartedAt), ms(a.DeadlineAt)).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("store: create attempt: %w", mapErr(err))
	}
	return nil
}

// SaveAnswer stores (or replaces) one answer, but only while the attempt is
// open and, when it has a deadline, not past it at now. The check and the
// write are one statement on the single write connection, so an answer can
// never land after the submission that closed the attempt.
func (tx *Tx) SaveAnswer(ctx context.Context, attemptID int64, questionID, answer string, now time.Time, score *float64) error {
	var sc sql.NullFloat64
	if score != nil {
		sc = sql.NullFloat64{Float64: *score, Valid: true}
	}
	res, err := tx.stmt(ctx, "saveAnswer").ExecContext(ctx, attemptID, questionID, answer, ms(now), sc, attemptID, ms(now))
	if err != nil {
		return fmt.Errorf("store: save answer to attempt %d: %w", attemptID, mapErr(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: save answer to attempt %d: %w", attemptID, ErrClosed)
	}
	return nil
}

// SubmitAttempt closes an open attempt with its grades. Only the first of
// two concurrent submissions wins; the second gets ErrClosed.
func (tx *Tx) SubmitAttempt(ctx context.Context, a model.Attempt, scores map[string]float64) error {
	res, err := tx.exec(ctx, `UPDATE attempts SET state = 'submitted', submitted_at = ?, auto_submitted = ?,
		score = ?, max_score = ?, passed = ? WHERE id = ? AND state = 'open'`,
		ms(a.SubmittedAt), a.AutoSubmitted, a.Score, a.MaxScore, a.Passed, a.ID)
	if err != nil {
		return fmt.Errorf("store: submit attempt %d: %w", a.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: submit attempt %d: %w", a.ID, ErrClosed)
	}
	stmt, err := tx.prepare(ctx, `UPDATE attempt_answers SET score = ? WHERE attempt_id = ? AND question_id = ?`)
	if err != nil {
		return fmt.Errorf("store: grade attempt %d: %w", a.ID, err)
	}
	defer stmt.Close()
	for qid, s := range scores {
		if _, err := stmt.ExecContext(ctx, s, a.ID, qid); err != nil {
			return fmt.Errorf("store: grade attempt %d: %w", a.ID, err)
		}
	}
	return nil
}

// Attempt returns one attempt.
func (db *DB) Attempt(ctx context.Context, id int64) (model.Attempt, error) {
	a, err := scanAttempt(db.queryRow(ctx, `SELECT `+attemptColumns+` FROM attempts WHERE id = ?`, id))
	if err != nil {
		return a, fmt.Errorf("store: attempt %d: %w", id, mapErr(err))
	}
	return a, nil
}

// OpenAttempt returns the open attempt of a user in a course (and module,
// for practice), or ErrNotFound.
func (db *DB) OpenAttempt(ctx context.Context, userID int64, courseID, kind, moduleID string) (model.Attempt, error) {
	a, err := scanAttempt(db.queryRow(ctx, `SELECT `+attemptColumns+` FROM attempts
		WHERE user_id = ? AND course_id = ? AND kind = ? AND module_id = ? AND state = 'open'`, userID, courseID, kind, moduleID))
	if err != nil {
		return a, fmt.Errorf("store: open attempt: %w", mapErr(err))
	}
	return a, nil
}

// Attempts returns a user's attempts of one kind in a course, oldest first.
func (db *DB) Attempts(ctx context.Context, userID int64, courseID, kind string) ([]model.Attempt, error) {
	rows, err := db.query(ctx, `SELECT `+attemptColumns+` FROM attempts
		WHERE user_id = ? AND course_id = ? AND kind = ? ORDER BY id`, userID, courseID, kind)
	if err != nil {
		return nil, fmt.Errorf("store: attempts: %w", err)
	}
	defer rows.Close()
	var out []model.Attempt
	for rows.Next() {
		a, err := scanAttempt(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan attempt: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ExpiredAttempts returns the ids of open attempts whose deadline is before now.
func (db *DB) ExpiredAttempts(ctx context.Context, now time.Time) ([]int64, error) {
	ids, err := db.queryIDs(ctx, `SELECT id FROM attempts WHERE state = 'open' AND deadline_at > 0 AND deadline_at < ?`, ms(now))
	if err != nil {
		return nil, fmt.Errorf("store: expired attempts: %w", err)
	}
	return ids, nil
}

// Answers returns the saved answers of an attempt.
func (db *DB) Answers(ctx context.Context, attemptID int64) ([]model.SavedAnswer, error) {
	rows, err := db.query(ctx, `SELECT question_id, answer, saved_at, score FROM attempt_answers WHERE attempt_id = ?`, attemptID)
	if err != nil {
		return nil, fmt.Errorf("store: answers of attempt %d: %w", attemptID, err)
	}
	defer rows.Close()
	var out []model.SavedAnswer
	for rows.Next() {
		var a model.SavedAnswer
		var saved int64
		var score sql.NullFloat64
		if err := rows.Scan(&a.QuestionID, &a.Answer, &saved, &score); err != nil {
			return nil, fmt.Errorf("store: scan answer: %w", err)
		}
		a.SavedAt, a.Score, a.Graded = fromMS(saved), score.Float64, score.Valid
		out = append(out, a)
	}
	return out, rows.Err()
}

// ItemResponse is one graded answer, for item statistics.
type ItemResponse struct {
	QuestionID string
	Answer     string
	Score      float64
}

// ItemResponses returns every graded answer of submitted attempts of a kind
// in a course, by trainees of the given units (nil: everyone's).
func (db *DB) ItemResponses(ctx context.Context, courseID, kind string, unitIDs []int64) ([]ItemResponse, error) {
	units := unitsArg(unitIDs)
	rows, err := db.readRows(ctx, `SELECT aa.question_id, aa.answer, aa.score FROM attempt_answers aa
		JOIN attempts a ON a.id = aa.attempt_id
		WHERE a.course_id = ? AND a.kind = ? AND aa.score IS NOT NULL AND `+db.d.inUnits("a.user_id"), courseID, kind, units, units)
	if err != nil {
		return nil, fmt.Errorf("store: item responses: %w", err)
	}
	defer rows.Close()
	var out []ItemResponse
	for rows.Next() {
		var r ItemResponse
		if err := rows.Scan(&r.QuestionID, &r.Answer, &r.Score); err != nil {
			return nil, fmt.Errorf("store: scan item response: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// OpenAttemptCount counts attempts in progress of the given kind, for
// monitoring; the partial indexes on open attempts keep it cheap.
func (db *DB) OpenAttemptCount(ctx context.Context, kind string) (int, error) {
	var n int
	err := db.readRow(ctx, `SELECT COUNT(*) FROM attempts WHERE state = 'open' AND kind = ?`, kind).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count open attempts: %w", err)
	}
	return n, nil
}
