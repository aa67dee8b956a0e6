package store

import (
	"context"
	"fmt"
	"time"

	"github.com/tdkt/tdkt/internal/model"
)

// CreateSession stores a new session.
func (tx *Tx) CreateSession(ctx context.Context, s model.Session) error {
	_, err := tx.exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at, ip, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, s.TokenHash, s.UserID, ms(s.CreatedAt), ms(s.ExpiresAt), ms(s.LastSeenAt), s.IP, s.UserAgent)
	if err != nil {
		return fmt.Errorf("store: create session: %w", mapErr(err))
	}
	return nil
}

// DeleteSession removes one session (logout).
func (tx *Tx) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions removes every session of a user except keep (after a
// password change, other devices must log in again).
func (tx *Tx) DeleteUserSessions(ctx context.Context, userID int64, keep string) error {
	if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`, userID, keep); err != nil {
		return fmt.Errorf("store: delete sessions of user %d: %w", userID, err)
	}
	return nil
}

// TouchSession moves the expiry of a session forward (sliding expiry).
func (tx *Tx) TouchSession(ctx context.Context, tokenHash string, seen, expires time.Time) error {
	if _, err := tx.exec(ctx, `UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?`,
		ms(seen), ms(expires), tokenHash); err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions that expired before now.
func (tx *Tx) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := tx.exec(ctx, `DELETE FROM sessions WHERE expires_at < ?`, ms(now))
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// SessionUser returns a live session and its user in one query, since every
// logged-in request needs both.
func (db *DB) SessionUser(ctx context.Context, tokenHash string, now time.Time) (model.Session, model.User, error) {
	var s model.Session
	var created, expires, seen int64
	row := db.queryRow(ctx, `SELECT s.token_hash, s.user_id, s.created_at, s.expires_at, s.last_seen_at, s.ip, s.user_agent,
		u.id, u.username, u.full_name, u.role, u.unit_id, u.password_hash, u.must_change_password, u.disabled,
		u.failed_logins, u.locked_until, u.created_at, u.updated_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND s.expires_at > ?`, tokenHash, ms(now))
	var u model.User
	var role string
	var locked, ucreated, uupdated int64
	err := row.Scan(&s.TokenHash, &s.UserID, &created, &expires, &seen, &s.IP, &s.UserAgent,
		&u.ID, &u.Username, &u.FullName, &role, &u.UnitID, &u.PasswordHash, &u.MustChangePassword, &u.Disabled,
		&u.FailedLogins, &locked, &ucreated, &uupdated)
	if err != nil {
		return s, u, fmt.Errorf("store: session: %w", mapErr(err))
	}
	s.CreatedAt, s.ExpiresAt, s.LastSeenAt = fromMS(created), fromMS(expires), fromMS(seen)
	u.Role = model.Role(role)
	u.LockedUntil, u.CreatedAt, u.UpdatedAt = fromMS(locked), fromMS(ucreated), fromMS(uupdated)
	return s, u, nil
}
