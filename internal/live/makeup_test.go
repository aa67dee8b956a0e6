package live

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/store/storetest"
)

func TestMakeUp(t *testing.T) {
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	sess := model.LiveSession{StartsAt: start, EndsAt: start.Add(100 * time.Minute), PresentPct: 80, Makeup: true}
	absent := Result{Status: Absent, Final: true}
	left := Result{Status: LeftEarly, Final: true, Minutes: 50}
	for _, tc := range []struct {
		name    string
		r       Result
		sess    model.LiveSession
		seconds float64
		status  string
	}{
		{"watched the whole recording", absent, sess, 100 * 60, MadeUp},
		{"watched exactly the share", absent, sess, 80 * 60, MadeUp},
		{"watched too little", absent, sess, 79 * 60, Absent},
		{"left early and watched the rest", left, sess, 30 * 60, MadeUp},
		{"left early and watched too little", left, sess, 29 * 60, LeftEarly},
		{"the session does not allow it", absent, model.LiveSession{StartsAt: start, EndsAt: sess.EndsAt, PresentPct: 80}, 100 * 60, Absent},
		{"not over yet", Result{Status: NotArrived}, sess, 100 * 60, NotArrived},
		{"attended live stays present", Result{Status: Present, Final: true, Attended: true, Minutes: 100}, sess, 100 * 60, Present},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := makeUp(tc.r, tc.sess, tc.seconds)
			if got.Status != tc.status || got.Attended != (tc.status == MadeUp || tc.status == Present) || got.Replay != tc.seconds/60 {
				t.Fatalf("got %s attended=%v replay %.1f, want %s", got.Status, got.Attended, got.Replay, tc.status)
			}
		})
	}
}

// The replay page's reports add up in the report, never past the session's
// length; an impossible report is refused and changes nothing.
func TestRecordWatchCountsInTheReport(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, storetest.DSN(t))
	// A second session like the fixture's, whose rule allows make-up.
	xa, _ := e.db.UnitByCode(ctx, "X1")
	sess := model.LiveSession{Code: "654321", Title: "Hội nghị có xem lại", StartsAt: e.sess.StartsAt, EndsAt: e.sess.EndsAt,
		LateAfter: 10 * time.Minute, PresentPct: 80, TrainerID: e.sess.TrainerID, Makeup: true}
	if err := e.db.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateLiveSession(ctx, &sess, []int64{xa.ID}, nil) }); err != nil {
		t.Fatal(err)
	}
	if stored, err := e.db.LiveSession(ctx, sess.ID); err != nil || !stored.Makeup {
		t.Fatalf("the make-up rule was not stored: %+v %v", stored, err)
	}
	s := NewSessions(e.db, e.batch, e.clock.Now)
	var verr model.ValidationError
	if err := s.RecordWatch(ctx, sess, e.a.ID, 121); !errors.As(err, &verr) {
		t.Fatalf("a report of 121 s: %v", err)
	}
	length := sess.EndsAt.Sub(sess.StartsAt).Seconds()
	for done := 0.0; done < length+600; done += 120 {
		if err := s.RecordWatch(ctx, sess, e.a.ID, 120); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := s.Attendance(ctx, sess.ID, sess.EndsAt.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Rows {
		switch r.User.ID {
		case e.a.ID:
			if r.Result.Status != MadeUp || !r.Result.Attended || r.Result.Replay != length/60 {
				t.Fatalf("A watched it all: %+v", r.Result)
			}
		case e.b.ID:
			if r.Result.Status != Absent {
				t.Fatalf("B did nothing: %+v", r.Result)
			}
		}
	}
	if rep.Counts[MadeUp] != 1 || rep.Counts["attended"] != 1 {
		t.Fatalf("counts %v", rep.Counts)
	}
}
