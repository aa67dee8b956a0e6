package main

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/tdkt/tdkt/content"
	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/exam"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/store/storetest"
)

// memBus is a bus within the process: every subscriber of a subject gets
// every message published on it, the publisher's own included, as NATS does.
type memBus struct {
	mu   sync.Mutex
	subs map[string][]*func([]byte)
}

func (b *memBus) Publish(subject string, data []byte) error {
	b.mu.Lock()
	fns := append([]*func([]byte){}, b.subs[subject]...)
	b.mu.Unlock()
	for _, fn := range fns {
		(*fn)(append([]byte(nil), data...))
	}
	return nil
}

func (b *memBus) Subscribe(subject string, fn func([]byte)) (func(), error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.subs == nil {
		b.subs = map[string][]*func([]byte){}
	}
	p := &fn
	b.subs[subject] = append(b.subs[subject], p)
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		list := b.subs[subject]
		for i, q := range list {
			if q == p {
				b.subs[subject] = append(list[:i:i], list[i+1:]...)
				break
			}
		}
	}, nil
}

// The wiring of shared caches: a logout, a completed module and a
// submitted attempt on node a reach node b's caches through the bus; a
// node ignores its own notices.
func TestShareCachesOverTheBus(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.DSN(t)
	cat, probs := course.Load(content.FS)
	if len(course.Blocking(probs)) > 0 {
		t.Fatal(probs)
	}
	bus := &memBus{}
	type node struct {
		db       *store.DB
		accounts *auth.Service
		tracker  *course.Tracker
		exams    *exam.Service
	}
	var nodes [2]node
	for i, name := range []string{"a", "b"} {
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		batch := store.NewBatcher(db, 16, 0)
		n := node{db: db, accounts: auth.New(db, time.Hour), tracker: course.NewTracker(db, time.Hour), exams: exam.New(db, batch, cat)}
		t.Cleanup(func() { _ = n.tracker.Close(ctx); batch.Close(); db.Close() })
		stop, err := shareCaches(bus, name, n.accounts, n.tracker, n.exams)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
		nodes[i] = n
	}
	a, b := nodes[0], nodes[1]
	unit := model.Unit{Code: "X", Name: "Xã", Kind: model.KindOther}
	u := model.User{Username: "mai", FullName: "Mai", Role: model.RoleTrainee}
	hash, _ := auth.HashPassword("mat-khau-mai")
	u.PasswordHash = hash
	err := a.db.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUnit(ctx, &unit); err != nil {
			return err
		}
		u.UnitID = unit.ID
		return tx.CreateUser(ctx, &u)
	})
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := a.accounts.Login(ctx, "mai", "mat-khau-mai", "10.0.0.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.accounts.Authenticate(ctx, token); err != nil {
		t.Fatal(err)
	}
	if err := a.accounts.Logout(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.accounts.Authenticate(ctx, token); !errors.Is(err, auth.ErrNoSession) {
		t.Fatalf("node b after a logout on a: %v", err)
	}
	co := cat.Course("nghiep-vu-thi-dua-khen-thuong")
	m := co.Modules[0]
	if _, err := b.tracker.Progress(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := a.tracker.Complete(ctx, u.ID, m, time.Now()); err != nil {
		t.Fatal(err)
	}
	if p, _ := b.tracker.Progress(ctx, u.ID); !p.Module(m).Done() {
		t.Fatal("node b does not see a module completed on a")
	}
	at, err := a.exams.StartExam(ctx, u.ID, co.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.exams.Attempt(ctx, u.ID, at.ID); err != nil { // b caches it open
		t.Fatal(err)
	}
	if _, err := a.exams.Submit(ctx, u.ID, at.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.exams.Attempt(ctx, u.ID, at.ID); got.Open() {
		t.Fatal("node b shows as open an attempt submitted on a")
	}
}
