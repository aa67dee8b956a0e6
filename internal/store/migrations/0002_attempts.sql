-- Practice and exam attempts. The paper (question ids in order) and the
-- shuffle seed are stored, so an attempt looks the same on every device.
CREATE TABLE attempts (
	id             INTEGER PRIMARY KEY,
	user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	course_id      TEXT NOT NULL,
	kind           TEXT NOT NULL CHECK (kind IN ('exam','practice')),
	module_id      TEXT NOT NULL DEFAULT '',
	seed           INTEGER NOT NULL,
	questions      TEXT NOT NULL,
	started_at     INTEGER NOT NULL,
	deadline_at    INTEGER NOT NULL DEFAULT 0,
	submitted_at   INTEGER NOT NULL DEFAULT 0,
	auto_submitted INTEGER NOT NULL DEFAULT 0,
	score          REAL NOT NULL DEFAULT 0,
	max_score      REAL NOT NULL DEFAULT 0,
	passed         INTEGER NOT NULL DEFAULT 0,
	state          TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','submitted'))
);
CREATE INDEX attempts_user ON attempts(user_id, course_id, kind);
-- One open exam attempt per trainee and course: a second start resumes it.
CREATE UNIQUE INDEX attempts_one_open_exam ON attempts(user_id, course_id) WHERE state = 'open' AND kind = 'exam';
CREATE UNIQUE INDEX attempts_one_open_practice ON attempts(user_id, course_id, module_id) WHERE state = 'open' AND kind = 'practice';
CREATE INDEX attempts_deadline ON attempts(deadline_at) WHERE state = 'open' AND deadline_at > 0;

CREATE TABLE attempt_answers (
	attempt_id  INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
	question_id TEXT NOT NULL,
	answer      TEXT NOT NULL,
	saved_at    INTEGER NOT NULL,
	score       REAL,
	PRIMARY KEY (attempt_id, question_id)
) WITHOUT ROWID;
CREATE INDEX attempt_answers_question ON attempt_answers(question_id);
