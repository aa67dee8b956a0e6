package store

import (
	"context"
	"fmt"
	"time"

	"github.com/tdkt/tdkt/internal/model"
)

const dossierColumns = `id, user_id, course_id, case_id, answer, passed, score, total, submitted_at, comment, commented_by, commented_at`

func scanDossier(row interface{ Scan(...any) error }) (model.DossierSubmission, error) {
	var d model.DossierSubmission
	var at, cat int64
	err := row.Scan(&d.ID, &d.UserID, &d.CourseID, &d.CaseID, &d.Answer, &d.Passed, &d.Score, &d.Total, &at, &d.Comment, &d.CommentedBy, &cat)
	d.SubmittedAt, d.CommentedAt = fromMS(at), fromMS(cat)
	return d, err
}

// CreateDossierSubmission stores a handed-in report and sets its ID.
func (tx *Tx) CreateDossierSubmission(ctx context.Context, d *model.DossierSubmission) error {
	err := tx.row(ctx, `INSERT INTO dossier_submissions (user_id, course_id, case_id, answer, passed, score, total, submitted_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, d.UserID, d.CourseID, d.CaseID, d.Answer, d.Passed, d.Score, d.Total, ms(d.SubmittedAt)).Scan(&d.ID)
	if err != nil {
		return fmt.Errorf("store: save dossier report: %w", mapErr(err))
	}
	return nil
}

// CommentDossier records a trainer's comment on a report.
func (tx *Tx) CommentDossier(ctx context.Context, id int64, comment string, by int64, at time.Time) error {
	res, err := tx.exec(ctx, `UPDATE dossier_submissions SET comment = ?, commented_by = ?, commented_at = ? WHERE id = ?`, comment, by, ms(at), id)
	if err != nil {
		return fmt.Errorf("store: comment dossier %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: dossier report %d: %w", id, ErrNotFound)
	}
	return nil
}

// DossierSubmission returns one report.
func (db *DB) DossierSubmission(ctx context.Context, id int64) (model.DossierSubmission, error) {
	d, err := scanDossier(db.readRow(ctx, `SELECT `+dossierColumns+` FROM dossier_submissions WHERE id = ?`, id))
	if err != nil {
		return d, fmt.Errorf("store: dossier report %d: %w", id, mapErr(err))
	}
	return d, nil
}

// DossierSubmissions returns reports newest first: one trainee's in a course
// (userID not 0), or those of trainees of the given units (nil: everyone's).
func (db *DB) DossierSubmissions(ctx context.Context, userID int64, courseID string, unitIDs []int64, limit int) ([]model.DossierSubmission, error) {
	units := unitsArg(unitIDs)
	rows, err := db.readRows(ctx, `SELECT `+dossierColumns+` FROM dossier_submissions
		WHERE (? = 0 OR user_id = ?) AND (? = '' OR course_id = ?) AND `+db.d.inUnits("user_id")+` ORDER BY id DESC LIMIT ?`,
		userID, userID, courseID, courseID, units, units, limit)
	if err != nil {
		return nil, fmt.Errorf("store: dossier reports: %w", err)
	}
	defer rows.Close()
	var out []model.DossierSubmission
	for rows.Next() {
		d, err := scanDossier(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan dossier report: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
