package live

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// Sessions schedules live sessions and reports their attendance.
type Sessions struct {
	db     *store.DB
	writes *store.Batcher // the rooms' writer, flushed before a report reads presence
	clock  func() time.Time
}

// NewSessions returns the scheduling service. writes is the batching writer
// the rooms record presence through; clock is the platform's clock
// (time.Now, or a fixed one in tests).
func NewSessions(db *store.DB, writes *store.Batcher, clock func() time.Time) *Sessions {
	if clock == nil {
		clock = time.Now
	}
	return &Sessions{db: db, writes: writes, clock: clock}
}

// Now is the platform's clock.
func (s *Sessions) Now() time.Time { return s.clock() }

// Input is a scheduling form.
type Input struct {
	Title      string
	CourseID   string
	Modules    []string
	Deck       string // a slide deck of the course, checked by the caller against the catalog
	Makeup     bool   // watching the published recording may count as attending
	Start, End time.Time
	UnitCodes  []string
	LateAfter  int // minutes
	PresentPct float64
	Required   bool
	OpenToAll  bool
	StreamURL  string
}

func field(f, vi, en string) model.FieldError {
	return model.FieldError{Field: f, Msg: model.Text{VI: vi, EN: en}}
}

// Create validates in and schedules a session led by trainerID.
func (s *Sessions) Create(ctx context.Context, in Input, trainerID int64) (model.LiveSession, error) {
	var errs model.ValidationError
	in.Title = strings.TrimSpace(in.Title)
	if n := utf8.RuneCountInString(in.Title); n < 3 || n > 200 {
		errs = append(errs, field("title", "Tiêu đề dài từ 3 đến 200 ký tự.", "The title must be 3 to 200 characters long."))
	}
	if in.Start.IsZero() || in.End.IsZero() || !in.End.After(in.Start) {
		errs = append(errs, field("end", "Giờ kết thúc phải sau giờ bắt đầu.", "The end must come after the start."))
	} else if in.End.Sub(in.Start) > 12*time.Hour {
		errs = append(errs, field("end", "Một buổi học dài tối đa 12 giờ.", "A session lasts at most 12 hours."))
	}
	if in.LateAfter < 0 || in.LateAfter > 240 {
		errs = append(errs, field("late_after", "Số phút tính muộn từ 0 đến 240.", "Late after must be 0 to 240 minutes."))
	}
	if in.PresentPct < 0 || in.PresentPct > 100 {
		errs = append(errs, field("present_pct", "Tỷ lệ có mặt từ 0 đến 100%.", "The presence share must be 0 to 100%."))
	}
	if in.StreamURL != "" {
		if u, err := url.Parse(in.StreamURL); err != nil || u.Scheme != "https" || u.Host == "" {
			errs = append(errs, field("stream_url", "Đường dẫn truyền hình phải bắt đầu bằng https://", "The stream link must start with https://"))
		}
	}
	var units []int64
	for _, code := range in.UnitCodes {
		u, err := s.db.UnitByCode(ctx, strings.TrimSpace(code))
		if err != nil {
			errs = append(errs, field("units", fmt.Sprintf("Không có đơn vị mã %q.", code), fmt.Sprintf("No unit has code %q.", code)))
			break
		}
		units = append(units, u.ID)
	}
	if len(in.UnitCodes) == 0 && !in.OpenToAll {
		errs = append(errs, field("units", "Chọn ít nhất một đơn vị dự, hoặc mở cho mọi người.", "Choose at least one unit, or open the session to everyone."))
	}
	if len(errs) > 0 {
		return model.LiveSession{}, errs
	}
	sess := model.LiveSession{Title: in.Title, CourseID: in.CourseID, Modules: in.Modules, Deck: in.Deck, Makeup: in.Makeup, StartsAt: in.Start, EndsAt: in.End,
		LateAfter: time.Duration(in.LateAfter) * time.Minute, PresentPct: in.PresentPct, Required: in.Required, OpenToAll: in.OpenToAll,
		StreamURL: in.StreamURL, TrainerID: trainerID}
	for try := 0; try < 5; try++ {
		sess.Code = joinCode()
		err := s.db.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateLiveSession(ctx, &sess, units, nil) })
		if errors.Is(err, store.ErrDuplicate) {
			continue // the code is taken: draw another
		}
		return sess, err
	}
	return sess, errors.New("live: no free join code")
}

