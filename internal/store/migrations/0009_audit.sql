-- Who did what to accounts, units, rosters, enrolments and certificates,
-- when, with the values before and after. Rows are only ever added: the
-- database itself refuses to change or remove one.
CREATE TABLE audit_log (
	id       INTEGER PRIMARY KEY,
	at       INTEGER NOT NULL,
	actor_id INTEGER NOT NULL DEFAULT 0, -- 0: the system or the command line
	action   TEXT NOT NULL,
	target   TEXT NOT NULL,
	before   TEXT NOT NULL DEFAULT '',
	after    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_actor ON audit_log(actor_id, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;
