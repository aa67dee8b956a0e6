package course

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// Enrolments assigns courses to units and officers, with due dates.
type Enrolments struct {
	db  *store.DB
	cat *Catalog
}

// NewEnrolments returns the enrolment service.
func NewEnrolments(db *store.DB, cat *Catalog) *Enrolments { return &Enrolments{db: db, cat: cat} }

// EnrolInput is the enrolment form: a course for a unit (and every unit
// below it) or for officers named by username, due by a date or not.
type EnrolInput struct {
	CourseID  string
	UnitCode  string
	Usernames string // separated by commas, spaces or lines
	GroupID   int64  // or a named group
	Due       time.Time
}

func enrolErr(field, vi, en string) model.FieldError {
	return model.FieldError{Field: field, Msg: model.Text{VI: vi, EN: en}}
}

// Create validates in and stores the enrolments it asks for, one for the
// unit or one per officer, all or none. The unit and the officers must be
// within sc, the scope of the trainer who enrols them.
func (e *Enrolments) Create(ctx context.Context, in EnrolInput, actor int64, sc model.Scope, now time.Time) ([]model.Enrolment, error) {
	var errs model.ValidationError
	co := e.cat.Course(in.CourseID)
	if co == nil || co.ForTrainers {
		errs = append(errs, enrolErr("course", "Chọn một khóa học dành cho học viên.", "Choose a course for trainees."))
	}
	names := strings.FieldsFunc(in.Usernames, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
	code := strings.TrimSpace(in.UnitCode)
	targets := 0
	for _, set := range []bool{code != "", len(names) > 0, in.GroupID != 0} {
		if set {
			targets++
		}
	}
	if targets != 1 {
		errs = append(errs, enrolErr("unit", "Chọn một đơn vị, hoặc một nhóm, hoặc nhập tên đăng nhập của các cán bộ (chỉ một trong ba).",
			"Choose a unit, or a group, or enter the officers' usernames (one of the three)."))
	}
	if in.GroupID != 0 {
		g, err := e.db.Group(ctx, in.GroupID)
		if errors.Is(err, store.ErrNotFound) || err == nil && g.OwnerID != actor && !sc.All {
			errs = append(errs, enrolErr("group", "Không có nhóm này.", "No such group."))
		} else if err != nil {
			return nil, err
		}
	}
	if !in.Due.IsZero() && in.Due.Before(now) {
		errs = append(errs, enrolErr("due", "Hạn hoàn thành phải sau hôm nay.", "The due date must be after today."))
	}
	base := model.Enrolment{CourseID: in.CourseID, DueAt: in.Due, CreatedBy: actor, CreatedAt: now}
	var out []model.Enrolment
	if in.GroupID != 0 && len(errs) == 0 {
		en := base
		en.GroupID = in.GroupID
		out = append(out, en)
	}
	if code != "" {
		u, err := e.db.UnitByCode(ctx, code)
		switch {
		case errors.Is(err, store.ErrNotFound):
			errs = append(errs, enrolErr("unit", fmt.Sprintf("Không có đơn vị mã %q.", code), fmt.Sprintf("No unit has code %q.", code)))
		case err != nil:
			return nil, err
		case !sc.Has(u.ID):
			errs = append(errs, enrolErr("unit", fmt.Sprintf("Đơn vị %s không thuộc phạm vi bạn phụ trách.", u.Name), fmt.Sprintf("The unit %s is not in your charge.", u.Name)))
		default:
			en := base
			en.UnitID = u.ID
			out = append(out, en)
		}
	}
	if len(names) > 0 {
		ids, bad := e.officers(ctx, in.Usernames, sc, "usernames")
		errs = append(errs, bad...)
		for _, id := range ids {
			en := base
			en.UserID = id
			out = append(out, en)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	err := e.db.WithTx(ctx, func(tx *store.Tx) error {
		for i := range out {
			if err := tx.CreateEnrolment(ctx, &out[i]); err != nil {
				return err
			}
			if err := tx.Audit(ctx, now, actor, "enrolment.create", fmt.Sprintf("enrolment:%d", out[i].ID), nil, enrolFacts(out[i])); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("course: enrol: %w", err)
	}
	return out, nil
}

// EnrolmentView is an enrolment as the list shows it.
type EnrolmentView struct {
	model.Enrolment
	Course *Course
	Target string // the unit's or the officer's name
}

// List returns the enrolments a trainer may see: those of units and
// officers within sc and of the trainer's own groups, newest first.
func (e *Enrolments) List(ctx context.Context, viewer int64, sc model.Scope) ([]EnrolmentView, error) {
	all, err := e.db.Enrolments(ctx, "")
	if err != nil {
		return nil, err
	}
	var out []EnrolmentView
	for i := len(all) - 1; i >= 0; i-- {
		en := all[i]
		v := EnrolmentView{Enrolment: en, Course: e.cat.Course(en.CourseID)}
		if v.Course == nil {
			continue // a course taken out of the catalogue
		}
		if en.GroupID != 0 {
			g, err := e.db.Group(ctx, en.GroupID)
			if err != nil {
				return nil, err
			}
			if g.OwnerID != viewer && !sc.All {
				continue
			}
			v.Target = fmt.Sprintf("Nhóm “%s” (%d)", g.Name, len(g.Members))
		} else if en.UnitID != 0 {
			if !sc.Has(en.UnitID) {
				continue
			}
			u, err := e.db.UnitByID(ctx, en.UnitID)
			if err != nil {
				return nil, err
			}
			v.Target = u.Name
		} else {
			u, err := e.db.UserByID(ctx, en.UserID)
			if err != nil {
				return nil, err
			}
			if !sc.Has(u.UnitID) {
				continue
			}
			v.Target = u.FullName + " (" + u.Username + ")"
		}
		out = append(out, v)
	}
	return out, nil
}

// Delete removes an enrolment of a unit or officer within sc; progress is
// kept. One out of scope is not found.
func (e *Enrolments) Delete(ctx context.Context, id, actor int64, sc model.Scope, now time.Time) error {
	en, err := e.db.Enrolment(ctx, id)
	if err != nil {
		return err
	}
	if en.GroupID != 0 {
		g, err := e.db.Group(ctx, en.GroupID)
		if err != nil {
			return err
		}
		if g.OwnerID != actor && !sc.All {
			return store.ErrNotFound
		}
		return e.db.WithTx(ctx, func(tx *store.Tx) error {
			if err := tx.DeleteEnrolment(ctx, id); err != nil {
				return err
			}
			return tx.Audit(ctx, now, actor, "enrolment.delete", fmt.Sprintf("enrolment:%d", id), enrolFacts(en), nil)
		})
	}
	unit := en.UnitID
	if unit == 0 {
		u, err := e.db.UserByID(ctx, en.UserID)
		if err != nil {
			return err
		}
		unit = u.UnitID
	}
	if !sc.Has(unit) {
		return store.ErrNotFound
	}
	return e.db.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteEnrolment(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, now, actor, "enrolment.delete", fmt.Sprintf("enrolment:%d", id), enrolFacts(en), nil)
	})
}

// enrolFacts is what the audit log keeps of an enrolment.
func enrolFacts(en model.Enrolment) map[string]any {
	f := map[string]any{"course": en.CourseID}
	switch {
	case en.UnitID != 0:
		f["unit_id"] = en.UnitID
	case en.GroupID != 0:
		f["group_id"] = en.GroupID
	default:
		f["user_id"] = en.UserID
	}
	if !en.DueAt.IsZero() {
		f["due"] = en.DueAt.UTC().Format(time.RFC3339)
	}
	return f
}
