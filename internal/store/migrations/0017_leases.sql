-- Leases: work that one node of several must do alone (own a live room, run
-- the hourly sweeps) is claimed by name for a while and renewed; a node that
-- dies stops renewing and another takes over when the lease expires.
CREATE TABLE leases (
	name       TEXT PRIMARY KEY,
	holder     TEXT NOT NULL,
	expires_at INTEGER NOT NULL
);
