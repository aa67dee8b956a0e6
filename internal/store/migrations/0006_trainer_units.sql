-- The units a trainer is in charge of: the trainer sees and acts on these
-- and every unit below them. A trainer with no row here is in charge of the
-- unit they belong to.
CREATE TABLE trainer_units (
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	unit_id INTEGER NOT NULL REFERENCES units(id),
	PRIMARY KEY (user_id, unit_id)
) WITHOUT ROWID;
CREATE INDEX trainer_units_unit ON trainer_units(unit_id);
