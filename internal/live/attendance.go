// Package live runs live training sessions: one hub goroutine per room that
// owns its state, websocket clients with reader and writer goroutines, the
// protocol, polls and roll calls, and the attendance that proves who was there.
package live

import (
	"sort"
	"time"
)

// Attendance statuses of an expected participant. The first four are
// final: they are given once the session is over. While it runs (or has not
// started) a status only says where the person stands now, since everyone
// may still come, leave or come back.
const (
	Present   = "present"    // on time and connected for at least the required share
	Late      = "late"       // first arrived after the late threshold
	LeftEarly = "left_early" // on time, but connected for less than the required share
	Absent    = "absent"     // never connected or checked in
	// MadeUp: not attended live, but live minutes and minutes of the
	// published recording played together reach the required share, in a
	// session whose rule allows it. Counts as attended.
	MadeUp = "makeup"

	Attending  = "attending"   // not over yet: connected or checked in in the hall right now
	Away       = "away"        // not over yet: came, but not connected now
	NotArrived = "not_arrived" // not over yet: not come so far
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
	From, To time.Time // To zero: still connected (or a hall check-in)
}

// Result is one participant's attendance.
type Result struct {
	Status string
	// Final is set once the session is over: the status will not change.
	Final bool
	// Attended: final, and present long enough to count (for certificates
	// and totals), late or not.
	Attended bool
	// Late: first arrived after the late threshold; known from the moment
	// of arrival, so also shown while the session runs.
	Late      bool
	Minutes   float64 // present within the session so far
	Share     float64 // of the session (of the time elapsed so far before the end), 0–100
	FirstSeen time.Time
	// LastSeen is when the person was last present: zero while they are
	// still connected during the session; the end for those there to the end.
	LastSeen time.Time
	// Replay is the minutes of the session's recording the person played.
	Replay float64
}

// Assess applies the rules to a participant's intervals as of now. Open
// intervals count up to now, or to the end if that came first; presence
// before the start or after the end does not count.
//
// Once the session is over the status is final:
//
//	absent:     no presence within the session;
//	late:       the first arrival was after Start+LateAfter;
//	left early: arrived in time but was present less than PresentPct;
//	present:    arrived in time and was present at least PresentPct.
//
// Before the end it is provisional: attending (present now), away (came
// but not present now) or not arrived. Minutes and Share then count what has
// elapsed, so a report read mid-way shows who is keeping up.
//
// Reconnections and several devices are merged, not double counted.
func Assess(r Rules, spans []Interval, now time.Time) Result {
	final := !now.Before(r.End)
	end := r.End
	if !final {
		end = now
	}
	// Each clipped span keeps where it really began: a person waiting in the
	// room from 07:50 is shown as arriving at 07:50, though only time from
	// 08:00 counts.
	type span struct {
		Interval
		began time.Time
	}
	var clipped []span
	var connected bool
	var earliestOpen time.Time
	for _, s := range spans {
		if s.From.After(now) {
			continue // not yet: only a clock set back gives this
		}
		from, to := s.From, s.To
		if to.IsZero() || to.After(now) {
			connected = true
			if earliestOpen.IsZero() || from.Before(earliestOpen) {
				earliestOpen = from
			}
		}
		if to.IsZero() || to.After(end) {
			to = end
		}
		if from.Before(r.Start) {
			from = r.Start
		}
		if to.After(from) {
			clipped = append(clipped, span{Interval{from, to}, s.From})
		}
	}
	res := Result{Final: final}
	if len(clipped) > 0 {
		sort.Slice(clipped, func(i, j int) bool {
			a, b := clipped[i], clipped[j]
			return a.From.Before(b.From) || a.From.Equal(b.From) && a.began.Before(b.began)
		})
		var total time.Duration
		cur := clipped[0].Interval
		for _, s := range clipped[1:] {
			if s.From.After(cur.To) {
				total += cur.To.Sub(cur.From)
				cur = s.Interval
			} else if s.To.After(cur.To) {
				cur.To = s.To
			}
		}
		total += cur.To.Sub(cur.From)
		res.Minutes, res.FirstSeen, res.LastSeen = total.Minutes(), clipped[0].began, cur.To
		if length := end.Sub(r.Start); length > 0 {
			res.Share = float64(total) * 100 / float64(length)
		}
		res.Late = clipped[0].From.After(r.Start.Add(r.LateAfter))
	}
	if !final {
		switch {
		case connected:
			res.Status = Attending
			res.LastSeen = time.Time{}
			if res.FirstSeen.IsZero() {
				res.FirstSeen = earliestOpen // waiting in the room before the start
			}
		case len(clipped) > 0:
			res.Status = Away
		default:
			res.Status = NotArrived
		}
		return res
	}
	if len(clipped) == 0 {
		res.Status = Absent
		return res
	}
	res.Attended = res.Share+1e-9 >= r.PresentPct
	switch {
	case res.Late:
		res.Status = Late
	case !res.Attended:
		res.Status = LeftEarly
	default:
		res.Status = Present
	}
	return res
}
