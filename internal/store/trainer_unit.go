package store

import (
	"context"
	"fmt"
)

// SetTrainerUnits replaces the units trainer userID is in charge of.
func (tx *Tx) SetTrainerUnits(ctx context.Context, userID int64, unitIDs []int64) error {
	if _, err := tx.exec(ctx, `DELETE FROM trainer_units WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("store: clear trainer units of %d: %w", userID, err)
	}
	for _, id := range unitIDs {
		_, err := tx.exec(ctx, `INSERT INTO trainer_units (user_id, unit_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, userID, id)
		if err != nil {
			return fmt.Errorf("store: trainer %d in charge of unit %d: %w", userID, id, mapErr(err))
		}
	}
	return nil
}

// TrainerUnits returns the ids of the units trainer userID is in charge of
// (none when only their own unit).
func (db *DB) TrainerUnits(ctx context.Context, userID int64) ([]int64, error) {
	ids, err := db.queryIDs(ctx, `SELECT unit_id FROM trainer_units WHERE user_id = ? ORDER BY unit_id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: trainer units of %d: %w", userID, err)
	}
	return ids, nil
}
