package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/model"
)

func openTest(t *testing.T) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tdkt.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

func TestMigrationsRecordVersionAndReopen(t *testing.T) {
	ctx := context.Background()
	db, path := openTest(t)
	migs, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil || v != len(migs) {
		t.Fatalf("schema version = %d, %v; want %d", v, err, len(migs))
	}
	var mode string
	if err := db.write.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v; want wal", mode, err)
	}
	var fk int
	if err := db.read.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign_keys = %d, %v; want 1", fk, err)
	}
	db.Close()
	// A second open applies nothing again and keeps the data.
	db2, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db2.Close()
	var rows int
	if err := db2.read.QueryRow("SELECT COUNT(*) FROM schema_migrations").Scan(&rows); err != nil || rows != len(migs) {
		t.Fatalf("schema_migrations rows = %d, %v; want %d", rows, err, len(migs))
	}
}

func TestReadPoolIsReadOnly(t *testing.T) { engines(t, testReadPoolIsReadOnly) }

func testReadPoolIsReadOnly(t *testing.T, db *DB) {
	if _, err := db.read.Exec("CREATE TABLE x (a INTEGER)"); err == nil {
		t.Fatal("read pool accepted a write")
	} else if !strings.Contains(err.Error(), "read-only") && !strings.Contains(err.Error(), "readonly") {
		t.Fatalf("read pool refused a write for another reason: %v", err)
	}
	// The same statement passes on the write pool, so the refusal above is
	// the read-only setting, not the statement.
	if _, err := db.write.Exec("CREATE TABLE x (a INTEGER)"); err != nil {
		t.Fatal(err)
	}
}

// Two nodes started together on one PostgreSQL migrate it once: the second
// waits on the advisory lock, then finds the work done.
func TestPostgresTwoNodesMigrateOnce(t *testing.T) {
	dsn := pgURL(t)
	ctx := context.Background()
	migs, err := loadMigrationsFrom("migrations_pg")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	dbs := make([]*DB, 2)
	errs := make([]error, 2)
	for i := range dbs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dbs[i], errs[i] = Open(ctx, dsn)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
		defer dbs[i].Close()
	}
	var rows, v int
	if err := dbs[0].read.QueryRow("SELECT COUNT(*), MAX(version) FROM schema_migrations").Scan(&rows, &v); err != nil {
		t.Fatal(err)
	}
	if rows != len(migs) || v != migs[len(migs)-1].version {
		t.Fatalf("schema_migrations has %d rows up to %d; want %d up to %d", rows, v, len(migs), migs[len(migs)-1].version)
	}
	if dbs[1].Engine() != "postgres" {
		t.Fatalf("engine = %s", dbs[1].Engine())
	}
	// Reopening applies nothing again.
	again, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
}

func mustUnit(t *testing.T, db *DB, u model.Unit) model.Unit {
	t.Helper()
	err := db.WithTx(context.Background(), func(tx *Tx) error { return tx.CreateUnit(context.Background(), &u) })
	if err != nil {
		t.Fatalf("create unit %s: %v", u.Code, err)
	}
	return u
}

func TestUnitsAndUsers(t *testing.T) { engines(t, testUnitsAndUsers) }

