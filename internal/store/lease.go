package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Lease is who holds a named lease, and until when.
type Lease struct {
	Name      string
	Holder    string
	ExpiresAt time.Time
}

// TakeLease claims the lease name for holder until now+ttl, or renews it
// when holder has it already. It fails (ok false) while another holder's
// lease runs; once that lease has expired, the first node to ask takes it.
// The claim is one statement, so two nodes asking at once cannot both win:
// on PostgreSQL the second waits on the row and then sees the first's claim.
func (db *DB) TakeLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (ok bool, cur Lease, err error) {
	err = db.WithTx(ctx, func(tx *Tx) error {
		var got string
		e := tx.row(ctx, `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
			WHERE leases.holder = excluded.holder OR leases.expires_at < ?
			RETURNING holder`, name, holder, ms(now.Add(ttl)), ms(now)).Scan(&got)
		switch {
		case e == nil:
			ok = true
		case errors.Is(e, sql.ErrNoRows):
		default:
			return e
		}
		var exp int64
		if e := tx.row(ctx, `SELECT holder, expires_at FROM leases WHERE name = ?`, name).Scan(&cur.Holder, &exp); e != nil {
			return e
		}
		cur.Name, cur.ExpiresAt = name, fromMS(exp)
		return nil
	})
	if err != nil {
		return false, Lease{}, fmt.Errorf("store: take lease %s: %w", name, err)
	}
	return ok, cur, nil
}

// DropLease gives up holder's lease name at once (a node stopping cleanly),
// so that another node need not wait for it to expire.
func (db *DB) DropLease(ctx context.Context, name, holder string) error {
	err := db.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `DELETE FROM leases WHERE name = ? AND holder = ?`, name, holder)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: drop lease %s: %w", name, err)
	}
	return nil
}

// LeaseOf reads who holds the lease name; ErrNotFound when no one ever did
// or it was dropped. An expired lease is returned as it is: the caller
// compares ExpiresAt with its clock.
func (db *DB) LeaseOf(ctx context.Context, name string) (Lease, error) {
	l := Lease{Name: name}
	var exp int64
	err := db.readRow(ctx, `SELECT holder, expires_at FROM leases WHERE name = ?`, name).Scan(&l.Holder, &exp)
	if err != nil {
		return Lease{}, fmt.Errorf("store: lease %s: %w", name, mapErr(err))
	}
	l.ExpiresAt = fromMS(exp)
	return l, nil
}
