package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// LoginFailure is the count of failed logins under one key (an address, or
// a name from an address).
type LoginFailure struct {
	Failures    int
	FirstAt     time.Time
	LastAt      time.Time
	LockedUntil time.Time
}

// LoginFailure reads the failures under key; the zero value when there are
// none.
func (db *DB) LoginFailure(ctx context.Context, key string) (LoginFailure, error) {
	var f LoginFailure
	var first, last, until int64
	err := db.queryRow(ctx, `SELECT failures, first_at, last_at, locked_until FROM login_failures WHERE key = ?`, key).
		Scan(&f.Failures, &first, &last, &until)
	if err != nil {
		if err = mapErr(err); errors.Is(err, ErrNotFound) {
			return LoginFailure{}, nil
		}
		return f, fmt.Errorf("store: login failures: %w", err)
	}
	f.FirstAt, f.LastAt, f.LockedUntil = fromMS(first), fromMS(last), fromMS(until)
	return f, nil
}

// AddLoginFailure counts one more failure under key at now, in one
// statement so that two nodes counting at once both count. The count
// starts again when the previous run is over: its first failure (window
// true) or its last one (window false) is before since. lock, given the
// new count, says until when the key is locked (zero: not locked).
func (db *DB) AddLoginFailure(ctx context.Context, key string, now, since time.Time, window bool, lock func(failures int) time.Time) (LoginFailure, error) {
	col := "login_failures.last_at"
	if window {
		col = "login_failures.first_at"
	}
	var f LoginFailure
	err := db.WithTx(ctx, func(tx *Tx) error {
		var first int64
		err := tx.row(ctx, `INSERT INTO login_failures (key, failures, first_at, last_at) VALUES (?, 1, ?, ?)
			ON CONFLICT (key) DO UPDATE SET
				failures = CASE WHEN `+col+` < ? THEN 1 ELSE login_failures.failures + 1 END,
				first_at = CASE WHEN `+col+` < ? THEN excluded.first_at ELSE login_failures.first_at END,
				last_at = excluded.last_at
			RETURNING failures, first_at`, key, ms(now), ms(now), ms(since), ms(since)).Scan(&f.Failures, &first)
		if err != nil {
			return err
		}
		f.FirstAt, f.LastAt = fromMS(first), now
		if lock != nil {
			f.LockedUntil = lock(f.Failures)
		}
		_, err = tx.exec(ctx, `UPDATE login_failures SET locked_until = ? WHERE key = ?`, ms(f.LockedUntil), key)
		return err
	})
	if err != nil {
		return f, fmt.Errorf("store: count a login failure: %w", err)
	}
	return f, nil
}

// ClearLoginFailures forgets the failures under key (a successful login).
func (db *DB) ClearLoginFailures(ctx context.Context, key string) error {
	err := db.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `DELETE FROM login_failures WHERE key = ?`, key)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: clear login failures: %w", err)
	}
	return nil
}

// PurgeLoginFailures deletes the counts last added to before before whose
// lock, if any, is over at now; it returns how many went.
func (db *DB) PurgeLoginFailures(ctx context.Context, before, now time.Time) (int, error) {
	var n int64
	err := db.WithTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM login_failures WHERE last_at < ? AND locked_until < ?`, ms(before), ms(now))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: purge login failures: %w", err)
	}
	return int(n), nil
}
