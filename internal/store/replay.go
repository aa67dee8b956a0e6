package store

import (
	"context"
	"fmt"
	"time"
)

// AddReplayWatch adds seconds of a session's recording played by a user,
// never past limit (the session's length): watching twice does not count
// twice.
func (tx *Tx) AddReplayWatch(ctx context.Context, sessionID, userID int64, seconds, limit float64, now time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO live_replay_watch (session_id, user_id, seconds, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (session_id, user_id) DO UPDATE SET
			seconds = CASE WHEN live_replay_watch.seconds + excluded.seconds > ? THEN ? ELSE live_replay_watch.seconds + excluded.seconds END,
			updated_at = excluded.updated_at`,
		sessionID, userID, min(seconds, limit), ms(now), limit, limit)
	if err != nil {
		return fmt.Errorf("store: replay watch of session %d: %w", sessionID, mapErr(err))
	}
	return nil
}

// ReplayWatch returns the seconds of a session's recording each user played.
func (db *DB) ReplayWatch(ctx context.Context, sessionID int64) (map[int64]float64, error) {
	rows, err := db.readRows(ctx, `SELECT user_id, seconds FROM live_replay_watch WHERE session_id = ?`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("store: replay watch: %w", err)
	}
	defer rows.Close()
	out := map[int64]float64{}
	for rows.Next() {
		var uid int64
		var s float64
		if err := rows.Scan(&uid, &s); err != nil {
			return nil, fmt.Errorf("store: scan replay watch: %w", err)
		}
		out[uid] = s
	}
	return out, rows.Err()
}
