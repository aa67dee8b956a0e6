package store

import (
	"context"
	"fmt"
)

// Presence of rooms shared by several nodes. Only the node that owns a
// room (holds its lease) writes its online presence; a node that dies
// leaves its rows open. They are closed where each was last seen by the
// node that takes the room over, or by a node sweeping rooms no one took.

// CloseStalePresence ends the open online intervals of one session where
// each was last seen, and returns how many. The caller owns the session's
// room and has not opened any presence yet, so every open row is a former
// owner's.
func (tx *Tx) CloseStalePresence(ctx context.Context, sessionID int64) (int64, error) {
	res, err := tx.exec(ctx, `UPDATE live_presence SET left_at = seen_at WHERE session_id = ? AND kind = 'online' AND left_at = 0`, sessionID)
	if err != nil {
		return 0, fmt.Errorf("store: close stale presence of session %d: %w", sessionID, err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// OpenPresenceSessions lists the sessions that have open online
// intervals: rooms running somewhere, or left open by a node that died.
func (db *DB) OpenPresenceSessions(ctx context.Context) ([]int64, error) {
	ids, err := db.queryIDs(ctx, `SELECT DISTINCT session_id FROM live_presence WHERE kind = 'online' AND left_at = 0 ORDER BY session_id`)
	if err != nil {
		return nil, fmt.Errorf("store: sessions with open presence: %w", err)
	}
	return ids, nil
}