// joinCode is six digits, easy to read out in a hall or type on a phone.
func joinCode() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(1_000_000))
	return fmt.Sprintf("%06d", n.Int64())
}

// Get returns one session.
func (s *Sessions) Get(ctx context.Context, id int64) (model.LiveSession, error) {
	return s.db.LiveSession(ctx, id)
}

// ByCode returns the session with a join code.
func (s *Sessions) ByCode(ctx context.Context, code string) (model.LiveSession, error) {
	return s.db.LiveSessionByCode(ctx, strings.TrimSpace(code))
}

// Between returns the sessions that ended between from and to, the latest
// first.
func (s *Sessions) Between(ctx context.Context, from, to time.Time) ([]model.LiveSession, error) {
	all, err := s.db.LiveSessions(ctx, from)
	if err != nil {
		return nil, err
	}
	var out []model.LiveSession
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].EndsAt.Before(to) {
			out = append(out, all[i])
		}
	}
	return out, nil
}

// For returns the sessions not yet over that u may join: all of them for
// trainers and admins.
func (s *Sessions) For(ctx context.Context, u model.User, now time.Time) ([]model.LiveSession, error) {
	all, err := s.db.LiveSessions(ctx, now.Add(-time.Hour))
	if err != nil || u.Role != model.RoleTrainee {
		return all, err
	}
	var out []model.LiveSession
	for _, sess := range all {
		if sess.OpenToAll {
			out = append(out, sess)
			continue
		}
		ids, err := s.db.ExpectedUsers(ctx, sess.ID)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if id == u.ID {
				out = append(out, sess)
				break
			}
		}
	}
	return out, nil
}

// Visible says whether u may see and act on session sess from the
// management pages (its attendance, its hall QR code): its trainer and
// administrators always; another trainer when a unit the session expects
// is within their scope. A session open to all with no units is its
// trainer's alone.
func (s *Sessions) Visible(ctx context.Context, sess model.LiveSession, u model.User, sc model.Scope) (bool, error) {
	if sc.All || u.ID == sess.TrainerID {
		return true, nil
	}
	units, err := s.db.LiveExpectedUnits(ctx, sess.ID)
	if err != nil {
		return false, err
	}
	for _, id := range units {
		if sc.Has(id) {
			return true, nil
		}
	}
	return false, nil
}

// Only cuts the report to the expected participants of units within sc,
// with the totals recounted: a trainer of one province sees only their
// own people in a session that spans several.
func (r Report) Only(sc model.Scope) Report {
	if sc.All {
		return r
	}
	rows := r.Rows[:0:0]
	counts := map[string]int{}
	for _, row := range r.Rows {
		if !sc.Has(row.User.UnitID) {
			continue
		}
		rows = append(rows, row)
		counts[row.Result.Status]++
		if row.Result.Attended {
			counts["attended"]++
		}
	}
	r.Rows, r.Counts = rows, counts
	return r
}

// Row is one expected participant in the attendance report.
type Row struct {
	User      model.User
	Unit      model.Unit
	Result    Result
	RollCalls int // roll calls answered
}

// Report is the attendance of a session as of a time.
type Report struct {
	Session model.LiveSession
	Now     time.Time // the moment the report was read
	// Final is set once the session is over; before that every status is
	// provisional (attending, away, not arrived).
	Final  bool
	Rows   []Row // expected participants, by unit then Vietnamese name
	Counts map[string]int
	Extra  int // participants who came without being expected
	// RollCalls is how many roll calls the session has had; a row's
	// RollCalls below it shows the ones that person missed.
	RollCalls int
}

