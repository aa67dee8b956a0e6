package store

import (
	"context"
	"fmt"
	"time"
)

// ClaimClientKey records that the write a phone labelled key is being
// applied, in the same transaction as the write itself. It reports false when
// the key was already claimed: the write was applied before and must not be
// applied again.
func (tx *Tx) ClaimClientKey(ctx context.Context, userID int64, key string, now time.Time) (bool, error) {
	res, err := tx.exec(ctx, `INSERT INTO client_keys (user_id, key, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, userID, key, ms(now))
	if err != nil {
		return false, fmt.Errorf("store: claim client key: %w", mapErr(err))
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ForgetClientKeys removes keys claimed before cutoff: a phone does not keep
// a queued write that long, so no repeat can come after it.
func (tx *Tx) ForgetClientKeys(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := tx.exec(ctx, `DELETE FROM client_keys WHERE at < ?`, ms(cutoff))
	if err != nil {
		return 0, fmt.Errorf("store: forget client keys: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
