-- Failed logins by address, and by name from an address, kept in the
-- database when several nodes share it (PostgreSQL): a throttle kept in each
-- node's memory would let an attacker multiply the allowance by the number
-- of nodes behind the proxy. One node on SQLite keeps them in memory.
CREATE TABLE login_failures (
	key          TEXT PRIMARY KEY,
	failures     INTEGER NOT NULL,
	first_at     INTEGER NOT NULL,
	last_at      INTEGER NOT NULL,
	locked_until INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX login_failures_last ON login_failures(last_at);
