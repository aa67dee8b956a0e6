-- Courses assigned to units (with every unit below them) or to named
-- officers, with a due date (0: none).
CREATE TABLE enrolments (
	id         INTEGER PRIMARY KEY,
	course_id  TEXT NOT NULL,
	unit_id    INTEGER REFERENCES units(id),
	user_id    INTEGER REFERENCES users(id) ON DELETE CASCADE,
	due_at     INTEGER NOT NULL DEFAULT 0,
	created_by INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL,
	CHECK ((unit_id IS NULL) != (user_id IS NULL))
);
CREATE INDEX enrolments_course ON enrolments(course_id);
CREATE INDEX enrolments_user ON enrolments(user_id) WHERE user_id IS NOT NULL;
CREATE INDEX enrolments_unit ON enrolments(unit_id) WHERE unit_id IS NOT NULL;

-- Each officer's progress in a course in one row, kept by triggers on
-- module_progress, so a province's roll-up reads 50,000 rows, not millions.
-- last_at is the last reading or completion: the latest activity.
CREATE TABLE course_progress (
	course_id    TEXT NOT NULL,
	user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	started_at   INTEGER NOT NULL,
	last_at      INTEGER NOT NULL,
	modules_done INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (course_id, user_id)
) WITHOUT ROWID;
INSERT INTO course_progress (course_id, user_id, started_at, last_at, modules_done)
	SELECT course_id, user_id, MIN(first_seen_at), MAX(MAX(last_seen_at), MAX(completed_at)), SUM(completed_at > 0) FROM module_progress GROUP BY course_id, user_id;
CREATE TRIGGER course_progress_insert AFTER INSERT ON module_progress BEGIN
	INSERT INTO course_progress (course_id, user_id, started_at, last_at, modules_done)
		VALUES (NEW.course_id, NEW.user_id, NEW.first_seen_at, MAX(NEW.last_seen_at, NEW.completed_at), NEW.completed_at > 0)
		ON CONFLICT (course_id, user_id) DO UPDATE SET
			started_at = MIN(started_at, excluded.started_at),
			last_at = MAX(last_at, excluded.last_at),
			modules_done = (SELECT COUNT(*) FROM module_progress WHERE user_id = NEW.user_id AND course_id = NEW.course_id AND completed_at > 0);
END;
CREATE TRIGGER course_progress_update AFTER UPDATE ON module_progress BEGIN
	UPDATE course_progress SET
		last_at = MAX(last_at, NEW.last_seen_at, NEW.completed_at),
		modules_done = (SELECT COUNT(*) FROM module_progress WHERE user_id = NEW.user_id AND course_id = NEW.course_id AND completed_at > 0)
		WHERE course_id = NEW.course_id AND user_id = NEW.user_id;
END;

-- The roll-ups find a course's exam passes and certificates by course.
CREATE INDEX attempts_course_passed ON attempts(course_id, user_id) WHERE kind = 'exam' AND passed = 1;
-- (certificates_course from 0003 serves the certificates.)
