CREATE TABLE units (
	id         INTEGER PRIMARY KEY,
	code       TEXT NOT NULL UNIQUE COLLATE NOCASE,
	name       TEXT NOT NULL,
	kind       TEXT NOT NULL CHECK (kind IN ('tinh','thanh_pho','xa','phuong','dac_khu','so_nganh','bo_nganh','don_vi')),
	parent_id  INTEGER REFERENCES units(id) ON DELETE RESTRICT,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX units_parent ON units(parent_id);

CREATE TABLE users (
	id                   INTEGER PRIMARY KEY,
	username             TEXT NOT NULL UNIQUE COLLATE NOCASE,
	full_name            TEXT NOT NULL,
	role                 TEXT NOT NULL CHECK (role IN ('admin','trainer','trainee')),
	unit_id              INTEGER NOT NULL REFERENCES units(id) ON DELETE RESTRICT,
	password_hash        TEXT NOT NULL,
	must_change_password INTEGER NOT NULL DEFAULT 0,
	disabled             INTEGER NOT NULL DEFAULT 0,
	failed_logins        INTEGER NOT NULL DEFAULT 0,
	locked_until         INTEGER NOT NULL DEFAULT 0,
	created_at           INTEGER NOT NULL,
	updated_at           INTEGER NOT NULL
);
CREATE INDEX users_unit ON users(unit_id);

CREATE TABLE sessions (
	token_hash   TEXT PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at   INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL,
	ip           TEXT NOT NULL DEFAULT '',
	user_agent   TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

-- One row per trainee and module. The last module read (where to resume) is
-- the row with the latest last_seen_at, so it needs no table of its own.
CREATE TABLE module_progress (
	user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	course_id     TEXT NOT NULL,
	module_id     TEXT NOT NULL,
	first_seen_at INTEGER NOT NULL,
	last_seen_at  INTEGER NOT NULL,
	completed_at  INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (user_id, course_id, module_id)
) WITHOUT ROWID;
CREATE INDEX module_progress_recent ON module_progress(user_id, last_seen_at);
