-- Certificates keep what was printed on them (name, unit, course, hours) as
-- issued, so a later rename does not change a certificate already handed out.
CREATE TABLE certificates (
	id             INTEGER PRIMARY KEY,
	serial         TEXT NOT NULL UNIQUE,
	year           INTEGER NOT NULL,
	seq            INTEGER NOT NULL,
	code           TEXT NOT NULL UNIQUE,
	user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
	course_id      TEXT NOT NULL,
	holder_name    TEXT NOT NULL,
	unit_name      TEXT NOT NULL,
	course_title   TEXT NOT NULL,
	hours          REAL NOT NULL,
	exam_percent   REAL NOT NULL DEFAULT 0,
	issued_at      INTEGER NOT NULL,
	status         TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid','revoked')),
	revoked_at     INTEGER NOT NULL DEFAULT 0,
	revoked_reason TEXT NOT NULL DEFAULT '',
	replaced_by    INTEGER REFERENCES certificates(id),
	UNIQUE (year, seq)
);
CREATE UNIQUE INDEX certificates_one_valid ON certificates(user_id, course_id) WHERE status = 'valid';
CREATE INDEX certificates_course ON certificates(course_id, status);

-- Every issue, revocation and re-issue, with who did it (0: the system) and when.
CREATE TABLE certificate_events (
	id             INTEGER PRIMARY KEY,
	certificate_id INTEGER NOT NULL REFERENCES certificates(id),
	action         TEXT NOT NULL CHECK (action IN ('issue','revoke','reissue')),
	actor_id       INTEGER NOT NULL DEFAULT 0,
	at             INTEGER NOT NULL,
	reason         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX certificate_events_cert ON certificate_events(certificate_id);
