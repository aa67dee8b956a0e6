-- Named groups of officers (a class, the members of a council), made by a
-- trainer from the officers in their charge, to enrol together.
CREATE TABLE officer_groups (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	owner_id   INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL
);
CREATE TABLE group_members (
	group_id INTEGER NOT NULL REFERENCES officer_groups(id) ON DELETE CASCADE,
	user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX group_members_user ON group_members(user_id);

-- Enrolments gain a third kind of target, a group: exactly one of the three.
CREATE TABLE enrolments_new (
	id         INTEGER PRIMARY KEY,
	course_id  TEXT NOT NULL,
	unit_id    INTEGER REFERENCES units(id),
	user_id    INTEGER REFERENCES users(id) ON DELETE CASCADE,
	group_id   INTEGER REFERENCES officer_groups(id) ON DELETE CASCADE,
	due_at     INTEGER NOT NULL DEFAULT 0,
	created_by INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL,
	CHECK ((unit_id IS NOT NULL) + (user_id IS NOT NULL) + (group_id IS NOT NULL) = 1)
);
INSERT INTO enrolments_new (id, course_id, unit_id, user_id, due_at, created_by, created_at)
	SELECT id, course_id, unit_id, user_id, due_at, created_by, created_at FROM enrolments;
DROP TABLE enrolments;
ALTER TABLE enrolments_new RENAME TO enrolments;
CREATE INDEX enrolments_course ON enrolments(course_id);
CREATE INDEX enrolments_user ON enrolments(user_id) WHERE user_id IS NOT NULL;
CREATE INDEX enrolments_unit ON enrolments(unit_id) WHERE unit_id IS NOT NULL;
CREATE INDEX enrolments_group ON enrolments(group_id) WHERE group_id IS NOT NULL;
