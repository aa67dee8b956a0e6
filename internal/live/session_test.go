package live

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/store/storetest"
)

func TestScheduleAndReport(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, storetest.DSN(t))
	s := NewSessions(e.db, e.batch, e.clock.Now)
	start := start.Add(-2 * time.Hour)
	_, err := s.Create(ctx, Input{Title: "x", Start: start, End: start.Add(-time.Hour), UnitCodes: []string{"nope"}, PresentPct: 120}, e.trainer.ID)
	var v model.ValidationError
	if !errors.As(err, &v) || len(v) != 4 {
		t.Fatalf("bad input: %v", err)
	}
	sess, err := s.Create(ctx, Input{Title: "Tập huấn quý IV", CourseID: "khoa", Start: start, End: start.Add(100 * time.Minute),
		UnitCodes: []string{"X1"}, LateAfter: 10, PresentPct: 80, Required: true}, e.trainer.ID)
	if err != nil || len(sess.Code) != 6 {
		t.Fatalf("create: %+v %v", sess, err)
	}
	at := func(min int) time.Time { return start.Add(time.Duration(min) * time.Minute) }
	err = e.db.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.OpenPresence(ctx, sess.ID, e.a.ID, "online", at(2)); err != nil {
			return err
		}
		if err := tx.ClosePresence(ctx, sess.ID, e.a.ID, at(100)); err != nil {
			return err
		}
		if err := tx.OpenPresence(ctx, sess.ID, e.stranger.ID, "online", at(0)); err != nil { // came uninvited
			return err
		}
		// Two roll calls: A answers the second only, B neither.
		for i := 0; i < 2; i++ {
			id, err := tx.OpenRollCall(ctx, sess.ID, at(20+30*i), at(21+30*i))
			if err != nil {
				return err
			}
			if i == 1 {
				if err := tx.MarkRollCall(ctx, id, e.a.ID, at(51)); err != nil {
					return err
				}
			}
		}
		return tx.ClosePresence(ctx, sess.ID, e.stranger.ID, at(10))
	})
	if err != nil {
		t.Fatal(err)
	}
	// Half-way through, the required session counts for the certificate as
	// required and not yet attended: attendance is decided at the end.
	e.clock.Set(at(50))
	if att, req, err := (CertAttendance{s}).Attendance(ctx, e.a.ID, "khoa"); err != nil || att != 0 || req != 1 {
		t.Fatalf("certificate attendance mid-session = %d/%d %v, want 0/1", att, req, err)
	}
	e.clock.Set(start.Add(2 * time.Hour))
	rep, err := s.Attendance(ctx, sess.ID, e.clock.Now())
	if err != nil || len(rep.Rows) != 2 || rep.Counts[Present] != 1 || rep.Counts[Absent] != 1 || rep.Counts["attended"] != 1 || rep.Extra != 1 {
		t.Fatalf("report = %+v %v", rep, err)
	}
	for _, row := range rep.Rows {
		want := map[int64]int{e.a.ID: 1, e.b.ID: 0}[row.User.ID]
		if rep.RollCalls != 2 || row.RollCalls != want {
			t.Fatalf("%s answered %d of %d roll calls, want %d of 2", row.User.Username, row.RollCalls, rep.RollCalls, want)
		}
	}
	mine, _ := s.For(ctx, e.a, e.clock.Now())
	theirs, _ := s.For(ctx, e.stranger, e.clock.Now())
	if len(mine) != 2 || len(theirs) != 0 { // the fixture's session and this one
		t.Fatalf("sessions for a trainee: %d, for a stranger: %d", len(mine), len(theirs))
	}
	att, req, err := CertAttendance{s}.Attendance(ctx, e.a.ID, "khoa")
	if err != nil || att != 1 || req != 1 {
		t.Fatalf("certificate attendance = %d/%d %v", att, req, err)
	}
	if att, req, _ := (CertAttendance{s}).Attendance(ctx, e.b.ID, "khoa"); att != 0 || req != 1 {
		t.Fatalf("absent trainee = %d/%d", att, req)
	}
}

func TestHallCheckin(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, storetest.DSN(t))
	now := e.clock.Now()
	tok := e.m.CheckinToken(e.sess.ID, now)
	if !e.m.ValidCheckin(e.sess.ID, tok, now.Add(50*time.Second)) {
		t.Fatal("a token from under a minute ago was refused")
	}
	if e.m.ValidCheckin(e.sess.ID, tok, now.Add(2*time.Minute)) {
		t.Fatal("an old token was accepted")
	}
	if e.m.ValidCheckin(e.sess.ID+1, tok, now) || e.m.ValidCheckin(e.sess.ID, tok+"x", now) {
		t.Fatal("a token of another session, or a forged one, was accepted")
	}
	if err := e.m.CheckIn(ctx, e.sess.ID, e.stranger, now); !errors.Is(err, ErrNotInvited) {
		t.Fatalf("stranger check-in: %v", err)
	}
	for i := 0; i < 2; i++ {
		if err := e.m.CheckIn(ctx, e.sess.ID, e.a, now); err != nil {
			t.Fatal(err)
		}
	}
	ps, _ := e.db.Presence(ctx, e.sess.ID)
	if len(ps) != 1 || ps[0].Kind != "hall" || ps[0].UserID != e.a.ID {
		t.Fatalf("presence = %+v", ps)
	}
	s := NewSessions(e.db, e.batch, e.clock.Now)
	for _, tc := range []struct {
		now    time.Time
		status string
	}{{now.Add(10 * time.Minute), Attending}, {e.sess.EndsAt.Add(time.Minute), Present}} {
		rep, _ := s.Attendance(ctx, e.sess.ID, tc.now)
		for _, r := range rep.Rows {
			if r.User.ID == e.a.ID && r.Result.Status != tc.status {
				t.Fatalf("checked in at the hall, report at %v: %+v, want %s", tc.now, r.Result, tc.status)
			}
		}
	}
	// The trainer's console counts them present, not absent.
	tr := e.dial(t, e.trainer)
	if h := decode[Snapshot](t, tr.expect(MsgHello)); h.Roster == nil || !slices.Equal(h.Roster.Hall, []int64{e.a.ID}) {
		t.Fatalf("console roster: %+v", h.Roster)
	}
	if p := decode[map[string]int](t, tr.expect(MsgPresence)); p["expected_online"] != 1 || p["hall"] != 1 {
		t.Fatalf("presence = %v", p)
	}
	if err := e.m.CheckIn(ctx, e.sess.ID, e.b, now); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the second check-in on the console", func() bool {
		return slices.Equal(decode[RosterData](t, tr.expect(MsgRoster)).Hall, []int64{e.a.ID, e.b.ID})
	})
}

func TestReportGroupsByUnit(t *testing.T) {
	xa, phuong := model.Unit{ID: 1, Name: "Xã A"}, model.Unit{ID: 2, Name: "Phường B"}
	rep := Report{Rows: []Row{
		{Unit: phuong, Result: Result{Status: Present, Attended: true}},
		{Unit: xa, Result: Result{Status: Absent}},
		{Unit: xa, Result: Result{Status: Late, Attended: true}},
	}}
	g := rep.Groups()
	if len(g) != 2 || g[0].Unit.ID != 2 || len(g[0].Rows) != 1 || g[1].First != 2 || len(g[1].Rows) != 2 ||
		g[1].Counts[Absent] != 1 || g[1].Counts[Late] != 1 || g[1].Counts["attended"] != 1 || g[0].Counts["attended"] != 1 {
		t.Fatalf("groups = %+v", g)
	}
}
