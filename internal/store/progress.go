package store

import (
	"context"
	"fmt"
	"time"

	"github.com/tdkt/tdkt/internal/model"
)

// Visit is one trainee opening one module at a time.
type Visit struct {
	UserID   int64
	CourseID string
	ModuleID string
	At       time.Time
}

// RecordVisits upserts a batch of visits; the batch is one statement per
// visit inside the caller's single transaction, so a burst of page views costs
// one commit.
func (tx *Tx) RecordVisits(ctx context.Context, visits []Visit) error {
	stmt, err := tx.prepare(ctx, `INSERT INTO module_progress (user_id, course_id, module_id, first_seen_at, last_seen_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (user_id, course_id, module_id) DO UPDATE SET last_seen_at = CASE WHEN excluded.last_seen_at > module_progress.last_seen_at
			THEN excluded.last_seen_at ELSE module_progress.last_seen_at END`)
	if err != nil {
		return fmt.Errorf("store: prepare record visits: %w", err)
	}
	defer stmt.Close()
	for _, v := range visits {
		if _, err := stmt.ExecContext(ctx, v.UserID, v.CourseID, v.ModuleID, ms(v.At), ms(v.At)); err != nil {
			return fmt.Errorf("store: record visit of user %d to %s/%s: %w", v.UserID, v.CourseID, v.ModuleID, mapErr(err))
		}
	}
	return nil
}

// CompleteModule marks a module done; completing it again keeps the first
// time. It leaves last_seen_at alone: a completion queued offline and sent
// later must not move the trainee's resume point back.
func (tx *Tx) CompleteModule(ctx context.Context, userID int64, courseID, moduleID string, at time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO module_progress (user_id, course_id, module_id, first_seen_at, last_seen_at, completed_at)
		VALUES (?, ?, ?, ?, 0, ?)
		ON CONFLICT (user_id, course_id, module_id) DO UPDATE SET
			completed_at = CASE WHEN module_progress.completed_at = 0 THEN excluded.completed_at ELSE module_progress.completed_at END`,
		userID, courseID, moduleID, ms(at), ms(at))
	if err != nil {
		return fmt.Errorf("store: complete module %s/%s for user %d: %w", courseID, moduleID, userID, mapErr(err))
	}
	return nil
}

// UserProgress returns every module row of one user.
func (db *DB) UserProgress(ctx context.Context, userID int64) ([]model.ModuleProgress, error) {
	rows, err := db.query(ctx, `SELECT course_id, module_id, first_seen_at, last_seen_at, completed_at
		FROM module_progress WHERE user_id = ?`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: progress of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []model.ModuleProgress
	for rows.Next() {
		p := model.ModuleProgress{UserID: userID}
		var first, last, done int64
		if err := rows.Scan(&p.CourseID, &p.ModuleID, &first, &last, &done); err != nil {
			return nil, fmt.Errorf("store: scan progress: %w", err)
		}
		p.FirstSeenAt, p.LastSeenAt, p.CompletedAt = fromMS(first), fromMS(last), fromMS(done)
		out = append(out, p)
	}
	return out, rows.Err()
}
