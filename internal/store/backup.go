package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"time"
)

// Backup copies the database at src into the new file dst while the
// server may be running: VACUUM INTO reads one consistent snapshot (a read
// transaction under WAL, so writers go on) and writes a compact copy. The
// copy is checked before Backup returns.
func Backup(ctx context.Context, src, dst string) error {
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("store: backup: no database at %s: %w", src, err)
	}
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("store: backup: %s already exists; choose a new file", dst)
	}
	conn, err := sql.Open("sqlite3", "file:"+src+"?_busy_timeout=10000&mode=ro")
	if err != nil {
		return fmt.Errorf("store: backup: open %s: %w", src, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, dst); err != nil {
		return fmt.Errorf("store: backup into %s: %w", dst, err)
	}
	if _, err := Check(ctx, dst); err != nil {
		os.Remove(dst)
		return fmt.Errorf("store: backup: the copy failed its check: %w", err)
	}
	return nil
}

// Check opens a database file read-only, runs SQLite's integrity check and
// reads its schema version, refusing one newer than this binary.
func Check(ctx context.Context, path string) (int, error) {
	if _, err := os.Stat(path); err != nil {
		return 0, fmt.Errorf("store: %s: %w", path, err)
	}
	conn, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		return 0, fmt.Errorf("store: open %s: %w", path, err)
	}
	defer conn.Close()
	var res string
	if err := conn.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return 0, fmt.Errorf("store: %s is not a tdkt database: %w", path, err)
	}
	if res != "ok" {
		return 0, fmt.Errorf("store: %s failed the integrity check: %s", path, res)
	}
	var v int
	if err := conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: %s is not a tdkt database (no schema version): %w", path, err)
	}
	migs, err := loadMigrations()
	if err != nil {
		return 0, err
	}
	if v > len(migs) {
		return v, fmt.Errorf("store: %s has schema version %d, newer than this binary (%d); use a newer tdkt", path, v, len(migs))
	}
	return v, nil
}

// ErrInUse means a server holds the data folder.
var ErrInUse = errors.New("store: the database is in use by a running server; stop it first")

// Lock takes the data folder's lock file for the life of a server, so that
// a restore cannot replace the database under it. Release it with the
// returned function.
func Lock(dataDir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dataDir, "tdkt.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: lock %s: %w", dataDir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, ErrInUse
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// Restore checks the backup at from and puts it in place as the database
// of the stopped data folder dataDir; the database it replaces is kept
// beside it (tdkt.db.before-restore-<time>).
func Restore(ctx context.Context, from, dataDir string, now time.Time) (string, error) {
	if _, err := Check(ctx, from); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return "", fmt.Errorf("store: restore: %w", err)
	}
	unlock, err := Lock(dataDir)
	if err != nil {
		return "", err
	}
	defer unlock()
	db := filepath.Join(dataDir, "tdkt.db")
	kept := ""
	if _, err := os.Stat(db); err == nil {
		kept = db + ".before-restore-" + now.UTC().Format("20060102-150405")
		if err := os.Rename(db, kept); err != nil {
			return "", fmt.Errorf("store: restore: keep the old database: %w", err)
		}
	}
	for _, side := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(db + side); err == nil {
			if kept != "" {
				_ = os.Rename(db+side, kept+side)
			} else {
				_ = os.Remove(db + side)
			}
		}
	}
	tmp := db + ".restoring"
	if err := copyFile(from, tmp); err != nil {
		return kept, fmt.Errorf("store: restore: %w", err)
	}
	if err := os.Rename(tmp, db); err != nil {
		return kept, fmt.Errorf("store: restore: %w", err)
	}
	return kept, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil { // on the disk before it replaces the old one
		out.Close()
		return err
	}
	return out.Close()
}

// backupPrefix names the files BackupInto writes, so pruning never touches
// anything else in the folder.
const backupPrefix = "tdkt-"

// BackupInto writes a backup of src into dir named after now
// (tdkt-20261130-020000.db, in now's zone) and then deletes the oldest of
// the folder's scheduled backups beyond keep. It returns the new file.
func BackupInto(ctx context.Context, src, dir string, now time.Time, keep int) (string, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("store: backup folder: %w", err)
	}
	dst := filepath.Join(dir, backupPrefix+now.Format("20060102-150405")+".db")
	if err := Backup(ctx, src, dst); err != nil {
		return "", err
	}
	old, err := filepath.Glob(filepath.Join(dir, backupPrefix+"*.db"))
	if err != nil {
		return dst, fmt.Errorf("store: backup folder: %w", err)
	}
	// The names sort by time, so the oldest come first.
	sort.Strings(old)
	for len(old) > keep {
		if err := os.Remove(old[0]); err != nil {
			return dst, fmt.Errorf("store: prune old backup: %w", err)
		}
		old = old[1:]
	}
	return dst, nil
}