// Started says whether the session had begun when the report was read.
func (r Report) Started() bool { return !r.Now.Before(r.Session.StartsAt) }

// Attendance works out every expected participant's status as of now.
//
// Presence is read from the database after the rooms' pending writes are
// committed, so it holds every join and leave up to this moment. An open
// online row belongs to a live connection: on one node, rows a crash left
// open were closed at start-up (Manager's recovery), the one place that
// has to guess; across nodes, the node that takes over a dead owner's room
// (or sweeps it) closes them where last seen. Open rows therefore count as
// present up to now. (Across nodes, this node's writes are flushed; the
// owner's reach the database within its batcher's linger.)
func (s *Sessions) Attendance(ctx context.Context, id int64, now time.Time) (Report, error) {
	sess, err := s.db.LiveSession(ctx, id)
	if err != nil {
		return Report{}, err
	}
	if s.writes != nil {
		if err := s.writes.Do(ctx, func(*store.Tx) error { return nil }); err != nil {
			return Report{}, fmt.Errorf("live: flush presence: %w", err)
		}
	}
	users, err := s.db.ExpectedUserList(ctx, id)
	if err != nil {
		return Report{}, err
	}
	presence, err := s.db.Presence(ctx, id)
	if err != nil {
		return Report{}, err
	}
	spans := map[int64][]Interval{}
	for _, p := range presence {
		spans[p.UserID] = append(spans[p.UserID], Interval{From: p.JoinedAt, To: p.LeftAt})
	}
	rolls, marks, err := s.db.RollCallTally(ctx, id)
	if err != nil {
		return Report{}, err
	}
	watched, err := s.db.ReplayWatch(ctx, id)
	if err != nil {
		return Report{}, err
	}
	rules := Rules{Start: sess.StartsAt, End: sess.EndsAt, LateAfter: sess.LateAfter, PresentPct: sess.PresentPct}
	rep := Report{Session: sess, Now: now, Final: !now.Before(sess.EndsAt), Counts: map[string]int{}, RollCalls: rolls}
	expected := map[int64]bool{}
	units := map[int64]model.Unit{}
	for _, u := range users {
		uid := u.ID
		expected[uid] = true
		unit, ok := units[u.UnitID]
		if !ok {
			if unit, err = s.db.UnitByID(ctx, u.UnitID); err != nil {
				return rep, err
			}
			units[u.UnitID] = unit
		}
		r := Assess(rules, spans[uid], now)
		r = makeUp(r, sess, watched[uid])
		rep.Rows = append(rep.Rows, Row{User: u, Unit: unit, Result: r, RollCalls: marks[uid]})
		rep.Counts[r.Status]++
		if r.Attended {
			rep.Counts["attended"]++
		}
	}
	for uid := range spans {
		if !expected[uid] && uid != sess.TrainerID {
			rep.Extra++
		}
	}
	col := collate.New(language.Vietnamese)
	sort.SliceStable(rep.Rows, func(i, j int) bool {
		a, b := rep.Rows[i], rep.Rows[j]
		if c := col.CompareString(a.Unit.Name, b.Unit.Name); c != 0 {
			return c < 0
		}
		if c := col.CompareString(a.User.GivenName(), b.User.GivenName()); c != 0 {
			return c < 0
		}
		return col.CompareString(a.User.FullName, b.User.FullName) < 0
	})
	return rep, nil
}

// makeUp applies a session's make-up rule to a final result: when the
// session allows it, live minutes and minutes of the recording played
// together reaching the required share count as attended ("xem lại").
func makeUp(r Result, sess model.LiveSession, seconds float64) Result {
	r.Replay = seconds / 60
	if !sess.Makeup || !r.Final || r.Attended || seconds <= 0 {
		return r
	}
	length := sess.EndsAt.Sub(sess.StartsAt).Minutes()
	if length > 0 && min(r.Minutes+r.Replay, length) >= length*sess.PresentPct/100 {
		r.Status, r.Attended = MadeUp, true
	}
	return r
}

