-- Certificate serials come from a counter row per year (see SQLite's 0016).
CREATE TABLE cert_serials (
	year INTEGER PRIMARY KEY,
	last BIGINT NOT NULL
);

INSERT INTO cert_serials (year, last) SELECT year, MAX(seq) FROM certificates GROUP BY year;
