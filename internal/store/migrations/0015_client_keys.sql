-- Writes a phone queued while it had no connection carry a key it made up,
-- so that sending the queue again (the reply was lost, the page was reopened)
-- applies each of them once. A key is only compared with the same user's.
CREATE TABLE client_keys (
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	key     TEXT NOT NULL,
	at      INTEGER NOT NULL,
	PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
CREATE INDEX client_keys_at ON client_keys(at);