// maxWatchReport bounds one report of the replay page: it reports every
// 30 seconds, so a larger figure is not from the page.
const maxWatchReport = 120

// RecordWatch adds seconds of the recording that the user played (the
// replay page reports what played while it was visible), never more in all
// than the session lasted.
func (s *Sessions) RecordWatch(ctx context.Context, sess model.LiveSession, userID int64, seconds float64) error {
	if !(seconds > 0 && seconds <= maxWatchReport) {
		return model.ValidationError{field("seconds", fmt.Sprintf("Số giây đã xem phải từ 0 đến %d.", maxWatchReport),
			fmt.Sprintf("The seconds played must be between 0 and %d.", maxWatchReport))}
	}
	limit, now := sess.EndsAt.Sub(sess.StartsAt).Seconds(), s.clock()
	return s.writes.Do(ctx, func(tx *store.Tx) error { return tx.AddReplayWatch(ctx, sess.ID, userID, seconds, limit, now) })
}

// CertAttendance answers the certificate rule on live attendance: of the
// course's required sessions that have started and expect the trainee, how
// many did the trainee attend. A session still running counts as required
// and not yet attended: attendance is decided at its end.
type CertAttendance struct{ S *Sessions }

// Attendance implements certificate.Attendance.
func (a CertAttendance) Attendance(ctx context.Context, userID int64, courseID string) (attended, required int, err error) {
	all, err := a.S.db.LiveSessions(ctx, time.Time{})
	if err != nil {
		return 0, 0, err
	}
	now := a.S.clock()
	for _, sess := range all {
		if !sess.Required || sess.CourseID != courseID || sess.StartsAt.After(now) {
			continue
		}
		rep, err := a.S.Attendance(ctx, sess.ID, now)
		if err != nil {
			return 0, 0, err
		}
		for _, row := range rep.Rows {
			if row.User.ID == userID {
				required++
				if row.Result.Attended {
					attended++
				}
			}
		}
	}
	return attended, required, nil
}

// UnitGroup is the rows of one unit in the report, with its totals.
type UnitGroup struct {
	Unit   model.Unit
	First  int // number of the group's first row in the whole list
	Rows   []Row
	Counts map[string]int
}

// Groups splits the rows, already sorted by unit, into one group per unit,
// for the printed list with a total under each unit.
func (r Report) Groups() []UnitGroup {
	var out []UnitGroup
	for i, row := range r.Rows {
		if len(out) == 0 || out[len(out)-1].Unit.ID != row.Unit.ID {
			out = append(out, UnitGroup{Unit: row.Unit, First: i + 1, Counts: map[string]int{}})
		}
		g := &out[len(out)-1]
		g.Rows = append(g.Rows, row)
		g.Counts[row.Result.Status]++
		if row.Result.Attended {
			g.Counts["attended"]++
		}
	}
	return out
}

// CourseAttendance counts, for every officer expected at a required
// session of the course that is over, the sessions attended of those
// required: the live column of the progress roll-ups. Sessions still
// running are left out: their attendance is not decided yet. Each value is
// {attended, required}.
func (s *Sessions) CourseAttendance(ctx context.Context, courseID string, now time.Time) (map[int64][2]int, error) {
	all, err := s.db.LiveSessions(ctx, time.Time{})
	if err != nil {
		return nil, err
	}
	out := map[int64][2]int{}
	for _, sess := range all {
		if !sess.Required || sess.CourseID != courseID || now.Before(sess.EndsAt) {
			continue
		}
		rep, err := s.Attendance(ctx, sess.ID, now)
		if err != nil {
			return nil, err
		}
		for _, row := range rep.Rows {
			c := out[row.User.ID]
			c[1]++
			if row.Result.Attended {
				c[0]++
			}
			out[row.User.ID] = c
		}
	}
	return out, nil
}
