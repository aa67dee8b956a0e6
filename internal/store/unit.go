package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/tdkt/tdkt/internal/model"
)

const unitColumns = `id, code, name, kind, COALESCE(parent_id, 0), created_at, updated_at`

func scanUnit(row interface{ Scan(...any) error }) (model.Unit, error) {
	var u model.Unit
	var kind string
	var created, updated int64
	if err := row.Scan(&u.ID, &u.Code, &u.Name, &kind, &u.ParentID, &created, &updated); err != nil {
		return u, err
	}
	u.Kind = model.UnitKind(kind)
	u.CreatedAt, u.UpdatedAt = fromMS(created), fromMS(updated)
	return u, nil
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// CreateUnit inserts u and sets its ID.
func (tx *Tx) CreateUnit(ctx context.Context, u *model.Unit) error {
	now := time.Now()
	err := tx.row(ctx, `INSERT INTO units (code, name, kind, parent_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, u.Code, u.Name, string(u.Kind), nullID(u.ParentID), ms(now), ms(now)).Scan(&u.ID)
	if err != nil {
		return fmt.Errorf("store: create unit %q: %w", u.Code, mapErr(err))
	}
	u.CreatedAt, u.UpdatedAt = now, now
	return nil
}

// UpdateUnit saves the code, name, kind and parent of u.
func (tx *Tx) UpdateUnit(ctx context.Context, u *model.Unit) error {
	now := time.Now()
	res, err := tx.exec(ctx, `UPDATE units SET code = ?, name = ?, kind = ?, parent_id = ?, updated_at = ? WHERE id = ?`,
		u.Code, u.Name, string(u.Kind), nullID(u.ParentID), ms(now), u.ID)
	if err != nil {
		return fmt.Errorf("store: update unit %d: %w", u.ID, mapErr(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: update unit %d: %w", u.ID, ErrNotFound)
	}
	u.UpdatedAt = now
	return nil
}

// UnitByID returns the unit with the given id.
func (db *DB) UnitByID(ctx context.Context, id int64) (model.Unit, error) {
	u, err := scanUnit(db.readRow(ctx, `SELECT `+unitColumns+` FROM units WHERE id = ?`, id))
	if err != nil {
		return u, fmt.Errorf("store: unit %d: %w", id, mapErr(err))
	}
	return u, nil
}

// UnitByCode returns the unit with the given code (case-insensitive).
func (db *DB) UnitByCode(ctx context.Context, code string) (model.Unit, error) {
	u, err := scanUnit(db.readRow(ctx, `SELECT `+unitColumns+` FROM units WHERE code = ?`, code))
	if err != nil {
		return u, fmt.Errorf("store: unit %q: %w", code, mapErr(err))
	}
	return u, nil
}

// Units returns every unit; the caller arranges them into a tree.
func (db *DB) Units(ctx context.Context) ([]model.Unit, error) {
	rows, err := db.readRows(ctx, `SELECT `+unitColumns+` FROM units ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: list units: %w", err)
	}
	defer rows.Close()
	var out []model.Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan unit: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CountUnits returns how many units exist.
func (db *DB) CountUnits(ctx context.Context) (int, error) {
	var n int
	if err := db.readRow(ctx, `SELECT COUNT(*) FROM units`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count units: %w", err)
	}
	return n, nil
}

// UnitByCode returns the unit with the given code, as this transaction sees it.
func (tx *Tx) UnitByCode(ctx context.Context, code string) (model.Unit, error) {
	u, err := scanUnit(tx.row(ctx, `SELECT `+unitColumns+` FROM units WHERE code = ?`, code))
	if err != nil {
		return u, fmt.Errorf("store: unit %q: %w", code, mapErr(err))
	}
	return u, nil
}
