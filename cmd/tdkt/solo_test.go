package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/store/storetest"
)

// Two nodes on one PostgreSQL: a sweep runs on one of them, every turn,
// until that node stops taking its turns; then the other takes over.
func TestSoloJobRunsOnOneNode(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	ctx := context.Background()
	now := time.UnixMilli(1_800_000_000_000)
	clock := func() time.Time { return now }
	runs := map[string]int{}
	var jobs []func(context.Context) (int, error)
	for _, name := range []string{"a", "b"} {
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		jobs = append(jobs, solo(db, name, "sweep", 90*time.Minute, clock, func(context.Context) (int, error) {
			runs[name]++
			return 1, nil
		}))
	}
	for range 3 { // three hourly turns: a got there first and keeps it
		for _, j := range jobs {
			if _, err := j(ctx); err != nil {
				t.Fatal(err)
			}
		}
		now = now.Add(time.Hour)
	}
	if runs["a"] != 3 || runs["b"] != 0 {
		t.Fatalf("runs = %v; want a 3, b 0", runs)
	}
	// a dies: b's turns find the lease running for a while, then take it.
	for range 2 {
		if _, err := jobs[1](ctx); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Hour)
	}
	if runs["b"] != 1 {
		t.Fatalf("runs = %v; want b to take over once a's lease ran out", runs)
	}
}

// On SQLite (one node) the job runs as it is, with no lease.
func TestSoloOnSQLiteIsTheJob(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "tdkt.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n := 0
	j := solo(db, "a", "sweep", time.Minute, time.Now, func(context.Context) (int, error) { n++; return 0, nil })
	for range 3 {
		_, _ = j(ctx)
	}
	if n != 3 {
		t.Fatalf("ran %d times; want 3", n)
	}
	if _, err := db.LeaseOf(ctx, "job:sweep"); err == nil {
		t.Fatal("a lease was taken on SQLite")
	}
}
