-- Keys the nodes share (see SQLite's 0019).
CREATE TABLE secrets (
	name  TEXT PRIMARY KEY,
	value BYTEA NOT NULL
);
