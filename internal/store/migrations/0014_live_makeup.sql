-- Make-up attendance: a session may let watching its published recording
-- count as attending (off by default), and the replay page reports the
-- seconds each person actually played while the page was visible.
ALTER TABLE live_sessions ADD COLUMN makeup INTEGER NOT NULL DEFAULT 0;
CREATE TABLE live_replay_watch (
	session_id INTEGER NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	seconds    REAL NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (session_id, user_id)
) WITHOUT ROWID;
