package course

import (
	"context"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/store/storetest"
)

func TestTrackerBatchesVisitsAndSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	path := storetest.DSN(t)
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	unit := model.Unit{Code: "QT", Name: "Quản trị", Kind: model.KindOther}
	u := model.User{Username: "a", FullName: "An", Role: model.RoleTrainee, PasswordHash: "h"}
	err = db.WithTx(ctx, func(tx *store.Tx) error {
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

	// A long interval: nothing is flushed unless Close does it.
	tr := NewTracker(db, time.Hour)
	t0 := time.Now()
	tr.Visit(u.ID, m1, t0)
	tr.Visit(u.ID, m2, t0.Add(time.Second))
	p, err := tr.Progress(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Resume(cat); got != m2 {
		t.Fatalf("resume before flush = %v, want %s (read-your-writes)", got, m2.ID)
	}
	if err := tr.Complete(ctx, u.ID, m1, t0.Add(2*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := tr.Close(ctx); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db2, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	tr2 := NewTracker(db2, time.Hour)
	defer tr2.Close(ctx)
	p, err = tr2.Progress(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	done, total, pct := p.CourseStats(co)
	if done != 1 || total != 2 || pct != 50 {
		t.Errorf("stats after restart = %d/%d %d%%, want 1/2 50%%", done, total, pct)
	}
	if got := p.Resume(cat); got != m2 {
		t.Errorf("resume after restart = %v, want %s", got, m2.ID)
	}
	if !p.Module(m1).Done() || p.Module(m2).Done() {
		t.Errorf("module states wrong: %+v %+v", p.Module(m1), p.Module(m2))
	}
}

// A completion that lands while a cache miss is reading must not be lost
// from what later pages show.
func TestProgressCacheMissRacingACompletion(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	unit := model.Unit{Code: "QT", Name: "Quản trị", Kind: model.KindOther}
	u := model.User{Username: "a", FullName: "An", Role: model.RoleTrainee, PasswordHash: "h"}
	if err := db.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUnit(ctx, &unit); err != nil {
			return err
		}
		u.UnitID = unit.ID
		return tx.CreateUser(ctx, &u)
	}); err != nil {
		t.Fatal(err)
	}
	cat, _ := Load(goodFS())
	m := cat.Course("khoa-thu").Modules[0]
	tr := NewTracker(db, time.Hour)
	defer tr.Close(ctx)
	tr.afterRead = func() {
		tr.afterRead = nil
		if err := tr.Complete(ctx, u.ID, m, time.Now()); err != nil {
			t.Error(err)
		}
	}
	if _, err := tr.Progress(ctx, u.ID); err != nil { // misses, and the completion lands mid-way
		t.Fatal(err)
	}
	p, err := tr.Progress(ctx, u.ID)
	if err != nil || !p.Module(m).Done() {
		t.Fatalf("completion lost behind the cache: %+v %v", p.Module(m), err)
	}
	// Once cached, visits and completions keep the cache exact.
	tr.Visit(u.ID, cat.Course("khoa-thu").Modules[1], time.Now().Add(time.Minute))
	if p, _ := tr.Progress(ctx, u.ID); p.Resume(cat) != cat.Course("khoa-thu").Modules[1] {
		t.Fatal("cached progress missed a visit")
	}
}
