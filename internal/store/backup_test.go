package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/model"
)

// TestBackupDuringWritesRestoresEverythingAcknowledged takes a backup while
// a writer keeps committing, restores it into a stopped data folder and
// checks that the copy is whole and holds every unit whose commit returned
// before the backup began.
func TestBackupDuringWritesRestoresEverythingAcknowledged(t *testing.T) {
	ctx := context.Background()
	db, path := openTest(t)
	var mu sync.Mutex
	acked := 0
	write := func(i int) error {
		err := db.WithTx(ctx, func(tx *Tx) error {
			return tx.CreateUnit(ctx, &model.Unit{Code: fmt.Sprintf("U%05d", i), Name: fmt.Sprintf("Đơn vị %d", i), Kind: model.KindOther})
		})
		if err == nil {
			mu.Lock()
			acked = i + 1
			mu.Unlock()
		}
		return err
	}
	for i := 0; i < 200; i++ {
		if err := write(i); err != nil {
			t.Fatal(err)
		}
	}
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i := 200; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if err := write(i); err != nil {
				done <- err
				return
			}
		}
	}()
	mu.Lock()
	before := acked
	mu.Unlock()
	dst := filepath.Join(t.TempDir(), "copy.db")
	if err := Backup(ctx, path, dst); err != nil {
		t.Fatalf("backup during writes: %v", err)
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatalf("writer: %v", err)
	}
	if err := Backup(ctx, path, dst); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("backup over an existing file: %v; want a refusal", err)
	}

	dataDir := t.TempDir()
	if _, err := Restore(ctx, dst, dataDir, time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)); err != nil {
		t.Fatalf("restore: %v", err)
	}
	restored, err := Open(ctx, filepath.Join(dataDir, "tdkt.db"))
	if err != nil {
		t.Fatalf("open restored: %v", err)
	}
	defer restored.Close()
	var n int
	if err := restored.read.QueryRow(`SELECT COUNT(*) FROM units`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n < before {
		t.Fatalf("restored copy holds %d units; %d were committed before the backup began", n, before)
	}
	for i := 0; i < before; i++ {
		var name string
		if err := restored.read.QueryRow(`SELECT name FROM units WHERE code = ?`, fmt.Sprintf("U%05d", i)).Scan(&name); err != nil {
			t.Fatalf("unit %d committed before the backup is missing: %v", i, err)
		}
	}
}

func TestRestoreRefusedWhileServerHoldsTheFolder(t *testing.T) {
	ctx := context.Background()
	db, path := openTest(t)
	_ = db
	dst := filepath.Join(t.TempDir(), "copy.db")
	if err := Backup(ctx, path, dst); err != nil {
		t.Fatal(err)
	}
	dataDir := t.TempDir()
	unlock, err := Lock(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(ctx, dst, dataDir, time.Now()); !errors.Is(err, ErrInUse) {
		t.Fatalf("restore under a running server: %v; want ErrInUse", err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "tdkt.db")); !os.IsNotExist(err) {
		t.Fatalf("a refused restore wrote the database: %v", err)
	}
	unlock()
	if _, err := Restore(ctx, dst, dataDir, time.Now()); err != nil {
		t.Fatalf("restore after the server stopped: %v", err)
	}
}

func TestRestoreKeepsTheOldDatabaseAndRefusesBadFiles(t *testing.T) {
	ctx := context.Background()
	_, path := openTest(t)
	backup := filepath.Join(t.TempDir(), "copy.db")
	if err := Backup(ctx, path, backup); err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Dir(path)
	junk := filepath.Join(t.TempDir(), "junk.db")
	if err := os.WriteFile(junk, []byte("not a database at all, just text"), 0o600); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	if _, err := Restore(ctx, junk, dataDir, time.Now()); err == nil {
		t.Fatal("restore accepted a file that is not a database")
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Fatal("a refused restore changed the database")
	}

	// A copy from a newer tdkt (a higher schema version) is refused.
	newer := filepath.Join(t.TempDir(), "newer.db")
	if err := Backup(ctx, path, newer); err != nil {
		t.Fatal(err)
	}
	ndb, err := Open(ctx, newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ndb.write.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)`); err != nil {
		ndb.Close()
		t.Fatal(err)
	}
	ndb.Close()
	if _, err := Restore(ctx, newer, dataDir, time.Now()); err == nil || !strings.Contains(err.Error(), "newer than this binary") {
		t.Fatalf("restore of a newer schema: %v; want a refusal", err)
	}

	fresh := t.TempDir()
	kept, err := Restore(ctx, backup, fresh, time.Now())
	if err != nil || kept != "" {
		t.Fatalf("restore into an empty folder: kept %q, %v", kept, err)
	}
	// A second restore keeps the database it replaces beside it.
	kept, err = Restore(ctx, backup, fresh, time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC))
	if err != nil || !strings.HasSuffix(kept, "tdkt.db.before-restore-20261130-080000") {
		t.Fatalf("second restore: kept %q, %v", kept, err)
	}
	if _, err := Check(ctx, kept); err != nil {
		t.Fatalf("the kept database: %v", err)
	}
}

func TestBackupIntoKeepsTheNewest(t *testing.T) {
	ctx := context.Background()
	_, path := openTest(t)
	dir := t.TempDir()
	other := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(other, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
	var made []string
	for i := 0; i < 5; i++ {
		f, err := BackupInto(ctx, path, dir, start.Add(time.Duration(i)*24*time.Hour), 3)
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, f)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "tdkt-*.db"))
	if len(left) != 3 || left[0] != made[2] || left[2] != made[4] {
		t.Fatalf("left %v; want the newest three of %v", left, made)
	}
	if filepath.Base(made[0]) != "tdkt-20261130-020000.db" {
		t.Fatalf("name %s", filepath.Base(made[0]))
	}
	if _, err := os.Stat(other); err != nil {
		t.Fatal("pruning removed a file that is not a backup")
	}
}
