package store

import (
	"context"
	"testing"
	"time"
)

func TestLoginFailures(t *testing.T) { engines(t, testLoginFailures) }

func testLoginFailures(t *testing.T, db *DB) {
	ctx := context.Background()
	t0 := time.UnixMilli(1_800_000_000_000)
	lockAt3 := func(n int) time.Time {
		if n >= 3 {
			return t0.Add(time.Hour)
		}
		return time.Time{}
	}
	if f, err := db.LoginFailure(ctx, "ip:1.2.3.4"); err != nil || f.Failures != 0 {
		t.Fatalf("before any failure: %+v %v", f, err)
	}
	for i := 1; i <= 3; i++ {
		f, err := db.AddLoginFailure(ctx, "ip:1.2.3.4", t0.Add(time.Duration(i)*time.Minute), t0.Add(-10*time.Minute), true, lockAt3)
		if err != nil || f.Failures != i {
			t.Fatalf("failure %d: %+v %v", i, f, err)
		}
	}
	f, err := db.LoginFailure(ctx, "ip:1.2.3.4")
	if err != nil || f.Failures != 3 || !f.FirstAt.Equal(t0.Add(time.Minute)) || !f.LockedUntil.Equal(t0.Add(time.Hour)) {
		t.Fatalf("after three: %+v %v", f, err)
	}
	// The window (from the first failure) is over: counting starts again.
	f, err = db.AddLoginFailure(ctx, "ip:1.2.3.4", t0.Add(20*time.Minute), t0.Add(10*time.Minute), true, lockAt3)
	if err != nil || f.Failures != 1 || !f.FirstAt.Equal(t0.Add(20*time.Minute)) || !f.LockedUntil.IsZero() {
		t.Fatalf("after the window: %+v %v", f, err)
	}
	// By last failure: a quiet spell restarts the count, steady failures do not.
	for i := 1; i <= 5; i++ {
		f, err = db.AddLoginFailure(ctx, "pair:mai 1.2.3.4", t0.Add(time.Duration(i)*time.Hour), t0.Add(time.Duration(i-2)*time.Hour), false, nil)
		if err != nil || f.Failures != i {
			t.Fatalf("steady failure %d: %+v %v", i, f, err)
		}
	}
	if f, _ = db.AddLoginFailure(ctx, "pair:mai 1.2.3.4", t0.Add(30*time.Hour), t0.Add(6*time.Hour), false, nil); f.Failures != 1 {
		t.Fatalf("after a quiet day: %+v", f)
	}
	if err := db.ClearLoginFailures(ctx, "pair:mai 1.2.3.4"); err != nil {
		t.Fatal(err)
	}
	if f, _ := db.LoginFailure(ctx, "pair:mai 1.2.3.4"); f.Failures != 0 {
		t.Fatalf("after clearing: %+v", f)
	}
	// Purge keeps a running lock.
	if _, err := db.AddLoginFailure(ctx, "ip:5.6.7.8", t0, t0, true, func(int) time.Time { return t0.Add(48 * time.Hour) }); err != nil {
		t.Fatal(err)
	}
	n, err := db.PurgeLoginFailures(ctx, t0.Add(24*time.Hour), t0.Add(24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("purge: %d %v; want 1 (ip:1.2.3.4, not the locked ip:5.6.7.8)", n, err)
	}
}
