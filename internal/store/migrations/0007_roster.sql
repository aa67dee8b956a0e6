-- Contact details of an account, loaded with the rosters.
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';

-- A roster file uploaded for import: kept as uploaded, so the preview and
-- the import read the same bytes, and as a record of who loaded what. The
-- generated first passwords stay only until the login slips are printed
-- (at most a day), then are wiped.
CREATE TABLE roster_imports (
	id          INTEGER PRIMARY KEY,
	actor_id    INTEGER NOT NULL REFERENCES users(id),
	kind        TEXT NOT NULL CHECK (kind IN ('users', 'units')),
	filename    TEXT NOT NULL,
	content     BLOB NOT NULL,
	uploaded_at INTEGER NOT NULL,
	imported_at INTEGER NOT NULL DEFAULT 0,
	created     INTEGER NOT NULL DEFAULT 0,
	skipped     INTEGER NOT NULL DEFAULT 0,
	slips       TEXT NOT NULL DEFAULT '',
	slips_until INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX roster_imports_actor ON roster_imports(actor_id, id);
