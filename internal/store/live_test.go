package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/model"
)

func TestLiveSessionStore(t *testing.T) { engines(t, testLiveSessionStore) }

func testLiveSessionStore(t *testing.T, db *DB) {
	ctx := context.Background()
	prov := mustUnit(t, db, model.Unit{Code: "24", Name: "Tỉnh", Kind: model.KindProvince})
	xa := mustUnit(t, db, model.Unit{Code: "X1", Name: "Xã", Kind: model.KindCommune, ParentID: prov.ID})
	other := mustUnit(t, db, model.Unit{Code: "T2", Name: "Tỉnh khác", Kind: model.KindProvince})
	var users []model.User
	err := db.WithTx(ctx, func(tx *Tx) error {
		for i, spec := range []struct {
			unit     int64
			role     model.Role
			disabled bool
		}{{xa.ID, model.RoleTrainee, false}, {prov.ID, model.RoleTrainee, false}, {xa.ID, model.RoleTrainee, true},
			{xa.ID, model.RoleTrainer, false}, {other.ID, model.RoleTrainee, false}, {other.ID, model.RoleTrainee, false}} {
			u := model.User{Username: string(rune('a'+i)) + "xx", FullName: "U", Role: spec.role, UnitID: spec.unit, PasswordHash: "h", Disabled: spec.disabled}
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
	s := model.LiveSession{Code: "482913", Title: "Hội nghị tập huấn", Modules: []string{"m1"}, StartsAt: start, EndsAt: start.Add(2 * time.Hour),
		LateAfter: 10 * time.Minute, PresentPct: 80, TrainerID: users[3].ID}
	if err := db.WithTx(ctx, func(tx *Tx) error { return tx.CreateLiveSession(ctx, &s, []int64{prov.ID}, []int64{users[5].ID}) }); err != nil {
		t.Fatal(err)
	}
	got, err := db.LiveSessionByCode(ctx, "482913")
	if err != nil || got.ID != s.ID || got.LateAfter != 10*time.Minute || got.Modules[0] != "m1" {
		t.Fatalf("by code = %+v %v", got, err)
	}
	ids, err := db.ExpectedUsers(ctx, s.ID)
	want := map[int64]bool{users[0].ID: true, users[1].ID: true, users[5].ID: true} // the province's active trainees, below it too, plus one named
	if err != nil || len(ids) != len(want) {
		t.Fatalf("expected = %v, %v", ids, err)
	}
	for _, id := range ids {
		if !want[id] {
			t.Fatalf("unexpected expected user %d", id)
		}
	}
	// Presence: open, touched, a crash leaves it open, recovery closes it where last seen.
	u := users[0].ID
	at := func(min int) time.Time { return start.Add(time.Duration(min) * time.Minute) }
	steps := []func(tx *Tx) error{
		func(tx *Tx) error { return tx.OpenPresence(ctx, s.ID, u, "online", at(0)) },
		func(tx *Tx) error { return tx.ClosePresence(ctx, s.ID, u, at(20)) },
		func(tx *Tx) error { return tx.OpenPresence(ctx, s.ID, u, "online", at(25)) },
		func(tx *Tx) error { return tx.TouchPresence(ctx, s.ID, at(40)) },
		func(tx *Tx) error {
			n, err := tx.CloseOrphanPresence(ctx)
			if err == nil && n != 1 {
				return fmt.Errorf("closed %d orphan rows, want 1", n)
			}
			return err
		},
		func(tx *Tx) error { return tx.OpenPresence(ctx, s.ID, users[1].ID, "hall", at(5)) },
	}
	for _, st := range steps {
		if err := db.WithTx(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	ps, _ := db.Presence(ctx, s.ID)
	if len(ps) != 3 || !ps[0].LeftAt.Equal(at(20)) || !ps[1].LeftAt.Equal(at(40)) || ps[2].Kind != "hall" || !ps[2].LeftAt.IsZero() {
		t.Fatalf("presence = %+v", ps)
	}
	// Polls and roll calls.
	var poll, rc int64
	err = db.WithTx(ctx, func(tx *Tx) error {
		var err error
		if poll, err = tx.OpenPoll(ctx, s.ID, `{"text":"?"}`, at(30)); err != nil {
			return err
		}
		if err := tx.SavePollAnswer(ctx, poll, u, `"a"`, at(31)); err != nil {
			return err
		}
		if err := tx.SavePollAnswer(ctx, poll, u, `"b"`, at(32)); err != nil { // changes the answer
			return err
		}
		if rc, err = tx.OpenRollCall(ctx, s.ID, at(45), at(46)); err != nil {
			return err
		}
		if err := tx.MarkRollCall(ctx, rc, u, at(45)); err != nil {
			return err
		}
		return tx.MarkRollCall(ctx, rc, u, at(46)) // the first mark stands
	})
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := db.PollAnswers(ctx, poll); len(a) != 1 || a[u] != `"b"` {
		t.Fatalf("poll answers = %v", a)
	}
	if m, _ := db.RollCallMarks(ctx, rc); len(m) != 1 || !m[u].Equal(at(45)) {
		t.Fatalf("roll call marks = %v", m)
	}
}
