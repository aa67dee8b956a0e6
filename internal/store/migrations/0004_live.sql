-- Live training sessions.
CREATE TABLE live_sessions (
	id             INTEGER PRIMARY KEY,
	code           TEXT NOT NULL UNIQUE,          -- short join code
	title          TEXT NOT NULL,
	course_id      TEXT NOT NULL DEFAULT '',
	modules        TEXT NOT NULL DEFAULT '[]',    -- module ids whose sections are the slides
	starts_at      INTEGER NOT NULL,
	ends_at        INTEGER NOT NULL,
	late_after_min INTEGER NOT NULL DEFAULT 10,
	present_pct    REAL NOT NULL DEFAULT 80,
	required       INTEGER NOT NULL DEFAULT 0,    -- counts toward certification
	open_to_all    INTEGER NOT NULL DEFAULT 0,
	stream_url     TEXT NOT NULL DEFAULT '',
	trainer_id     INTEGER NOT NULL REFERENCES users(id),
	state          TEXT NOT NULL DEFAULT '{}',    -- the room's last state, to recover after a restart
	created_at     INTEGER NOT NULL
);
CREATE INDEX live_sessions_starts ON live_sessions(starts_at);

-- Who is expected: whole units (with the units below them) and single trainees.
CREATE TABLE live_expected (
	session_id INTEGER NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
	unit_id    INTEGER REFERENCES units(id),
	user_id    INTEGER REFERENCES users(id),
	CHECK ((unit_id IS NULL) <> (user_id IS NULL))
);
CREATE INDEX live_expected_session ON live_expected(session_id);

-- Presence intervals: online (first connection to last disconnection) or a
-- check-in in the hall. seen_at moves while an interval is open, so one left
-- open by a crash is closed where it was last seen.
CREATE TABLE live_presence (
	id         INTEGER PRIMARY KEY,
	session_id INTEGER NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
	user_id    INTEGER NOT NULL REFERENCES users(id),
	kind       TEXT NOT NULL CHECK (kind IN ('online','hall')),
	joined_at  INTEGER NOT NULL,
	left_at    INTEGER NOT NULL DEFAULT 0,
	seen_at    INTEGER NOT NULL
);
CREATE INDEX live_presence_session ON live_presence(session_id, user_id);
CREATE INDEX live_presence_open ON live_presence(session_id) WHERE left_at = 0;

CREATE TABLE live_polls (
	id         INTEGER PRIMARY KEY,
	session_id INTEGER NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
	question   TEXT NOT NULL,                     -- JSON: text, kind, options
	opened_at  INTEGER NOT NULL,
	closed_at  INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE live_poll_answers (
	poll_id INTEGER NOT NULL REFERENCES live_polls(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id),
	answer  TEXT NOT NULL,
	at      INTEGER NOT NULL,
	PRIMARY KEY (poll_id, user_id)
) WITHOUT ROWID;

CREATE TABLE live_rollcalls (
	id         INTEGER PRIMARY KEY,
	session_id INTEGER NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
	opened_at  INTEGER NOT NULL,
	closes_at  INTEGER NOT NULL
);
CREATE TABLE live_rollcall_marks (
	rollcall_id INTEGER NOT NULL REFERENCES live_rollcalls(id) ON DELETE CASCADE,
	user_id     INTEGER NOT NULL REFERENCES users(id),
	at          INTEGER NOT NULL,
	PRIMARY KEY (rollcall_id, user_id)
) WITHOUT ROWID;
