// Package live runs live training sessions: one hub goroutine per room that
// owns its state, websocket clients with reader and writer goroutines, the
// protocol, polls and roll calls, and the attendance that proves who was there.
package live

import (
	"sort"
	"time"
)

// Attendance statuses of an expected participant.
const (
	Present   = "present"    // on time and connected for at least the required share
	Late      = "late"       // first arrived after the late threshold
	LeftEarly = "left_early" // on time, but connected for less than the required share
	Absent    = "absent"     // never connected or checked in
)

// Rules are a session's attendance rules.
type Rules struct {
	Start, End time.Time
	LateAfter  time.Duration // arriving later than Start+LateAfter is late
	PresentPct float64       // share of the session (0–100) to count as attended
}

// Interval is a span of presence: a connection from join to leave, or a
// check-in in the hall (which runs to the end of the session).
type Interval struct {
	From, To time.Time // To zero: still connected
}

// Result is one participant's attendance.
type Result struct {
	Status    string
	Attended  bool // present long enough to count (for certificates and totals), late or not
	Minutes   float64
	Share     float64 // of the session, 0–100
	FirstSeen time.Time
	LastSeen  time.Time
}

// Assess applies the rules to a participant's intervals as of now: open
// intervals count up to now (or the session end, if earlier), and before the
// end the share is of the time elapsed so far.
//
//	absent:     no presence at all;
//	late:       the first arrival was after Start+LateAfter;
//	left early: arrived in time but was present less than PresentPct;
//	present:    arrived in time and was present at least PresentPct.
//
// Attended is true whenever the presence reaches PresentPct, so someone who
// came late but stayed still counts; reconnections are merged, not double
// counted.
func Assess(r Rules, spans []Interval, now time.Time) Result {
	end := r.End
	if now.Before(end) {
		end = now
	}
	var clipped []Interval
	for _, s := range spans {
		from, to := s.From, s.To
		if to.IsZero() || to.After(end) {
			to = end
		}
		if from.Before(r.Start) {
			from = r.Start
		}
		if to.After(from) {
			clipped = append(clipped, Interval{from, to})
		}
	}
	if len(clipped) == 0 {
		return Result{Status: Absent}
	}
	sort.Slice(clipped, func(i, j int) bool { return clipped[i].From.Before(clipped[j].From) })
	var total time.Duration
	cur := clipped[0]
	for _, s := range clipped[1:] {
		if s.From.After(cur.To) {
			total += cur.To.Sub(cur.From)
			cur = s
		} else if s.To.After(cur.To) {
			cur.To = s.To
		}
	}
	total += cur.To.Sub(cur.From)
	res := Result{Minutes: total.Minutes(), FirstSeen: clipped[0].From, LastSeen: cur.To}
	// During the session the share is of the time elapsed so far, so a report
	// taken mid-way shows who is keeping up rather than everyone "left early".
	if length := end.Sub(r.Start); length > 0 {
		res.Share = float64(total) * 100 / float64(length)
	}
	res.Attended = res.Share+1e-9 >= r.PresentPct
	switch {
	case res.FirstSeen.After(r.Start.Add(r.LateAfter)):
		res.Status = Late
	case !res.Attended:
		res.Status = LeftEarly
	default:
		res.Status = Present
	}
	return res
}
