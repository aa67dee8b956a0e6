package course

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// officers reads usernames separated by commas, spaces or lines into the
// trainees they name, each within sc; an unknown one, or one outside the
// scope, is named in the error.
func (e *Enrolments) officers(ctx context.Context, list string, sc model.Scope, field string) ([]int64, model.ValidationError) {
	var ids []int64
	var errs model.ValidationError
	seen := map[int64]bool{}
	for _, n := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
		u, err := e.db.UserByUsername(ctx, strings.ToLower(n))
		if err != nil || u.Role != model.RoleTrainee || !sc.Has(u.UnitID) {
			errs = append(errs, enrolErr(field, fmt.Sprintf("Không có cán bộ %q trong phạm vi bạn phụ trách.", n), fmt.Sprintf("No officer %q in your charge.", n)))
			continue
		}
		if !seen[u.ID] {
			seen[u.ID] = true
			ids = append(ids, u.ID)
		}
	}
	return ids, errs
}

// CreateGroup makes a named group of officers in the owner's charge.
func (e *Enrolments) CreateGroup(ctx context.Context, name, usernames string, owner int64, sc model.Scope, now time.Time) (model.Group, error) {
	name = strings.Join(strings.Fields(name), " ")
	var errs model.ValidationError
	if n := utf8.RuneCountInString(name); n < 2 || n > 100 {
		errs = append(errs, enrolErr("name", "Tên nhóm dài từ 2 đến 100 ký tự.", "A group's name is 2 to 100 characters long."))
	}
	ids, bad := e.officers(ctx, usernames, sc, "members")
	errs = append(errs, bad...)
	if len(ids) == 0 && len(bad) == 0 {
		errs = append(errs, enrolErr("members", "Nhập tên đăng nhập của các thành viên.", "Enter the members' usernames."))
	}
	if len(errs) > 0 {
		return model.Group{}, errs
	}
	g := model.Group{Name: name, OwnerID: owner, CreatedAt: now, Members: ids}
	err := e.db.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateGroup(ctx, &g); err != nil {
			return err
		}
		return tx.Audit(ctx, now, owner, "group.create", fmt.Sprintf("group:%d", g.ID), nil, map[string]any{"name": name, "members": ids})
	})
	if err != nil {
		return g, fmt.Errorf("course: create group: %w", err)
	}
	return g, nil
}

// Groups returns the groups a user may use: their own, or all for an
// administrator.
func (e *Enrolments) Groups(ctx context.Context, viewer int64, sc model.Scope) ([]model.Group, error) {
	owner := viewer
	if sc.All {
		owner = 0
	}
	return e.db.Groups(ctx, owner)
}

// DeleteGroup removes a group of the viewer's (any, for an administrator)
// with the enrolments made for it; another's is not found.
func (e *Enrolments) DeleteGroup(ctx context.Context, id, actor int64, sc model.Scope, now time.Time) error {
	g, err := e.db.Group(ctx, id)
	if err != nil {
		return err
	}
	if g.OwnerID != actor && !sc.All {
		return store.ErrNotFound
	}
	return e.db.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteGroup(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, now, actor, "group.delete", fmt.Sprintf("group:%d", id), map[string]any{"name": g.Name, "members": g.Members}, nil)
	})
}
