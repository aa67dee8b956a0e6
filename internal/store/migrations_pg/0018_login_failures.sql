-- Failed logins shared by the nodes (see SQLite's 0018).
CREATE TABLE login_failures (
	key          TEXT PRIMARY KEY,
	failures     BIGINT NOT NULL,
	first_at     BIGINT NOT NULL,
	last_at      BIGINT NOT NULL,
	locked_until BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX login_failures_last ON login_failures(last_at);
