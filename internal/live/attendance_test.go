package live

import (
	"testing"
	"time"
)

func TestAssess(t *testing.T) {
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	r := Rules{Start: start, End: start.Add(100 * time.Minute), LateAfter: 10 * time.Minute, PresentPct: 80}
	at := func(min int) time.Time { return start.Add(time.Duration(min) * time.Minute) }
	iv := func(a, b int) Interval { return Interval{at(a), at(b)} }
	open := func(a int) Interval { return Interval{From: at(a)} }
	after := at(200)
	cases := []struct {
		name     string
		spans    []Interval
		now      time.Time
		status   string
		attended bool
		minutes  float64
		late     bool
	}{
		// Once the session is over: final.
		{"never came", nil, after, Absent, false, 0, false},
		{"whole session", []Interval{iv(0, 100)}, after, Present, true, 100, false},
		{"joined before the start", []Interval{iv(-15, 100)}, after, Present, true, 100, false},
		{"five minutes late is on time", []Interval{iv(5, 100)}, after, Present, true, 95, false},
		{"late but stayed", []Interval{iv(15, 100)}, after, Late, true, 85, true},
		{"late and short", []Interval{iv(30, 100)}, after, Late, false, 70, true},
		{"left early", []Interval{iv(0, 60)}, after, LeftEarly, false, 60, false},
		{"reconnections are merged", []Interval{iv(0, 30), iv(29, 50), iv(52, 100)}, after, Present, true, 98, false},
		{"overlapping devices count once", []Interval{iv(0, 100), iv(10, 90)}, after, Present, true, 100, false},
		{"dropped for a long while", []Interval{iv(0, 40), iv(70, 100)}, after, LeftEarly, false, 70, false},
		{"left and came back in time", []Interval{iv(-5, 10), iv(20, 100)}, after, Present, true, 90, false},
		{"exactly the share", []Interval{iv(0, 80)}, after, Present, true, 80, false},
		{"still connected after the end", []Interval{open(0)}, after, Present, true, 100, false},
		{"read exactly at the end", []Interval{open(-3)}, at(100), Present, true, 100, false},
		{"only after the end", []Interval{iv(120, 130)}, after, Absent, false, 0, false},
		{"only before the start", []Interval{iv(-30, -10)}, after, Absent, false, 0, false},
		{"checked in in the hall at minute 3", []Interval{open(3)}, after, Present, true, 97, false},
		{"checked in in the hall at minute 25", []Interval{open(25)}, after, Late, false, 75, true},

		// Before the end: provisional, never "left early" for someone there now.
		{"waiting in the room before the start", []Interval{open(-5)}, at(-1), Attending, false, 0, false},
		{"not come before the start", nil, at(-1), NotArrived, false, 0, false},
		{"connected since before the start, mid-session", []Interval{open(-5)}, at(50), Attending, false, 50, false},
		{"joined late, still connected", []Interval{open(20)}, at(50), Attending, false, 30, true},
		{"left at 20, read at 50", []Interval{iv(0, 20)}, at(50), Away, false, 20, false},
		{"left and came back, read at 50", []Interval{iv(0, 20), open(30)}, at(50), Attending, false, 40, false},
		{"hall check-in, read at 50", []Interval{open(3)}, at(50), Attending, false, 47, false},
		{"not come by minute 50", nil, at(50), NotArrived, false, 0, false},
		{"came and left before the start", []Interval{iv(-20, -10)}, at(50), NotArrived, false, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Assess(r, tc.spans, tc.now)
			if got.Status != tc.status || got.Attended != tc.attended || got.Late != tc.late ||
				got.Minutes < tc.minutes-1e-9 || got.Minutes > tc.minutes+1e-9 {
				t.Fatalf("got %s attended=%v late=%v %.2f min, want %s %v %v %.2f", got.Status, got.Attended, got.Late, got.Minutes,
					tc.status, tc.attended, tc.late, tc.minutes)
			}
			if got.Final != !tc.now.Before(r.End) {
				t.Fatalf("final = %v at %v", got.Final, tc.now)
			}
		})
	}
}

// The times a person sees: the first arrival is when they really came (a
// wait in the room before the start included), and the last is empty
// while they are still there.
func TestAssessTimes(t *testing.T) {
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	r := Rules{Start: start, End: start.Add(100 * time.Minute), LateAfter: 10 * time.Minute, PresentPct: 80}
	at := func(min int) time.Time { return start.Add(time.Duration(min) * time.Minute) }
	got := Assess(r, []Interval{{From: at(-5)}}, at(30))
	if !got.FirstSeen.Equal(at(-5)) || !got.LastSeen.IsZero() || got.Share < 100-1e-9 {
		t.Fatalf("connected since 07:55, read at 08:30: %+v", got)
	}
	got = Assess(r, []Interval{{From: at(-5)}}, at(-1))
	if got.Status != Attending || !got.FirstSeen.Equal(at(-5)) || got.Minutes != 0 {
		t.Fatalf("waiting before the start: %+v", got)
	}
	got = Assess(r, []Interval{{at(-20), at(-10)}, {at(30), at(60)}}, at(200))
	if !got.FirstSeen.Equal(at(30)) || !got.LastSeen.Equal(at(60)) || got.Status != Late {
		t.Fatalf("left before the start and came at 08:30: %+v", got)
	}
	got = Assess(r, []Interval{{From: at(0)}}, at(200))
	if !got.LastSeen.Equal(at(100)) {
		t.Fatalf("there to the end: last seen %v", got.LastSeen)
	}
}
