package store

import (
	"context"
	"crypto/rand"
	"fmt"
)

// Secret returns the random key called name, made (size bytes) by the
// first caller: every node that asks gets the same one. Two nodes making
// it at once both read the one that was stored first.
func (db *DB) Secret(ctx context.Context, name string, size int) ([]byte, error) {
	fresh := make([]byte, size)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("store: make secret %s: %w", name, err)
	}
	var key []byte
	err := db.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, fresh); err != nil {
			return err
		}
		return tx.row(ctx, `SELECT value FROM secrets WHERE name = ?`, name).Scan(&key)
	})
	if err != nil {
		return nil, fmt.Errorf("store: secret %s: %w", name, err)
	}
	return key, nil
}
