package store

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestLeases(t *testing.T) { engines(t, testLeases) }

func testLeases(t *testing.T, db *DB) {
	ctx := context.Background()
	t0 := time.UnixMilli(1_800_000_000_000)
	ttl := 10 * time.Second
	if _, err := db.LeaseOf(ctx, "room:1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("lease before any claim: %v", err)
	}
	ok, cur, err := db.TakeLease(ctx, "room:1", "a", t0, ttl)
	if err != nil || !ok || cur.Holder != "a" || !cur.ExpiresAt.Equal(t0.Add(ttl)) {
		t.Fatalf("a takes a free lease: %v %+v %v", ok, cur, err)
	}
	// b cannot take it while it runs; a renews it.
	ok, cur, err = db.TakeLease(ctx, "room:1", "b", t0.Add(5*time.Second), ttl)
	if err != nil || ok || cur.Holder != "a" {
		t.Fatalf("b took a running lease: %v %+v %v", ok, cur, err)
	}
	ok, cur, err = db.TakeLease(ctx, "room:1", "a", t0.Add(8*time.Second), ttl)
	if err != nil || !ok || !cur.ExpiresAt.Equal(t0.Add(18*time.Second)) {
		t.Fatalf("a renews: %v %+v %v", ok, cur, err)
	}
	// Another name is another lease.
	if ok, _, err := db.TakeLease(ctx, "sweep", "b", t0, ttl); err != nil || !ok {
		t.Fatalf("b takes another lease: %v %v", ok, err)
	}
	// a stops renewing: once expired, b takes it.
	if ok, _, _ := db.TakeLease(ctx, "room:1", "b", t0.Add(18*time.Second), ttl); ok {
		t.Fatal("b took the lease at the very moment it expires")
	}
	ok, cur, err = db.TakeLease(ctx, "room:1", "b", t0.Add(19*time.Second), ttl)
	if err != nil || !ok || cur.Holder != "b" {
		t.Fatalf("b takes an expired lease: %v %+v %v", ok, cur, err)
	}
	// A dropped lease is free at once; dropping another's lease does nothing.
	if err := db.DropLease(ctx, "room:1", "a"); err != nil {
		t.Fatal(err)
	}
	if l, err := db.LeaseOf(ctx, "room:1"); err != nil || l.Holder != "b" {
		t.Fatalf("a dropped b's lease: %+v %v", l, err)
	}
	if err := db.DropLease(ctx, "room:1", "b"); err != nil {
		t.Fatal(err)
	}
	if ok, _, _ := db.TakeLease(ctx, "room:1", "a", t0.Add(20*time.Second), ttl); !ok {
		t.Fatal("a cannot take a dropped lease")
	}
	// Many claims at once: exactly one wins.
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, _, err := db.TakeLease(ctx, "race", string(rune('a'+i)), t0, ttl)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d claims won a free lease at once; want 1", wins)
	}
}

// Two nodes (two handles on one PostgreSQL) claiming a free lease at once:
// exactly one wins, each time.
func TestPostgresLeaseRaceBetweenNodes(t *testing.T) {
	dsn := pgURL(t)
	ctx := context.Background()
	nodes := make([]*DB, 2)
	for i := range nodes {
		db, err := Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		nodes[i] = db
	}
	t0 := time.UnixMilli(1_800_000_000_000)
	for round := range 20 {
		name := "room:" + string(rune('A'+round))
		var wg sync.WaitGroup
		won := make([]bool, 2)
		for i, db := range nodes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, _, err := db.TakeLease(ctx, name, string(rune('a'+i)), t0, time.Second)
				if err != nil {
					t.Error(err)
				}
				won[i] = ok
			}()
		}
		wg.Wait()
		if won[0] == won[1] {
			t.Fatalf("round %d: wins %v; want exactly one", round, won)
		}
	}
}
