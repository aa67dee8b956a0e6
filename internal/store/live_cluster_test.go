package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/model"
)

// A node taking over a room closes the presence its dead owner left open,
// each row where it was last seen, and touches no other session's rows
// nor the hall's; the sweep finds the sessions with rows open.
func TestStalePresence(t *testing.T) { engines(t, testStalePresence) }

func testStalePresence(t *testing.T, db *DB) {
	ctx := context.Background()
	prov := mustUnit(t, db, model.Unit{Code: "24", Name: "Tỉnh", Kind: model.KindProvince})
	var users []model.User
	err := db.WithTx(ctx, func(tx *Tx) error {
		for _, name := range []string{"gv", "a", "b"} {
			u := model.User{Username: name, FullName: name, Role: model.RoleTrainee, UnitID: prov.ID, PasswordHash: "h"}
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
			users = append(users, u)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	start := time.UnixMilli(1_800_000_000_000)
	at := func(min int) time.Time { return start.Add(time.Duration(min) * time.Minute) }
	var sessions []model.LiveSession
	for i, code := range []string{"111111", "222222"} {
		s := model.LiveSession{Code: code, Title: "Hội nghị", StartsAt: start, EndsAt: at(120), PresentPct: 80, TrainerID: users[0].ID}
		if err := db.WithTx(ctx, func(tx *Tx) error { return tx.CreateLiveSession(ctx, &s, []int64{prov.ID}, nil) }); err != nil {
			t.Fatalf("session %d: %v", i, err)
		}
		sessions = append(sessions, s)
	}
	one, two := sessions[0].ID, sessions[1].ID
	if ids, err := db.OpenPresenceSessions(ctx); err != nil || len(ids) != 0 {
		t.Fatalf("open sessions before any presence = %v, %v", ids, err)
	}
	steps := []func(tx *Tx) error{
		func(tx *Tx) error { return tx.OpenPresence(ctx, one, users[1].ID, "online", at(0)) },
		func(tx *Tx) error { return tx.OpenPresence(ctx, one, users[2].ID, "online", at(5)) },
		func(tx *Tx) error { return tx.ClosePresence(ctx, one, users[2].ID, at(7)) },
		func(tx *Tx) error { return tx.OpenPresence(ctx, one, users[2].ID, "hall", at(8)) },
		func(tx *Tx) error { return tx.TouchPresence(ctx, one, at(30)) },
		func(tx *Tx) error { return tx.OpenPresence(ctx, two, users[1].ID, "online", at(1)) },
	}
	for _, st := range steps {
		if err := db.WithTx(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	if ids, err := db.OpenPresenceSessions(ctx); err != nil || !slices.Equal(ids, []int64{one, two}) {
		t.Fatalf("open sessions = %v, %v", ids, err)
	}
	var n int64
	if err := db.WithTx(ctx, func(tx *Tx) (err error) { n, err = tx.CloseStalePresence(ctx, one); return err }); err != nil || n != 1 {
		t.Fatalf("closed %d, %v; want 1", n, err)
	}
	ps, _ := db.Presence(ctx, one)
	if len(ps) != 3 || !ps[0].LeftAt.Equal(at(30)) || !ps[1].LeftAt.Equal(at(7)) || ps[2].Kind != "hall" || !ps[2].LeftAt.IsZero() {
		t.Fatalf("presence of the session taken over = %+v", ps)
	}
	if ps, _ := db.Presence(ctx, two); len(ps) != 1 || !ps[0].LeftAt.IsZero() {
		t.Fatalf("another session's presence = %+v", ps)
	}
	if ids, err := db.OpenPresenceSessions(ctx); err != nil || !slices.Equal(ids, []int64{two}) {
		t.Fatalf("open sessions after = %v, %v", ids, err)
	}
}
