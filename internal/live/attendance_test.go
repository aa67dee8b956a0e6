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
	after := at(200)
	cases := []struct {
		name     string
		spans    []Interval
		now      time.Time
		status   string
		attended bool
		minutes  float64
	}{
		{"never came", nil, after, Absent, false, 0},
		{"whole session", []Interval{iv(0, 100)}, after, Present, true, 100},
		{"joined before the start", []Interval{iv(-15, 100)}, after, Present, true, 100},
		{"five minutes late is on time", []Interval{iv(5, 100)}, after, Present, true, 95},
		{"late but stayed", []Interval{iv(15, 100)}, after, Late, true, 85},
		{"late and short", []Interval{iv(30, 100)}, after, Late, false, 70},
		{"left early", []Interval{iv(0, 60)}, after, LeftEarly, false, 60},
		{"reconnections are merged", []Interval{iv(0, 30), iv(29, 50), iv(52, 100)}, after, Present, true, 98},
		{"overlapping devices count once", []Interval{iv(0, 100), iv(10, 90)}, after, Present, true, 100},
		{"dropped for a long while", []Interval{iv(0, 40), iv(70, 100)}, after, LeftEarly, false, 70},
		{"exactly the share", []Interval{iv(0, 80)}, after, Present, true, 80},
		{"still connected mid-session", []Interval{{From: at(0)}}, at(50), Present, true, 50},
		{"dropped at minute 20, report at 50", []Interval{iv(0, 20)}, at(50), LeftEarly, false, 20},
		{"still connected after the end", []Interval{{From: at(0)}}, after, Present, true, 100},
		{"only after the end", []Interval{iv(120, 130)}, after, Absent, false, 0},
		{"checked in in the hall at minute 3", []Interval{{From: at(3)}}, after, Present, true, 97},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Assess(r, tc.spans, tc.now)
			if got.Status != tc.status || got.Attended != tc.attended || got.Minutes < tc.minutes-1e-9 || got.Minutes > tc.minutes+1e-9 {
				t.Fatalf("got %s attended=%v %.2f min, want %s %v %.2f", got.Status, got.Attended, got.Minutes, tc.status, tc.attended, tc.minutes)
			}
		})
	}
}
