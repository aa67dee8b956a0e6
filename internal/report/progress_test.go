package report

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/store/storetest"
)

type fixture struct {
	db    *store.DB
	co    *course.Course
	units map[string]model.Unit
	users map[string]model.User
	now   time.Time
}

// A province P with communes C1 and C2 and an officer of its own; another
// province Q. The course has two modules and no exam, so reading both
// finishes it.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{db: db, units: map[string]model.Unit{}, users: map[string]model.User{}, now: time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC)}
	f.co = &course.Course{ID: "khoa", Title: "Khóa", Modules: []*course.Module{{ID: "m1"}, {ID: "m2"}}}
	err = db.WithTx(ctx, func(tx *store.Tx) error {
		for _, u := range []struct{ code, name, parent string }{{"P", "Tỉnh P", ""}, {"C1", "Xã Một", "P"}, {"C2", "Phường Hai", "P"}, {"Q", "Tỉnh Q", ""}} {
			unit := model.Unit{Code: u.code, Name: u.name, Kind: model.KindProvince}
			if u.parent != "" {
				unit.Kind, unit.ParentID = model.KindCommune, f.units[u.parent].ID
			}
			if err := tx.CreateUnit(ctx, &unit); err != nil {
				return err
			}
			f.units[u.code] = unit
		}
		for _, u := range []struct{ name, full, unit string }{{"a1", "Trần An", "C1"}, {"a2", "Lê Bình", "C1"}, {"b1", "Phạm Cúc", "C2"},
			{"p1", "Vũ Dung", "P"}, {"q1", "Đỗ Em", "Q"}} {
			user := model.User{Username: u.name, FullName: u.full, Role: model.RoleTrainee, UnitID: f.units[u.unit].ID, PasswordHash: "h"}
			if err := tx.CreateUser(ctx, &user); err != nil {
				return err
			}
			f.users[u.name] = user
		}
		day := 24 * time.Hour
		for _, e := range []model.Enrolment{{CourseID: "khoa", UnitID: f.units["P"].ID, DueAt: f.now.Add(-day)}, {CourseID: "khoa", UserID: f.users["q1"].ID}} {
			e.CreatedBy, e.CreatedAt = f.users["a1"].ID, f.now.Add(-30*day)
			if err := tx.CreateEnrolment(ctx, &e); err != nil {
				return err
			}
		}
		at := f.now.Add(-3 * day)
		if err := tx.RecordVisits(ctx, []store.Visit{{UserID: f.users["a2"].ID, CourseID: "khoa", ModuleID: "m1", At: at}}); err != nil {
			return err
		}
		for _, c := range []struct {
			user, module string
		}{{"a1", "m1"}, {"a1", "m2"}, {"p1", "m1"}} {
			if err := tx.CompleteModule(ctx, f.users[c.user].ID, "khoa", c.module, at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestCourseProgressKeptByTriggers(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p, err := f.db.CourseProgressOf(ctx, "khoa")
	if err != nil || len(p) != 3 || p[f.users["a1"].ID].ModulesDone != 2 || p[f.users["a2"].ID].ModulesDone != 0 || p[f.users["p1"].ID].ModulesDone != 1 {
		t.Fatalf("course progress = %+v %v", p, err)
	}
	// Completing the module a2 had only read moves the count; reading again does not.
	err = f.db.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.CompleteModule(ctx, f.users["a2"].ID, "khoa", "m1", f.now); err != nil {
			return err
		}
		return tx.RecordVisits(ctx, []store.Visit{{UserID: f.users["a2"].ID, CourseID: "khoa", ModuleID: "m1", At: f.now.Add(time.Hour)}})
	})
	if p, _ := f.db.CourseProgressOf(ctx, "khoa"); err != nil || p[f.users["a2"].ID].ModulesDone != 1 || !p[f.users["a2"].ID].LastAt.Equal(f.now.Add(time.Hour)) {
		t.Fatalf("after completing: %+v %v", p[f.users["a2"].ID], err)
	}
}

func TestRollup(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := NewProgress(f.db, nil)
	top, err := p.Rollup(ctx, f.co, 0, model.Scope{All: true}, f.now)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Counts{
		"Tỉnh P": {Officers: 4, Enrolled: 4, Started: 3, Completed: 1, Finished: 1, Overdue: 3},
		"Tỉnh Q": {Officers: 1, Enrolled: 1},
	}
	if len(top.Rows) != 2 || top.Total.Officers != 5 || top.Total.Overdue != 3 {
		t.Fatalf("top = %+v", top)
	}
	for _, r := range top.Rows {
		if r.Counts != want[r.Unit.Name] || !r.Children && r.Unit.Code == "P" {
			t.Errorf("%s = %+v, want %+v", r.Unit.Name, r.Counts, want[r.Unit.Name])
		}
	}
	// A trainer of P: the province's own officer first, then the communes by name.
	sc := model.Scope{Units: map[int64]bool{f.units["P"].ID: true, f.units["C1"].ID: true, f.units["C2"].ID: true}, Roots: []int64{f.units["P"].ID}}
	in, err := p.Rollup(ctx, f.co, f.units["P"].ID, sc, f.now)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range in.Rows {
		names = append(names, r.Unit.Name)
	}
	if strings.Join(names, ",") != "Tỉnh P,Phường Hai,Xã Một" || !in.Rows[0].Direct || in.Rows[2].Officers != 2 || in.Rows[2].Finished != 1 || in.Total.Officers != 4 {
		t.Fatalf("province P: %v %+v", names, in.Rows)
	}
	if len(in.Path) != 1 || in.Weeks[len(in.Weeks)-1].Finished != 1 || in.Weeks[0].Finished != 0 {
		t.Fatalf("path %+v, weeks %+v", in.Path, in.Weeks)
	}
	if _, err := p.Rollup(ctx, f.co, f.units["Q"].ID, sc, f.now); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another province's roll-up: %v", err)
	}
	// The commune's drill-down and the overdue list.
	off, err := p.Officers(ctx, f.co, f.units["C1"].ID, sc, f.now)
	if err != nil || len(off) != 2 || off[0].User.Username != "a1" || !off[0].Status.Finished || !off[1].Status.Overdue || off[1].Status.ModulesDone != 0 {
		t.Fatalf("officers of C1: %+v %v", off, err)
	}
	late, err := p.Overdue(ctx, f.co, sc, f.now)
	var who []string
	for _, o := range late {
		who = append(who, o.User.Username)
	}
	if err != nil || strings.Join(who, ",") != "b1,p1,a2" {
		t.Fatalf("overdue = %v %v (by unit name, then given name)", who, err)
	}
	// The trainee's own page: the overdue course first.
	as, err := p.Assignments(ctx, f.users["a2"], course.NewCatalogOf(f.co), f.now)
	if err != nil || len(as) != 1 || !as[0].Status.Overdue || !as[0].Status.Due.Equal(f.now.Add(-24*time.Hour)) {
		t.Fatalf("assignments = %+v %v", as, err)
	}
	if as, _ := p.Assignments(ctx, f.users["q1"], course.NewCatalogOf(f.co), f.now); len(as) != 1 || as[0].Status.Overdue || !as[0].Status.Due.IsZero() {
		t.Fatalf("named enrolment without a due date = %+v", as)
	}
}
