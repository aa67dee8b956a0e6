-- Certificate serials come from a counter row per year instead of
-- MAX(seq) + 1: with several nodes on one PostgreSQL, two issuers reading
-- the same maximum would take the same number. Bumping the row takes its
-- lock, so the second waits for the first to commit.
CREATE TABLE cert_serials (
	year INTEGER PRIMARY KEY,
	last INTEGER NOT NULL
);

INSERT INTO cert_serials (year, last) SELECT year, MAX(seq) FROM certificates GROUP BY year;
