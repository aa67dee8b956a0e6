package auth

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/store/storetest"
)

// Two nodes share one database and tell each other what their session
// caches dropped: a logout or a password reset on one node ends the
// session on the other at once, not when its cache entry would expire.
func TestSessionCacheSharedBetweenNodes(t *testing.T) {
	for _, share := range []bool{true, false} {
		ctx := context.Background()
		dsn := storetest.DSN(t)
		var nodes [2]*Service
		for i := range nodes {
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			nodes[i] = New(db, time.Hour)
			now := time.Now()
			nodes[i].SetClock(func() time.Time { return now }) // no cache entry expires
		}
		a, b := nodes[0], nodes[1]
		if share {
			a.Share(b.Forget)
			b.Share(a.Forget)
		}
		seedUnits(t, a)
		u, err := a.CreateUser(ctx, UserInput{Username: "mai", FullName: "Lê Thị Mai", Role: "trainee", UnitCode: "07441", Password: "dung-mat-khau"}, false)
		if err != nil {
			t.Fatal(err)
		}
		token, _, err := a.Login(ctx, "mai", "dung-mat-khau", "10.0.0.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := b.Authenticate(ctx, token); err != nil { // b caches it
			t.Fatal(err)
		}
		if err := a.Logout(ctx, token); err != nil {
			t.Fatal(err)
		}
		_, _, err = b.Authenticate(ctx, token)
		if share && !errors.Is(err, ErrNoSession) {
			t.Fatalf("after a logout on node a, node b still accepts the session: %v", err)
		}
		if !share && err != nil {
			t.Fatalf("without sharing, node b was expected to serve its cache (the test would prove nothing): %v", err)
		}
		if !share {
			continue
		}
		// A password reset on b ends the sessions a has cached.
		token, _, err = b.Login(ctx, "mai", "dung-mat-khau", "10.0.0.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.Authenticate(ctx, token); err != nil {
			t.Fatal(err)
		}
		if _, err := b.ResetPassword(ctx, u.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.Authenticate(ctx, token); !errors.Is(err, ErrNoSession) {
			t.Fatalf("after a password reset on node b, node a still accepts the session: %v", err)
		}
	}
}

// Failed logins against one account from one address, spread over two
// nodes behind a proxy, count together: the fifth locks the account on
// both. Kept in each node's memory, they would not.
func TestLoginThrottleSharedBetweenNodes(t *testing.T) {
	for _, shared := range []bool{true, false} {
		ctx := context.Background()
		dsn := storetest.DSN(t)
		now := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
		var nodes [2]*Service
		for i := range nodes {
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			nodes[i] = New(db, time.Hour)
			nodes[i].SetClock(func() time.Time { return now })
			if shared {
				nodes[i].throttle = dbThrottle{db}
			} else {
				nodes[i].throttle = newMemThrottle()
			}
		}
		seedUnits(t, nodes[0])
		if _, err := nodes[0].CreateUser(ctx, UserInput{Username: "mai", FullName: "Lê Thị Mai", Role: "trainee", UnitCode: "07441", Password: "dung-mat-khau"}, false); err != nil {
			t.Fatal(err)
		}
		var err error
		for i := range accountFreeFailures {
			_, _, err = nodes[i%2].Login(ctx, "mai", "sai", "10.0.0.1", "test")
		}
		var locked *LockedError
		if shared && !errors.As(err, &locked) {
			t.Fatalf("after %d failures over two nodes: %v; want the account locked", accountFreeFailures, err)
		}
		if !shared && errors.As(err, &locked) {
			t.Fatal("with counts in each node's memory the lock came anyway (the test would prove nothing)")
		}
		if shared {
			// The other node refuses even the right password meanwhile.
			if _, _, err := nodes[1].Login(ctx, "mai", "dung-mat-khau", "10.0.0.1", "test"); !errors.As(err, &locked) {
				t.Fatalf("the other node during the lock: %v", err)
			}
		}
	}
}
