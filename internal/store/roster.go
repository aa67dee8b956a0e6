package store

import (
	"context"
	"fmt"
	"time"

	"github.com/tdkt/tdkt/internal/model"
)

const rosterColumns = `id, actor_id, kind, filename, content, uploaded_at, imported_at, created, skipped, slips, slips_until`

func scanRoster(row interface{ Scan(...any) error }) (model.RosterImport, error) {
	var r model.RosterImport
	var up, imp, until int64
	err := row.Scan(&r.ID, &r.ActorID, &r.Kind, &r.Filename, &r.Content, &up, &imp, &r.Created, &r.Skipped, &r.Slips, &until)
	r.UploadedAt, r.ImportedAt, r.SlipsUntil = fromMS(up), fromMS(imp), fromMS(until)
	return r, err
}

// CreateRosterImport stores an uploaded roster file and sets its ID.
func (tx *Tx) CreateRosterImport(ctx context.Context, r *model.RosterImport) error {
	err := tx.row(ctx, `INSERT INTO roster_imports (actor_id, kind, filename, content, uploaded_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		r.ActorID, r.Kind, r.Filename, r.Content, ms(r.UploadedAt)).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("store: save roster upload: %w", mapErr(err))
	}
	return nil
}

// FinishRosterImport records that import id was carried out, with the
// generated logins to print until slipsUntil.
func (tx *Tx) FinishRosterImport(ctx context.Context, id int64, at time.Time, created, skipped int, slips string, slipsUntil time.Time) error {
	res, err := tx.exec(ctx, `UPDATE roster_imports SET imported_at = ?, created = ?, skipped = ?, slips = ?, slips_until = ?
		WHERE id = ? AND imported_at = 0`, ms(at), created, skipped, slips, ms(slipsUntil), id)
	if err != nil {
		return fmt.Errorf("store: finish roster import %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: roster import %d: %w", id, ErrDuplicate) // already imported
	}
	return nil
}

// WipeSlips forgets the generated passwords of imports whose printing time
// has passed, and returns how many were wiped.
func (tx *Tx) WipeSlips(ctx context.Context, now time.Time) (int64, error) {
	res, err := tx.exec(ctx, `UPDATE roster_imports SET slips = '' WHERE slips != '' AND slips_until < ?`, ms(now))
	if err != nil {
		return 0, fmt.Errorf("store: wipe login slips: %w", err)
	}
	return res.RowsAffected()
}

// RosterImport returns one upload.
func (db *DB) RosterImport(ctx context.Context, id int64) (model.RosterImport, error) {
	r, err := scanRoster(db.readRow(ctx, `SELECT `+rosterColumns+` FROM roster_imports WHERE id = ?`, id))
	if err != nil {
		return r, fmt.Errorf("store: roster import %d: %w", id, mapErr(err))
	}
	return r, nil
}

// RosterImports returns the latest uploads, newest first: all of them, or
// those of one actor when actorID is not 0. The file contents are left out.
func (db *DB) RosterImports(ctx context.Context, actorID int64, limit int) ([]model.RosterImport, error) {
	rows, err := db.readRows(ctx, `SELECT id, actor_id, kind, filename, NULL, uploaded_at, imported_at, created, skipped, '', slips_until
		FROM roster_imports WHERE ? = 0 OR actor_id = ? ORDER BY id DESC LIMIT ?`, actorID, actorID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: roster imports: %w", err)
	}
	defer rows.Close()
	var out []model.RosterImport
	for rows.Next() {
		r, err := scanRoster(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan roster import: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Usernames returns every username in use, for checking a roster in one go.
func (db *DB) Usernames(ctx context.Context) (map[string]bool, error) {
	rows, err := db.readRows(ctx, `SELECT username FROM users`)
	if err != nil {
		return nil, fmt.Errorf("store: usernames: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out[u] = true
	}
	return out, rows.Err()
}
