package store

import (
	"context"
	"fmt"
	"time"

	"github.com/tdkt/tdkt/internal/model"
)

const userColumns = `id, username, full_name, role, unit_id, password_hash, must_change_password, disabled,
	failed_logins, locked_until, created_at, updated_at, phone, email`

func scanUser(row interface{ Scan(...any) error }) (model.User, error) {
	var u model.User
	var role string
	var locked, created, updated int64
	if err := row.Scan(&u.ID, &u.Username, &u.FullName, &role, &u.UnitID, &u.PasswordHash, &u.MustChangePassword,
		&u.Disabled, &u.FailedLogins, &locked, &created, &updated, &u.Phone, &u.Email); err != nil {
		return u, err
	}
	u.Role = model.Role(role)
	u.LockedUntil, u.CreatedAt, u.UpdatedAt = fromMS(locked), fromMS(created), fromMS(updated)
	return u, nil
}

// CreateUser inserts u and sets its ID.
func (tx *Tx) CreateUser(ctx context.Context, u *model.User) error {
	now := time.Now()
	err := tx.row(ctx, `INSERT INTO users (username, full_name, role, unit_id, password_hash,
		must_change_password, disabled, created_at, updated_at, phone, email) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		u.Username, u.FullName, string(u.Role), u.UnitID, u.PasswordHash, u.MustChangePassword, u.Disabled, ms(now), ms(now), u.Phone, u.Email).Scan(&u.ID)
	if err != nil {
		return fmt.Errorf("store: create user %q: %w", u.Username, mapErr(err))
	}
	u.CreatedAt, u.UpdatedAt = now, now
	return nil
}

// UpdateUser saves the profile fields of u (name, role, unit, disabled); the
// password and login counters have their own methods.
func (tx *Tx) UpdateUser(ctx context.Context, u *model.User) error {
	now := time.Now()
	res, err := tx.exec(ctx, `UPDATE users SET username = ?, full_name = ?, role = ?, unit_id = ?, disabled = ?, updated_at = ?
		WHERE id = ?`, u.Username, u.FullName, string(u.Role), u.UnitID, u.Disabled, ms(now), u.ID)
	if err != nil {
		return fmt.Errorf("store: update user %d: %w", u.ID, mapErr(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: update user %d: %w", u.ID, ErrNotFound)
	}
	u.UpdatedAt = now
	return nil
}

// SetPassword replaces the password hash and the must-change flag of a user.
func (tx *Tx) SetPassword(ctx context.Context, userID int64, hash string, mustChange bool) error {
	res, err := tx.exec(ctx, `UPDATE users SET password_hash = ?, must_change_password = ?, updated_at = ? WHERE id = ?`,
		hash, mustChange, ms(time.Now()), userID)
	if err != nil {
		return fmt.Errorf("store: set password of user %d: %w", userID, mapErr(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: set password of user %d: %w", userID, ErrNotFound)
	}
	return nil
}

// RecordLoginFailure stores the failure count and lock of an account.
func (tx *Tx) RecordLoginFailure(ctx context.Context, userID int64, failures int, lockedUntil time.Time) error {
	_, err := tx.exec(ctx, `UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?`,
		failures, ms(lockedUntil), userID)
	if err != nil {
		return fmt.Errorf("store: record login failure of user %d: %w", userID, err)
	}
	return nil
}

// ResetLoginFailures clears the failure count and lock after a good login.
func (tx *Tx) ResetLoginFailures(ctx context.Context, userID int64) error {
	_, err := tx.exec(ctx, `UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ? AND (failed_logins <> 0 OR locked_until <> 0)`, userID)
	if err != nil {
		return fmt.Errorf("store: reset login failures of user %d: %w", userID, err)
	}
	return nil
}

// UserByID returns the user with the given id.
func (db *DB) UserByID(ctx context.Context, id int64) (model.User, error) {
	u, err := scanUser(db.readRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if err != nil {
		return u, fmt.Errorf("store: user %d: %w", id, mapErr(err))
	}
	return u, nil
}

// UserByUsername returns the user with the given username (case-insensitive).
func (db *DB) UserByUsername(ctx context.Context, username string) (model.User, error) {
	u, err := scanUser(db.readRow(ctx, `SELECT `+userColumns+` FROM users WHERE username = ?`, username))
	if err != nil {
		return u, fmt.Errorf("store: user %q: %w", username, mapErr(err))
	}
	return u, nil
}

// Users returns every user; callers sort them with Vietnamese collation.
func (db *DB) Users(ctx context.Context) ([]model.User, error) {
	return db.queryUsers(ctx, `SELECT `+userColumns+` FROM users`)
}

func (db *DB) queryUsers(ctx context.Context, query string, args ...any) ([]model.User, error) {
	rows, err := db.readRows(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	var out []model.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan user: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CountUsers returns how many accounts exist.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := db.readRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count users: %w", err)
	}
	return n, nil
}

// CountActiveAdmins returns how many enabled administrators exist.
func (db *DB) CountActiveAdmins(ctx context.Context) (int, error) {
	var n int
	if err := db.readRow(ctx, `SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count admins: %w", err)
	}
	return n, nil
}

// UsersByID returns the accounts with the given ids, in one query.
func (db *DB) UsersByID(ctx context.Context, ids []int64) ([]model.User, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return db.queryUsers(ctx, `SELECT `+userColumns+` FROM users WHERE id IN (`+db.d.idList()+`)`, unitsArg(ids))
}
