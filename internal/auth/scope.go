package auth

import (
	"context"
	"fmt"
	"strings"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// Scope works out the part of the unit tree u sees and acts on: everything
// for an administrator; for a trainer the units in charge (their own unit
// when none is set) and every unit below them; nothing for a trainee.
func (s *Service) Scope(ctx context.Context, u model.User) (model.Scope, error) {
	switch u.Role {
	case model.RoleAdmin:
		return model.Scope{All: true}, nil
	case model.RoleTrainer:
	default:
		return model.Scope{Units: map[int64]bool{}}, nil
	}
	roots, err := s.db.TrainerUnits(ctx, u.ID)
	if err != nil {
		return model.Scope{}, fmt.Errorf("auth: scope of %s: %w", u.Username, err)
	}
	if len(roots) == 0 {
		roots = []int64{u.UnitID}
	}
	units, err := s.db.Units(ctx)
	if err != nil {
		return model.Scope{}, fmt.Errorf("auth: scope of %s: %w", u.Username, err)
	}
	return model.Scope{Units: subtree(units, roots...), Roots: roots}, nil
}

// InCharge returns the codes of the units trainer u is in charge of, for
// the user form; empty when only their own unit.
func (s *Service) InCharge(ctx context.Context, u model.User) (string, error) {
	ids, err := s.db.TrainerUnits(ctx, u.ID)
	if err != nil {
		return "", err
	}
	codes := make([]string, 0, len(ids))
	for _, id := range ids {
		un, err := s.db.UnitByID(ctx, id)
		if err != nil {
			return "", err
		}
		codes = append(codes, un.Code)
	}
	return strings.Join(codes, ", "), nil
}

// SetInCharge puts trainer u in charge of the units with the given codes
// (empty: their own unit only).
func (s *Service) SetInCharge(ctx context.Context, u model.User, codes string) error {
	c := &checker{}
	ids := s.inChargeUnits(ctx, codes, c)
	if err := c.err(); err != nil {
		return err
	}
	return s.db.WithTx(ctx, func(tx *store.Tx) error { return setInCharge(ctx, tx, u, ids) })
}

// inChargeUnits reads the unit codes a trainer is put in charge of (commas,
// semicolons or spaces between them) into ids, naming any unknown code.
func (s *Service) inChargeUnits(ctx context.Context, codes string, c *checker) []int64 {
	var ids []int64
	seen := map[int64]bool{}
	for _, code := range strings.FieldsFunc(codes, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\t' }) {
		un, err := s.db.UnitByCode(ctx, code)
		if err != nil {
			c.add("in_charge", fmt.Sprintf("Không có đơn vị mã %q.", code), fmt.Sprintf("No unit has code %q.", code))
			continue
		}
		if !seen[un.ID] {
			seen[un.ID] = true
			ids = append(ids, un.ID)
		}
	}
	return ids
}

// setInCharge stores the units a user is in charge of: the given ones for a
// trainer, none for anyone else (a role change clears them).
func setInCharge(ctx context.Context, tx *store.Tx, u model.User, ids []int64) error {
	if u.Role != model.RoleTrainer {
		ids = nil
	}
	return tx.SetTrainerUnits(ctx, u.ID, ids)
}

// Within narrows sc to unit id and every unit below it; the unit must be in
// sc (else the result is empty).
func (s *Service) Within(ctx context.Context, sc model.Scope, id int64) (model.Scope, error) {
	units, err := s.db.Units(ctx)
	if err != nil {
		return model.Scope{}, err
	}
	out := model.Scope{Units: map[int64]bool{}, Roots: []int64{id}}
	if !sc.Has(id) {
		return out, nil
	}
	for u := range subtree(units, id) {
		if sc.Has(u) {
			out.Units[u] = true
		}
	}
	return out, nil
}
