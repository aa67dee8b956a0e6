// Package store owns all SQL: it opens SQLite, runs the embedded migrations and
// offers ctx-first methods, one file per table or aggregate.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"sync"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// ErrNotFound is returned when a row asked for does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrDuplicate is returned when a unique key (username, unit code) is taken.
var ErrDuplicate = errors.New("store: duplicate key")

// ErrConstraint is returned when a foreign key or check constraint refuses a write.
var ErrConstraint = errors.New("store: constraint failed")

// DB is the database: one write connection, so writers queue in Go instead of
// fighting over SQLite's lock, and a pool of read connections that WAL lets run
// beside the writer.
type DB struct {
	d     dialect
	write *sql.DB
	read  *sql.DB
	hot   map[string]*sql.Stmt // statements of the write path, prepared once
	reads sync.Map             // SQL text → *sql.Stmt on the read pool: the hot reads, prepared once
}

// Tx is a write transaction; obtain one with WithTx.
type Tx struct {
	tx *sql.Tx
	db *DB
}

// hotSQL are the writes a storm repeats thousands of times a second. The
// write pool has a single connection, so each is parsed once for the life of
// the process instead of on every call.
var hotSQL = map[string]string{
	"savepoint": `SAVEPOINT op`,
	"release":   `RELEASE op`,
	"rollback":  `ROLLBACK TO op`,
	"saveAnswer": `INSERT INTO attempt_answers (attempt_id, question_id, answer, saved_at, score)
		SELECT CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS DOUBLE PRECISION) WHERE EXISTS (SELECT 1 FROM attempts WHERE id = ? AND state = 'open' AND (deadline_at = 0 OR deadline_at >= ?))
		ON CONFLICT (attempt_id, question_id) DO UPDATE SET answer = excluded.answer, saved_at = excluded.saved_at, score = excluded.score`,
}

// stmt returns the transaction's handle on a prepared hot statement.
func (tx *Tx) stmt(ctx context.Context, name string) *sql.Stmt {
	return tx.tx.StmtContext(ctx, tx.db.hot[name])
}

// Open opens the database named by dsn and migrates it: a postgres:// (or
// postgresql://) URL is a PostgreSQL database, anything else the path of a
// SQLite file, created if needed.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if IsPostgres(dsn) {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

// openSQLite opens (creating if needed) the SQLite file at path.
func openSQLite(ctx context.Context, path string) (*DB, error) {
	common := url.Values{}
	common.Set("_journal_mode", "WAL")
	common.Set("_busy_timeout", "10000")
	common.Set("_foreign_keys", "on")
	// FULL: a commit is on the disk before it is acknowledged, so a power cut
	// loses nothing an officer was told was saved. NORMAL in WAL mode can drop
	// the last commits. Measured side by side on a 2-core machine: exam answers
	// p50 6 → 15–20 ms, p99 19–21 → 43–58 ms (2,000 trainees); 5,000 poll
	// answers all acknowledged in 190–210 → 200–300 ms. Group commit keeps
	// that cost per batch, not per write.
	common.Set("_synchronous", "FULL")
	common.Set("_cache_size", "-16000")

	w := url.Values{}
	for k, v := range common {
		w[k] = v
	}
	// IMMEDIATE takes the write lock at BEGIN, so a transaction never fails
	// half-way with SQLITE_BUSY when it upgrades from reader to writer.
	w.Set("_txlock", "immediate")
	write, err := sql.Open("sqlite3", "file:"+path+"?"+w.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open write pool: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)

	r := url.Values{}
	for k, v := range common {
		r[k] = v
	}
	r.Set("_query_only", "1")
	read, err := sql.Open("sqlite3", "file:"+path+"?"+r.Encode())
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("store: open read pool: %w", err)
	}
	n := max(4, runtime.NumCPU()*2)
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	read.SetConnMaxLifetime(0)

	// Fold the WAL back into the database every 10,000 pages (about 40 MB)
	// instead of SQLite's 1,000: a storm rewrites the same answer pages over
	// and over, and a rarer checkpoint copies each of them once, not once per
	// thousand pages. Measured with 3,000 trainees answering back to back on
	// 0.66 of a core: the storm took 13.6 s instead of 14.4–14.8 s.
	if _, err := write.ExecContext(ctx, "PRAGMA wal_autocheckpoint=10000"); err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("store: set the checkpoint interval: %w", err)
	}
	return start(ctx, &DB{write: write, read: read, hot: map[string]*sql.Stmt{}})
}

