-- Reports written on practice dossier cases, as handed in, with what the
-- checks found and the trainer's comment.
CREATE TABLE dossier_submissions (
	id           INTEGER PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	course_id    TEXT NOT NULL,
	case_id      TEXT NOT NULL,
	answer       TEXT NOT NULL,
	passed       INTEGER NOT NULL,
	score        INTEGER NOT NULL,
	total        INTEGER NOT NULL,
	submitted_at INTEGER NOT NULL,
	comment      TEXT NOT NULL DEFAULT '',
	commented_by INTEGER NOT NULL DEFAULT 0,
	commented_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX dossier_submissions_user ON dossier_submissions(user_id, course_id, case_id);
CREATE INDEX dossier_submissions_at ON dossier_submissions(submitted_at);
