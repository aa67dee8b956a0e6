package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql migrations_pg/*.sql
var migrationFS embed.FS

// migration files are named NNNN_description.sql; the number is the schema
// version. Files are only ever added, never edited, so a database migrated by
// an old binary is upgraded by a new one step by step. SQLite's live in
// migrations/, PostgreSQL's in migrations_pg/: PostgreSQL starts at the
// schema of version 15 in one file, and from there each new migration is
// written once per engine under the same number.
type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) { return loadMigrationsFrom("migrations") }

func loadMigrationsFrom(dir string) ([]migration, error) {
	names, err := fs.Glob(migrationFS, dir+"/*.sql")
	if err != nil {
		return nil, fmt.Errorf("store: list migrations: %w", err)
	}
	var out []migration
	for _, n := range names {
		base := strings.TrimPrefix(n, dir+"/")
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("store: migration %s: name must start with a version number", base)
		}
		body, err := migrationFS.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("store: read migration %s: %w", base, err)
		}
		out = append(out, migration{version: v, name: base, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	if len(out) == 0 {
		return nil, fmt.Errorf("store: no migrations in %s", dir)
	}
	first := out[0].version
	if dir == "migrations" && first != 1 {
		return nil, fmt.Errorf("store: migration %s: expected version 1", out[0].name)
	}
	for i, m := range out {
		if m.version != first+i {
			return nil, fmt.Errorf("store: migration %s: expected version %d", m.name, first+i)
		}
	}
	return out, nil
}

// migrationLock is the PostgreSQL advisory lock a node holds while it
// migrates, so that two nodes started together do not both apply a step.
const migrationLock = 0x74646b74 // "tdkt"

func (db *DB) migrate(ctx context.Context) error {
	dir := "migrations"
	if db.d.pg {
		dir = "migrations_pg"
	}
	migs, err := loadMigrationsFrom(dir)
	if err != nil {
		return err
	}
	latest := migs[len(migs)-1].version
	// One step per transaction, the version read again inside it (under the
	// lock on PostgreSQL): a node that waited for another finds the work done.
	for {
		applied := false
		err := db.WithTx(ctx, func(tx *Tx) error {
			if db.d.pg {
				if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(migrationLock)); err != nil {
					return fmt.Errorf("store: lock for migration: %w", err)
				}
			}
			// Inside the lock: PostgreSQL's IF NOT EXISTS is not safe against
			// a second node creating the table at the same moment.
			if _, err := tx.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
				version INTEGER PRIMARY KEY,
				name TEXT NOT NULL,
				applied_at BIGINT NOT NULL)`); err != nil {
				return fmt.Errorf("store: create schema_migrations: %w", err)
			}
			var current int
			if err := tx.row(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
				return fmt.Errorf("store: read schema version: %w", err)
			}
			if current > latest {
				return fmt.Errorf("store: database schema version %d is newer than this binary (%d); upgrade tdkt", current, latest)
			}
			if current == latest {
				return nil
			}
			m := migs[0]
			if current >= m.version {
				m = migs[current-m.version+1]
			} else if current != 0 {
				return fmt.Errorf("store: database schema version %d is older than this binary can upgrade (from %d)", current, m.version-1)
			}
			if _, err := tx.exec(ctx, m.sql); err != nil {
				return fmt.Errorf("store: apply migration %s: %w", m.name, err)
			}
			if _, err := tx.exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, time.Now().UnixMilli()); err != nil {
				return fmt.Errorf("store: record migration %s: %w", m.name, err)
			}
			applied = true
			return nil
		})
		if err != nil {
			return err
		}
		if !applied {
			return nil
		}
	}
}

// SchemaVersion returns the number of the last migration applied.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.write.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("store: read schema version: %w", err)
	}
	return v, nil
}