func testUnitsAndUsers(t *testing.T, db *DB) {
	ctx := context.Background()
	prov := mustUnit(t, db, model.Unit{Code: "24", Name: "Tỉnh Bắc Ninh", Kind: model.KindProvince})
	xa := mustUnit(t, db, model.Unit{Code: "07441", Name: "Xã Tam Đa", Kind: model.KindCommune, ParentID: prov.ID})

	got, err := db.UnitByCode(ctx, "07441")
	if err != nil || got.ParentID != prov.ID || got.Name != "Xã Tam Đa" {
		t.Fatalf("UnitByCode = %+v, %v", got, err)
	}
	// Codes are unique regardless of case.
	err = db.WithTx(ctx, func(tx *Tx) error {
		return tx.CreateUnit(ctx, &model.Unit{Code: "07441", Name: "x", Kind: model.KindCommune, ParentID: prov.ID})
	})
	if !errors.Is(err, ErrDuplicate) {
		t.Fatalf("duplicate unit code: err = %v, want ErrDuplicate", err)
	}
	// A parent that does not exist is refused by the foreign key.
	err = db.WithTx(ctx, func(tx *Tx) error {
		return tx.CreateUnit(ctx, &model.Unit{Code: "X", Name: "x", Kind: model.KindCommune, ParentID: 999})
	})
	if !errors.Is(err, ErrConstraint) {
		t.Fatalf("missing parent: err = %v, want ErrConstraint", err)
	}

	u := model.User{Username: "an", FullName: "Nguyễn Văn An", Role: model.RoleTrainee, UnitID: xa.ID, PasswordHash: "h"}
	if err := db.WithTx(ctx, func(tx *Tx) error { return tx.CreateUser(ctx, &u) }); err != nil {
		t.Fatal(err)
	}
	dup := model.User{Username: "AN", FullName: "x", Role: model.RoleTrainee, UnitID: xa.ID, PasswordHash: "h"}
	if err := db.WithTx(ctx, func(tx *Tx) error { return tx.CreateUser(ctx, &dup) }); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("duplicate username (other case): err = %v", err)
	}
	u.FullName, u.Role = "Nguyễn Văn Ân", model.RoleTrainer
	if err := db.WithTx(ctx, func(tx *Tx) error { return tx.UpdateUser(ctx, &u) }); err != nil {
		t.Fatal(err)
	}
	back, err := db.UserByUsername(ctx, "An")
	if err != nil || back.FullName != "Nguyễn Văn Ân" || back.Role != model.RoleTrainer || back.UnitID != xa.ID {
		t.Fatalf("UserByUsername = %+v, %v", back, err)
	}
	if _, err := db.UserByID(ctx, 12345); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing user: err = %v", err)
	}
	// A failed transaction leaves nothing behind.
	err = db.WithTx(ctx, func(tx *Tx) error {
		v := model.User{Username: "binh", FullName: "Bình", Role: model.RoleTrainee, UnitID: xa.ID, PasswordHash: "h"}
		if err := tx.CreateUser(ctx, &v); err != nil {
			return err
		}
		return errors.New("boom")
	})
	if err == nil {
		t.Fatal("want the error back")
	}
	if _, err := db.UserByUsername(ctx, "binh"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("rolled-back user exists: %v", err)
	}
}

func TestSessions(t *testing.T) { engines(t, testSessions) }

func testSessions(t *testing.T, db *DB) {
	ctx := context.Background()
	unit := mustUnit(t, db, model.Unit{Code: "QT", Name: "Quản trị", Kind: model.KindOther})
	u := model.User{Username: "a", FullName: "An", Role: model.RoleAdmin, UnitID: unit.ID, PasswordHash: "h"}
	now := time.Now()
	err := db.WithTx(ctx, func(tx *Tx) error {
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		if err := tx.CreateSession(ctx, model.Session{TokenHash: "live", UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour), LastSeenAt: now}); err != nil {
			return err
		}
		return tx.CreateSession(ctx, model.Session{TokenHash: "old", UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(-time.Hour), LastSeenAt: now})
	})
	if err != nil {
		t.Fatal(err)
	}
	s, su, err := db.SessionUser(ctx, "live", now)
	if err != nil || s.UserID != u.ID || su.Username != "a" {
		t.Fatalf("SessionUser = %+v %+v %v", s, su, err)
	}
	if _, _, err := db.SessionUser(ctx, "old", now); !errors.Is(err, ErrNotFound) {
		t.Fatalf("expired session: err = %v", err)
	}
	var purged int64
	if err := db.WithTx(ctx, func(tx *Tx) error { var e error; purged, e = tx.DeleteExpiredSessions(ctx, now); return e }); err != nil || purged != 1 {
		t.Fatalf("purged %d, %v; want 1", purged, err)
	}
	if err := db.WithTx(ctx, func(tx *Tx) error { return tx.DeleteUserSessions(ctx, u.ID, "") }); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.SessionUser(ctx, "live", now); !errors.Is(err, ErrNotFound) {
		t.Fatalf("session survived DeleteUserSessions: %v", err)
	}
}

