package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// IsPostgres reports whether dsn names a PostgreSQL database rather than a
// SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// openPostgres opens a PostgreSQL database through pgx. The shape is the
// one SQLite has: one write connection per node, which the batching writer
// feeds, so that a storm costs one commit per batch on PostgreSQL too, and
// a pool of read connections that cannot write. Several nodes share the
// database; what must not race between them (certificate serials, leases)
// is settled in single statements or under row locks, not in Go.
func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: database URL: %w", err)
	}
	write, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open write pool: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("store: connect to PostgreSQL at %s: %w", redact(u), err)
	}

	// The read pool's sessions are read-only, as SQLite's are (query_only):
	// a write sent there by mistake fails instead of bypassing the batcher.
	q := u.Query()
	q.Set("default_transaction_read_only", "on")
	ru := *u
	ru.RawQuery = q.Encode()
	read, err := sql.Open("pgx", ru.String())
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("store: open read pool: %w", err)
	}
	read.SetMaxOpenConns(16)
	read.SetMaxIdleConns(16)
	read.SetConnMaxLifetime(0)
	return start(ctx, &DB{d: dialect{pg: true}, write: write, read: read, hot: map[string]*sql.Stmt{}})
}

// redact hides the password of a database URL for messages and logs.
func redact(u *url.URL) string {
	c := *u
	if _, ok := c.User.Password(); ok {
		c.User = url.UserPassword(c.User.Username(), "xxxxx")
	}
	return c.String()
}

// Engine names the database engine, for logs and the health page.
func (db *DB) Engine() string {
	if db.d.pg {
		return "postgres"
	}
	return "sqlite"
}

// mapPgErr turns PostgreSQL's constraint errors into the store's sentinels;
// any other error is returned as it is.
func mapPgErr(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case "23505": // unique_violation
		return fmt.Errorf("%w: %v", ErrDuplicate, err)
	case "23503", "23514", "23502": // foreign_key, check, not_null
		return fmt.Errorf("%w: %v", ErrConstraint, err)
	}
	return err
}

// CreateDatabase creates an empty database named name on the PostgreSQL
// server of admin (a postgres:// URL to a database the user may create
// databases from) and returns its URL and a function that drops it. Tests
// use it for a fresh database each; it is also how `tdkt` could be pointed
// at a new database by an operator's script.
func CreateDatabase(ctx context.Context, admin, name string) (dsn string, drop func() error, err error) {
	u, err := url.Parse(admin)
	if err != nil {
		return "", nil, fmt.Errorf("store: admin database URL: %w", err)
	}
	if !IsPostgres(admin) {
		return "", nil, fmt.Errorf("store: admin database URL %s is not postgres://", redact(u))
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return "", nil, fmt.Errorf("store: database name %q: only a-z, 0-9 and _", name)
		}
	}
	root, err := sql.Open("pgx", admin)
	if err != nil {
		return "", nil, fmt.Errorf("store: open admin database: %w", err)
	}
	if _, err := root.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		root.Close()
		return "", nil, fmt.Errorf("store: create database %s: %w", name, err)
	}
	u.Path = "/" + name
	drop = func() error {
		defer root.Close()
		_, err := root.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		return err
	}
	return u.String(), drop, nil
}
