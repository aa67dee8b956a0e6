-- Keys the nodes must share, made once by the first node that needs them:
-- the hall check-in codes are signed with one, so that a code shown by one
-- node's console is accepted by any node.
CREATE TABLE secrets (
	name  TEXT PRIMARY KEY,
	value BLOB NOT NULL
);