func TestProgressUpserts(t *testing.T) { engines(t, testProgressUpserts) }

func testProgressUpserts(t *testing.T, db *DB) {
	ctx := context.Background()
	unit := mustUnit(t, db, model.Unit{Code: "QT", Name: "Quản trị", Kind: model.KindOther})
	u := model.User{Username: "a", FullName: "An", Role: model.RoleTrainee, UnitID: unit.ID, PasswordHash: "h"}
	if err := db.WithTx(ctx, func(tx *Tx) error { return tx.CreateUser(ctx, &u) }); err != nil {
		t.Fatal(err)
	}
	t0 := time.UnixMilli(1_700_000_000_000)
	visits := []Visit{{u.ID, "c", "m1", t0}, {u.ID, "c", "m2", t0.Add(time.Minute)}}
	if err := db.WithTx(ctx, func(tx *Tx) error { return tx.RecordVisits(ctx, visits) }); err != nil {
		t.Fatal(err)
	}
	// An older visit arriving late does not move last_seen back.
	if err := db.WithTx(ctx, func(tx *Tx) error { return tx.RecordVisits(ctx, []Visit{{u.ID, "c", "m2", t0}}) }); err != nil {
		t.Fatal(err)
	}
	done := t0.Add(2 * time.Minute)
	for i := 0; i < 2; i++ { // completing twice keeps the first time
		at := done.Add(time.Duration(i) * time.Hour)
		if err := db.WithTx(ctx, func(tx *Tx) error { return tx.CompleteModule(ctx, u.ID, "c", "m1", at) }); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.UserProgress(ctx, u.ID)
	if err != nil || len(rows) != 2 {
		t.Fatalf("UserProgress = %v, %v", rows, err)
	}
	by := map[string]model.ModuleProgress{}
	for _, r := range rows {
		by[r.ModuleID] = r
	}
	if !by["m1"].CompletedAt.Equal(done) || !by["m1"].FirstSeenAt.Equal(t0) {
		t.Errorf("m1 = %+v; want completed at %v, first seen %v", by["m1"], done, t0)
	}
	if !by["m2"].LastSeenAt.Equal(t0.Add(time.Minute)) || by["m2"].Done() {
		t.Errorf("m2 = %+v", by["m2"])
	}
	// Progress rows go with the user.
	if _, err := db.write.Exec(db.d.bind("DELETE FROM users WHERE id = ?"), u.ID); err != nil {
		t.Fatal(err)
	}
	if rows, _ := db.UserProgress(ctx, u.ID); len(rows) != 0 {
		t.Errorf("progress rows left after deleting the user: %v", rows)
	}
}

// The batcher tells monitoring the size and commit time of each batch; the
// sizes add up to the writes committed.
func TestBatcherObserveCountsEveryWrite(t *testing.T) { engines(t, testBatcherObserveCountsEveryWrite) }

func testBatcherObserveCountsEveryWrite(t *testing.T, db *DB) {
	ctx := context.Background()
	b := NewBatcher(db, 8, time.Millisecond)
	var sizes []int
	var mu sync.Mutex
	b.Observe(func(writes int, took time.Duration) {
		mu.Lock()
		sizes = append(sizes, writes)
		mu.Unlock()
		if took <= 0 {
			t.Errorf("commit time %s", took)
		}
	})
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			err := b.Do(ctx, func(tx *Tx) error {
				return tx.CreateUnit(ctx, &model.Unit{Code: fmt.Sprintf("B%d", i), Name: "Đơn vị", Kind: model.KindOther})
			})
			if err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	b.Close()
	total := 0
	for _, n := range sizes {
		if n < 1 || n > 8 {
			t.Errorf("batch of %d writes; the limit is 8", n)
		}
		total += n
	}
	if batches, writes := b.Stats(); total != 20 || int(writes) != 20 || int(batches) != len(sizes) {
		t.Fatalf("observed %d writes in %d batches; stats say %d in %d", total, len(sizes), writes, batches)
	}
}
