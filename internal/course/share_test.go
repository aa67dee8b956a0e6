package course

import (
	"context"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/store/storetest"
)

// Two nodes share one database and tell each other whose progress they
// wrote: a module completed, or visits flushed, on one node show on the
// other at once, though the other had that trainee's progress cached.
func TestProgressCacheSharedBetweenNodes(t *testing.T) {
	for _, share := range []bool{true, false} {
		ctx := context.Background()
		dsn := storetest.DSN(t)
		var dbs [2]*store.DB
		for i := range dbs {
			db, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			dbs[i] = db
		}
		unit := model.Unit{Code: "QT", Name: "Quản trị", Kind: model.KindOther}
		u := model.User{Username: "a", FullName: "An", Role: model.RoleTrainee, PasswordHash: "h"}
		err := dbs[0].WithTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateUnit(ctx, &unit); err != nil {
				return err
			}
			u.UnitID = unit.ID
			return tx.CreateUser(ctx, &u)
		})
		if err != nil {
			t.Fatal(err)
		}
		cat, probs := Load(goodFS())
		if len(probs) > 0 {
			t.Fatal(probs)
		}
		co := cat.Course("khoa-thu")
		m1, m2 := co.Modules[0], co.Modules[1]
		a, b := NewTracker(dbs[0], time.Hour), NewTracker(dbs[1], time.Hour)
		t.Cleanup(func() { _ = a.Close(ctx); _ = b.Close(ctx) })
		if share {
			a.Share(b.Forget)
			b.Share(a.Forget)
		}
		if _, err := b.Progress(ctx, u.ID); err != nil { // b caches "nothing read"
			t.Fatal(err)
		}
		t0 := time.Now()
		if err := a.Complete(ctx, u.ID, m1, t0); err != nil {
			t.Fatal(err)
		}
		a.Visit(u.ID, m2, t0.Add(time.Second))
		if err := a.flush(ctx); err != nil {
			t.Fatal(err)
		}
		p, err := b.Progress(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		done, resume := p.Module(m1).Done(), p.Resume(cat)
		if share && (!done || resume != m2) {
			t.Fatalf("node b after node a's writes: m1 done %v, resume %v; want done and %s", done, resume, m2.ID)
		}
		if !share && (done || resume == m2) {
			t.Fatal("without sharing, node b was expected to serve its stale cache (the test would prove nothing)")
		}
	}
}
