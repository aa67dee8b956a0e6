package report

import (
	"context"
	"fmt"
	"sort"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// Progress rolls up the officers' progress in a course by unit, for the
// trainers who track a training round.
type Progress struct {
	db   *store.DB
	live LiveAttendance
}

// LiveAttendance counts, per officer, the required live sessions of a
// course that are over: attended and required (package live answers it).
type LiveAttendance func(ctx context.Context, courseID string, now time.Time) (map[int64][2]int, error)

// NewProgress returns the roll-up service; live may be nil (no live column).
func NewProgress(db *store.DB, live LiveAttendance) *Progress { return &Progress{db: db, live: live} }

// Counts are the numbers of a unit (and the units below it) in a course.
type Counts struct {
	Officers  int // active trainees
	Enrolled  int // assigned the course
	Started   int // opened a module
	Completed int // read every module
	Passed    int // passed the exam
	Certified int // hold a valid certificate
	Finished  int // done what the course asks: certified, else passed, else read it all
	Overdue   int // enrolled, not finished, and the due date has passed
	// Live sessions: required ones that are over, summed over the officers
	// expected at them, and how many of those they attended.
	LiveRequired int
	LiveAttended int
}

// LivePct is the share of required live attendances that happened, 0–100.
func (c Counts) LivePct() float64 {
	if c.LiveRequired == 0 {
		return 0
	}
	return float64(c.LiveAttended) * 100 / float64(c.LiveRequired)
}

// FinishedPct is the share of the enrolled who have finished, 0–100.
func (c Counts) FinishedPct() float64 {
	if c.Enrolled == 0 {
		return 0
	}
	return float64(c.Finished) * 100 / float64(c.Enrolled)
}

// Status is one officer's standing in a course.
type Status struct {
	Enrolled    bool
	Due         time.Time // zero: no due date
	Started     bool
	ModulesDone int
	Modules     int
	Completed   bool
	Passed      time.Time // zero: not passed
	Certified   time.Time // zero: no valid certificate
	Finished    bool
	Overdue     bool
	LastAt      time.Time
	Live        [2]int // required live sessions over: attended, required
}

// UnitRow is one unit of a roll-up with the numbers of its whole subtree.
type UnitRow struct {
	Unit     model.Unit
	Direct   bool // the officers attached to the parent unit itself
	Children bool // has units below it to drill into
	Counts
}

// Rollup is a course's progress under one unit (or at the top), one row
// per unit directly below it.
type Rollup struct {
	Course *course.Course
	Root   model.Unit   // zero at the top of the user's scope
	Path   []model.Unit // from the top down to Root, for the breadcrumbs
	Rows   []UnitRow
	Total  Counts
	// Weeks is how many had finished by the end of each of the last twelve
	// weeks, oldest first, for the chart over time.
	Weeks []WeekCount
}

// WeekCount is a point of the chart over time.
type WeekCount struct {
	End      time.Time
	Finished int
}

// snapshot is what a roll-up or a list reads once.
type snapshot struct {
	units    map[int64]model.Unit
	children map[int64][]int64
	trainees map[int64]int64 // id → unit
	unitDue  map[int64]time.Time
	userDue  map[int64]time.Time
	enrolled map[int64]bool // units with an enrolment, for "enrolled" without a due date
	named    map[int64]bool
	progress map[int64]model.CourseProgress
	passed   map[int64]time.Time
	certs    map[int64]time.Time
	live     map[int64][2]int
	modules  int
	co       *course.Course
	now      time.Time
	covered  map[int64]unitCover // memo: what reaches a unit from above
}

type unitCover struct {
	enrolled bool
	due      time.Time
}

func (p *Progress) load(ctx context.Context, co *course.Course, now time.Time) (*snapshot, error) {
	s := &snapshot{units: map[int64]model.Unit{}, children: map[int64][]int64{}, unitDue: map[int64]time.Time{}, userDue: map[int64]time.Time{},
		enrolled: map[int64]bool{}, named: map[int64]bool{}, co: co, now: now, modules: len(co.Modules), covered: map[int64]unitCover{}}
	units, err := p.db.Units(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		s.units[u.ID] = u
		s.children[u.ParentID] = append(s.children[u.ParentID], u.ID)
	}
	enrols, err := p.db.Enrolments(ctx, co.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range enrols {
		switch {
		case e.UnitID != 0:
			s.enrolled[e.UnitID] = true
			s.unitDue[e.UnitID] = earlier(s.unitDue[e.UnitID], e.DueAt)
		case e.GroupID != 0:
			members, err := p.db.GroupMembers(ctx, e.GroupID)
			if err != nil {
				return nil, err
			}
			for _, u := range members {
				s.userDue[u] = dueOf(s.named[u], s.userDue[u], e.DueAt)
				s.named[u] = true
			}
		default:
			s.userDue[e.UserID] = dueOf(s.named[e.UserID], s.userDue[e.UserID], e.DueAt)
			s.named[e.UserID] = true
		}
	}
	if s.trainees, err = p.db.TraineeUnits(ctx); err != nil {
		return nil, err
	}
	if s.progress, err = p.db.CourseProgressOf(ctx, co.ID); err != nil {
		return nil, err
	}
	if s.passed, err = p.db.ExamPassers(ctx, co.ID); err != nil {
		return nil, err
	}
	if s.certs, err = p.db.CertificateHolders(ctx, co.ID); err != nil {
		return nil, err
	}
	if p.live != nil {
		if s.live, err = p.live(ctx, co.ID, now); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// dueOf folds one more enrolment's due date into an officer's: the first
// enrolment sets it, later ones can only bring it forward.
func dueOf(had bool, cur, next time.Time) time.Time {
	if !had {
		return next
	}
	return earlier(cur, next)
}

// earlier is the earlier of two due dates, zero meaning none.
func earlier(a, b time.Time) time.Time {
	if a.IsZero() || !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}

// cover is what reaches a unit from enrolments of it and the units above it.
func (s *snapshot) cover(unit int64) unitCover {
	if c, ok := s.covered[unit]; ok {
		return c
	}
	var c unitCover
	u, ok := s.units[unit]
	if ok && u.ParentID != 0 && u.ParentID != unit {
		s.covered[unit] = unitCover{} // guards a loop in bad data
		c = s.cover(u.ParentID)
	}
	if s.enrolled[unit] {
		c.enrolled = true
		c.due = earlier(c.due, s.unitDue[unit])
	}
	s.covered[unit] = c
	return c
}

// status works out one officer's standing.
func (s *snapshot) status(id, unit int64) Status {
	c := s.cover(unit)
	p, started := s.progress[id]
	st := standing(s.co, c.enrolled || s.named[id], earlier(c.due, s.userDue[id]), p, started, s.passed[id], s.certs[id], s.now)
	st.Live = s.live[id]
	return st
}

// standing is the rule of a status, shared by the roll-ups and a trainee's
// own page: a course is finished by its certificate when it gives one,
// else by passing its exam, else by reading every module; overdue is
// enrolled, unfinished and past the due date.
func standing(co *course.Course, enrolled bool, due time.Time, p model.CourseProgress, started bool, passed, cert time.Time, now time.Time) Status {
	st := Status{Enrolled: enrolled, Due: due, Modules: len(co.Modules), Started: started, Passed: passed, Certified: cert}
	if started {
		st.ModulesDone, st.LastAt = min(p.ModulesDone, st.Modules), p.LastAt
	}
	st.Completed = st.Modules > 0 && st.ModulesDone >= st.Modules
	switch {
	case co.Cert != nil:
		st.Finished = !cert.IsZero()
	case co.Exam != nil:
		st.Finished = !passed.IsZero()
	default:
		st.Finished = st.Completed
	}
	st.Overdue = st.Enrolled && !st.Finished && !st.Due.IsZero() && now.After(st.Due)
	return st
}

// Assignment is a course assigned to an officer, with their standing.
type Assignment struct {
	Course *course.Course
	Status Status
}

// Assignments returns the courses assigned to u (by name or through their
// unit and those above it), the overdue first, then by due date: what the
// trainee's home page shows before anything else.
func (p *Progress) Assignments(ctx context.Context, u model.User, cat *course.Catalog, now time.Time) ([]Assignment, error) {
	var chain []int64
	for id, steps := u.UnitID, 0; id != 0 && steps < 16; steps++ {
		chain = append(chain, id)
		un, err := p.db.UnitByID(ctx, id)
		if err != nil {
			return nil, err
		}
		id = un.ParentID
	}
	enrols, err := p.db.EnrolmentsFor(ctx, u.ID, chain)
	if err != nil || len(enrols) == 0 {
		return nil, err
	}
	due := map[string]time.Time{}
	for _, e := range enrols {
		if _, ok := due[e.CourseID]; !ok {
			due[e.CourseID] = e.DueAt
		} else {
			due[e.CourseID] = earlier(due[e.CourseID], e.DueAt)
		}
	}
	prog, err := p.db.UserCourseProgress(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	passes, err := p.db.UserExamPasses(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	certs, err := p.db.UserCertificates(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	var out []Assignment
	for id, d := range due {
		co := cat.Course(id)
		if co == nil {
			continue
		}
		pr, started := prog[id]
		out = append(out, Assignment{Course: co, Status: standing(co, true, d, pr, started, passes[id], certs[id], now)})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Status, out[j].Status
		if a.Overdue != b.Overdue {
			return a.Overdue
		}
		if a.Finished != b.Finished {
			return !a.Finished
		}
		if a.Due.IsZero() != b.Due.IsZero() {
			return !a.Due.IsZero()
		}
		if !a.Due.Equal(b.Due) {
			return a.Due.Before(b.Due)
		}
		return out[i].Course.Order < out[j].Course.Order
	})
	return out, nil
}

func (c *Counts) count(st Status) {
	c.Officers++
	c.LiveAttended += st.Live[0]
	c.LiveRequired += st.Live[1]
	if !st.Enrolled {
		return
	}
	c.Enrolled++
	if st.Started {
		c.Started++
	}
	if st.Completed {
		c.Completed++
	}
	if !st.Passed.IsZero() {
		c.Passed++
	}
	if !st.Certified.IsZero() {
		c.Certified++
	}
	if st.Finished {
		c.Finished++
	}
	if st.Overdue {
		c.Overdue++
	}
}

// Rollup counts a course's progress below rootID (0: the top of the
// scope), one row per unit directly below, each with its whole subtree;
// officers attached to the root itself make a row of their own.
func (p *Progress) Rollup(ctx context.Context, co *course.Course, rootID int64, sc model.Scope, now time.Time) (Rollup, error) {
	s, err := p.load(ctx, co, now)
	if err != nil {
		return Rollup{}, fmt.Errorf("report: roll-up of %s: %w", co.ID, err)
	}
	r := Rollup{Course: co}
	var rowUnits []int64
	if rootID != 0 {
		root, ok := s.units[rootID]
		if !ok || !sc.Has(rootID) {
			return r, store.ErrNotFound
		}
		r.Root = root
		for id := rootID; id != 0; id = s.units[id].ParentID {
			if !sc.Has(id) {
				break // the breadcrumbs stop at the top of the scope
			}
			r.Path = append([]model.Unit{s.units[id]}, r.Path...)
			if len(r.Path) > len(s.units) {
				break
			}
		}
		rowUnits = s.children[rootID]
	} else if sc.All {
		rowUnits = s.children[0]
	} else {
		rowUnits = sc.Roots
	}
	// Map every unit to its row: itself, or the row unit above it.
	rowOf := map[int64]int{}
	for i, id := range rowUnits {
		rowOf[id] = i
		r.Rows = append(r.Rows, UnitRow{Unit: s.units[id], Children: len(s.children[id]) > 0})
	}
	direct := -1
	if rootID != 0 {
		direct = len(r.Rows)
		r.Rows = append(r.Rows, UnitRow{Unit: r.Root, Direct: true})
		rowOf[rootID] = direct
	}
	var find func(unit int64, depth int) (int, bool)
	memo := map[int64]int{}
	find = func(unit int64, depth int) (int, bool) {
		if i, ok := rowOf[unit]; ok {
			return i, true
		}
		if i, ok := memo[unit]; ok {
			return i, i >= 0
		}
		u, ok := s.units[unit]
		if !ok || u.ParentID == 0 || depth > len(s.units) {
			memo[unit] = -1
			return -1, false
		}
		i, ok := find(u.ParentID, depth+1)
		if !ok {
			i = -1
		}
		memo[unit] = i
		return i, ok
	}
	var finished []time.Time
	for id, unit := range s.trainees {
		if !sc.Has(unit) {
			continue
		}
		i, ok := find(unit, 0)
		if !ok {
			continue
		}
		st := s.status(id, unit)
		r.Rows[i].count(st)
		r.Total.count(st)
		if st.Enrolled && st.Finished {
			finished = append(finished, finishedAt(st))
		}
	}
	if direct >= 0 && r.Rows[direct].Officers == 0 {
		r.Rows = r.Rows[:direct]
	}
	col := collate.New(language.Vietnamese)
	sort.SliceStable(r.Rows, func(i, j int) bool {
		if r.Rows[i].Direct != r.Rows[j].Direct {
			return r.Rows[i].Direct // the root's own officers first
		}
		return col.CompareString(r.Rows[i].Unit.Name, r.Rows[j].Unit.Name) < 0
	})
	r.Weeks = weekly(finished, now, 12)
	return r, nil
}

// finishedAt is when an officer finished: certified, else passed, else
// their last reading.
func finishedAt(st Status) time.Time {
	switch {
	case !st.Certified.IsZero():
		return st.Certified
	case !st.Passed.IsZero():
		return st.Passed
	}
	return st.LastAt
}

// weekly counts how many had finished by the end of each of the last n
// weeks.
func weekly(done []time.Time, now time.Time, n int) []WeekCount {
	sort.Slice(done, func(i, j int) bool { return done[i].Before(done[j]) })
	out := make([]WeekCount, n)
	k := 0
	for i := 0; i < n; i++ {
		end := now.Add(-time.Duration(n-1-i) * 7 * 24 * time.Hour)
		for k < len(done) && !done[k].After(end) {
			k++
		}
		out[i] = WeekCount{End: end, Finished: k}
	}
	return out
}

// OfficerRow is one officer with their standing in a course.
type OfficerRow struct {
	User   model.User
	Unit   model.Unit
	Status Status
}

// Officers lists the officers attached to one unit (not those below it)
// with their standing, sorted by Vietnamese name: a commune's drill-down.
func (p *Progress) Officers(ctx context.Context, co *course.Course, unitID int64, sc model.Scope, now time.Time) ([]OfficerRow, error) {
	if !sc.Has(unitID) {
		return nil, store.ErrNotFound
	}
	s, err := p.load(ctx, co, now)
	if err != nil {
		return nil, fmt.Errorf("report: officers of unit %d: %w", unitID, err)
	}
	var ids []int64
	for id, unit := range s.trainees {
		if unit == unitID {
			ids = append(ids, id)
		}
	}
	return p.rows(ctx, s, ids)
}

// Overdue lists the enrolled officers in scope whose due date has passed
// without finishing, by unit and name: the list a trainer sends reminders
// from.
func (p *Progress) Overdue(ctx context.Context, co *course.Course, sc model.Scope, now time.Time) ([]OfficerRow, error) {
	s, err := p.load(ctx, co, now)
	if err != nil {
		return nil, fmt.Errorf("report: overdue in %s: %w", co.ID, err)
	}
	var ids []int64
	for id, unit := range s.trainees {
		if sc.Has(unit) && s.status(id, unit).Overdue {
			ids = append(ids, id)
		}
	}
	return p.rows(ctx, s, ids)
}

func (p *Progress) rows(ctx context.Context, s *snapshot, ids []int64) ([]OfficerRow, error) {
	users, err := p.db.UsersByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]OfficerRow, 0, len(users))
	for _, u := range users {
		out = append(out, OfficerRow{User: u, Unit: s.units[u.UnitID], Status: s.status(u.ID, u.UnitID)})
	}
	col := collate.New(language.Vietnamese)
	sort.SliceStable(out, func(i, j int) bool {
		if c := col.CompareString(out[i].Unit.Name, out[j].Unit.Name); c != 0 {
			return c < 0
		}
		if c := col.CompareString(out[i].User.GivenName(), out[j].User.GivenName()); c != 0 {
			return c < 0
		}
		return col.CompareString(out[i].User.FullName, out[j].User.FullName) < 0
	})
	return out, nil
}

// Standing returns one officer's standing in a course, for their record.
func (p *Progress) Standing(ctx context.Context, co *course.Course, u model.User, now time.Time) (Status, error) {
	s, err := p.load(ctx, co, now)
	if err != nil {
		return Status{}, err
	}
	return s.status(u.ID, u.UnitID), nil
}

// CourseRecord is one course of an officer's record.
type CourseRecord struct {
	Course   *course.Course
	Status   Status
	Modules  []ModuleRecord
	Attempts []model.Attempt // exam attempts, newest first
	Cert     model.Certificate
}

// ModuleRecord is one module of a course with when the officer read and
// completed it.
type ModuleRecord struct {
	Module    *course.Module
	FirstSeen time.Time
	Completed time.Time
}

// Record is an officer's whole record across the trainees' courses: the
// drill-down from a unit to one person.
func (p *Progress) Record(ctx context.Context, u model.User, cat *course.Catalog, now time.Time) ([]CourseRecord, error) {
	assigned, err := p.Assignments(ctx, u, cat, now)
	if err != nil {
		return nil, err
	}
	byCourse := map[string]Status{}
	for _, a := range assigned {
		byCourse[a.Course.ID] = a.Status
	}
	mods, err := p.db.UserProgress(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	seen := map[string]model.ModuleProgress{}
	for _, m := range mods {
		seen[m.CourseID+"/"+m.ModuleID] = m
	}
	prog, err := p.db.UserCourseProgress(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	passes, err := p.db.UserExamPasses(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	certs, err := p.db.UserCertificates(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	var out []CourseRecord
	for _, co := range cat.Courses {
		if co.ForTrainers {
			continue
		}
		st, ok := byCourse[co.ID]
		if !ok {
			pr, started := prog[co.ID]
			st = standing(co, false, time.Time{}, pr, started, passes[co.ID], certs[co.ID], now)
		}
		rec := CourseRecord{Course: co, Status: st}
		for _, m := range co.Modules {
			mp := seen[co.ID+"/"+m.ID]
			rec.Modules = append(rec.Modules, ModuleRecord{Module: m, FirstSeen: mp.FirstSeenAt, Completed: mp.CompletedAt})
		}
		if rec.Attempts, err = p.db.Attempts(ctx, u.ID, co.ID, model.AttemptExam); err != nil {
			return nil, err
		}
		if !st.Certified.IsZero() {
			if rec.Cert, err = p.db.ValidCertificate(ctx, u.ID, co.ID); err != nil {
				return nil, err
			}
		}
		out = append(out, rec)
	}
	return out, nil
}