// start migrates a freshly opened database and prepares the hot statements.
func start(ctx context.Context, db *DB) (*DB, error) {
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	for name, q := range hotSQL {
		st, err := db.write.PrepareContext(ctx, db.d.bind(q))
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("store: prepare %s: %w", name, err)
		}
		db.hot[name] = st
	}
	return db, nil
}

// readStmt returns the read pool's prepared statement for q, preparing it
// on first use. Parsing a query costs as much as running it on the reads
// a storm repeats (the session behind every request, an attempt, its
// answers), so those are parsed once per read connection for the life of
// the process. Only for constant SQL: the text is the key.
func (db *DB) readStmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := db.reads.Load(q); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := db.read.PrepareContext(ctx, db.d.bind(q))
	if err != nil {
		return nil, err
	}
	if prev, loaded := db.reads.LoadOrStore(q, st); loaded {
		st.Close() // prepared twice at once: keep the first
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// queryRow is QueryRowContext on the read pool through a prepared statement.
func (db *DB) queryRow(ctx context.Context, q string, args ...any) rowScanner {
	st, err := db.readStmt(ctx, q)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRowContext(ctx, db.d.args(args)...)
}

// query is QueryContext on the read pool through a prepared statement.
func (db *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := db.readStmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, db.d.args(args)...)
}

// rowScanner is what *sql.Row offers, so a failed prepare can be reported
// where the row is scanned.
type rowScanner interface{ Scan(dest ...any) error }

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// Close closes both pools; call it after every writer has finished.
func (db *DB) Close() error {
	for _, st := range db.hot {
		st.Close()
	}
	db.reads.Range(func(_, st any) bool {
		st.(*sql.Stmt).Close()
		return true
	})
	if !db.d.pg {
		// A passive checkpoint folds the WAL back so a copied .db file is complete.
		_, _ = db.write.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	}
	return errors.Join(db.read.Close(), db.write.Close())
}

// Ping checks that both pools answer.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	if err := db.readRow(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("store: ping read pool: %w", err)
	}
	return nil
}

// WithTx runs fn in one immediate write transaction, committing when fn
// returns nil and rolling back otherwise.
func (db *DB) WithTx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	if err := fn(&Tx{tx: sqlTx, db: db}); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// mapErr turns constraint failures (SQLite's or PostgreSQL's) into the
// store's sentinels so callers can tell a user which field was wrong without
// parsing driver messages.
func mapErr(err error) error {
	if e := mapPgErr(err); e != err {
		return e
	}
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrConstraint {
		switch se.ExtendedCode {
		case sqlite3.ErrConstraintUnique, sqlite3.ErrConstraintPrimaryKey:
			return fmt.Errorf("%w: %v", ErrDuplicate, err)
		default:
			return fmt.Errorf("%w: %v", ErrConstraint, err)
		}
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v)
}

// queryIDs runs a query of one integer column on the read pool.
func (db *DB) queryIDs(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := db.readRows(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// IntegrityCheck runs SQLite's integrity check; "ok" means the file is
// whole. PostgreSQL keeps its own files whole (checksums, WAL), so there the
// check is that the database answers.
func (db *DB) IntegrityCheck(ctx context.Context) (string, error) {
	if db.d.pg {
		if err := db.Ping(ctx); err != nil {
			return "", err
		}
		return "ok", nil
	}
	var res string
	if err := db.readRow(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return "", fmt.Errorf("store: integrity check: %w", err)
	}
	return res, nil
}
