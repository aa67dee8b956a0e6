package store

import (
	"context"
	"fmt"
	"time"

	"github.com/tdkt/tdkt/internal/model"
)

const enrolColumns = `id, course_id, COALESCE(unit_id, 0), COALESCE(user_id, 0), COALESCE(group_id, 0), due_at, created_by, created_at`

func scanEnrolment(row interface{ Scan(...any) error }) (model.Enrolment, error) {
	var e model.Enrolment
	var due, created int64
	err := row.Scan(&e.ID, &e.CourseID, &e.UnitID, &e.UserID, &e.GroupID, &due, &e.CreatedBy, &created)
	e.DueAt, e.CreatedAt = fromMS(due), fromMS(created)
	return e, err
}

// CreateEnrolment stores e and sets its ID.
func (tx *Tx) CreateEnrolment(ctx context.Context, e *model.Enrolment) error {
	err := tx.row(ctx, `INSERT INTO enrolments (course_id, unit_id, user_id, group_id, due_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		e.CourseID, nullID(e.UnitID), nullID(e.UserID), nullID(e.GroupID), ms(e.DueAt), e.CreatedBy, ms(e.CreatedAt)).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("store: create enrolment: %w", mapErr(err))
	}
	return nil
}

// DeleteEnrolment removes an assignment (the officers' progress stays).
func (tx *Tx) DeleteEnrolment(ctx context.Context, id int64) error {
	res, err := tx.exec(ctx, `DELETE FROM enrolments WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("store: delete enrolment %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: enrolment %d: %w", id, ErrNotFound)
	}
	return nil
}

// Enrolment returns one assignment.
func (db *DB) Enrolment(ctx context.Context, id int64) (model.Enrolment, error) {
	e, err := scanEnrolment(db.readRow(ctx, `SELECT `+enrolColumns+` FROM enrolments WHERE id = ?`, id))
	if err != nil {
		return e, fmt.Errorf("store: enrolment %d: %w", id, mapErr(err))
	}
	return e, nil
}

// Enrolments returns the assignments of a course ("" for every course).
func (db *DB) Enrolments(ctx context.Context, courseID string) ([]model.Enrolment, error) {
	return db.queryEnrolments(ctx, `SELECT `+enrolColumns+` FROM enrolments WHERE ? = '' OR course_id = ? ORDER BY id`, courseID, courseID)
}

// EnrolmentsFor returns the assignments that reach an officer: to them by
// name, to a group of theirs, or to one of the units given (their unit and
// those above it).
func (db *DB) EnrolmentsFor(ctx context.Context, userID int64, unitIDs []int64) ([]model.Enrolment, error) {
	return db.queryEnrolments(ctx, `SELECT `+enrolColumns+` FROM enrolments WHERE user_id = ? OR unit_id IN (`+db.d.idList()+`)
		OR group_id IN (SELECT group_id FROM group_members WHERE user_id = ?) ORDER BY id`, userID, unitsArg(unitIDs), userID)
}

func (db *DB) queryEnrolments(ctx context.Context, q string, args ...any) ([]model.Enrolment, error) {
	rows, err := db.readRows(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: enrolments: %w", err)
	}
	defer rows.Close()
	var out []model.Enrolment
	for rows.Next() {
		e, err := scanEnrolment(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan enrolment: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// TraineeUnits returns the unit of every active trainee, by account id:
// the population of the roll-ups, in one light query.
func (db *DB) TraineeUnits(ctx context.Context) (map[int64]int64, error) {
	rows, err := db.readRows(ctx, `SELECT id, unit_id FROM users WHERE role = 'trainee' AND disabled = 0`)
	if err != nil {
		return nil, fmt.Errorf("store: trainee units: %w", err)
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var id, unit int64
		if err := rows.Scan(&id, &unit); err != nil {
			return nil, err
		}
		out[id] = unit
	}
	return out, rows.Err()
}

// CourseProgressOf returns every officer's progress in a course.
func (db *DB) CourseProgressOf(ctx context.Context, courseID string) (map[int64]model.CourseProgress, error) {
	rows, err := db.readRows(ctx, `SELECT user_id, started_at, last_at, modules_done FROM course_progress WHERE course_id = ?`, courseID)
	if err != nil {
		return nil, fmt.Errorf("store: course progress: %w", err)
	}
	defer rows.Close()
	out := map[int64]model.CourseProgress{}
	for rows.Next() {
		var id, started, last int64
		var p model.CourseProgress
		if err := rows.Scan(&id, &started, &last, &p.ModulesDone); err != nil {
			return nil, err
		}
		p.StartedAt, p.LastAt = fromMS(started), fromMS(last)
		out[id] = p
	}
	return out, rows.Err()
}

// ExamPassers returns when each officer first passed a course's exam.
func (db *DB) ExamPassers(ctx context.Context, courseID string) (map[int64]time.Time, error) {
	return db.userTimes(ctx, `SELECT user_id, MIN(submitted_at) FROM attempts WHERE course_id = ? AND kind = 'exam' AND passed = 1 GROUP BY user_id`, courseID)
}

// CertificateHolders returns when each holder of a valid certificate of a
// course received it.
func (db *DB) CertificateHolders(ctx context.Context, courseID string) (map[int64]time.Time, error) {
	return db.userTimes(ctx, `SELECT user_id, issued_at FROM certificates WHERE course_id = ? AND status = 'valid'`, courseID)
}

func (db *DB) userTimes(ctx context.Context, q string, args ...any) (map[int64]time.Time, error) {
	rows, err := db.readRows(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	out := map[int64]time.Time{}
	for rows.Next() {
		var id, at int64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		out[id] = fromMS(at)
	}
	return out, rows.Err()
}

// UserCourseProgress returns one officer's progress in each course.
func (db *DB) UserCourseProgress(ctx context.Context, userID int64) (map[string]model.CourseProgress, error) {
	rows, err := db.readRows(ctx, `SELECT course_id, started_at, last_at, modules_done FROM course_progress WHERE user_id = ?`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: progress of %d: %w", userID, err)
	}
	defer rows.Close()
	out := map[string]model.CourseProgress{}
	for rows.Next() {
		var c string
		var started, last int64
		var p model.CourseProgress
		if err := rows.Scan(&c, &started, &last, &p.ModulesDone); err != nil {
			return nil, err
		}
		p.StartedAt, p.LastAt = fromMS(started), fromMS(last)
		out[c] = p
	}
	return out, rows.Err()
}

// UserExamPasses returns when an officer first passed each course's exam.
func (db *DB) UserExamPasses(ctx context.Context, userID int64) (map[string]time.Time, error) {
	return db.courseTimes(ctx, `SELECT course_id, MIN(submitted_at) FROM attempts WHERE user_id = ? AND kind = 'exam' AND passed = 1 GROUP BY course_id`, userID)
}

// UserCertificates returns when an officer received each valid certificate.
func (db *DB) UserCertificates(ctx context.Context, userID int64) (map[string]time.Time, error) {
	return db.courseTimes(ctx, `SELECT course_id, issued_at FROM certificates WHERE user_id = ? AND status = 'valid'`, userID)
}

func (db *DB) courseTimes(ctx context.Context, q string, args ...any) (map[string]time.Time, error) {
	rows, err := db.readRows(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var c string
		var at int64
		if err := rows.Scan(&c, &at); err != nil {
			return nil, err
		}
		out[c] = fromMS(at)
	}
	return out, rows.Err()
}
