package auth

import (
	"context"
	"testing"

	"github.com/tdkt/tdkt/internal/model"
)

// A trainer's scope is the units in charge and everything below them; by
// default the trainer's own unit; an administrator sees everything and a
// trainee nothing.
func TestScope(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	seedUnits(t, s)
	for _, in := range []UnitInput{
		{Code: "27", Name: "Tỉnh Bắc Giang", Kind: "tinh"},
		{Code: "07500", Name: "Xã Yên Dũng", Kind: "xa", ParentCode: "27"},
	} {
		if _, err := s.CreateUnit(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	id := func(code string) int64 {
		u, err := s.UnitByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	mk := func(name, role, unit, inCharge string) model.User {
		u, err := s.CreateUser(ctx, UserInput{Username: name, FullName: "Người " + name, Role: role, UnitCode: unit, Password: "mat-khau-dai-du", InCharge: inCharge}, false)
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return u
	}
	own := mk("gvsnv", "trainer", "SNV24", "")
	prov := mk("gvtinh", "trainer", "SNV24", "24")
	two := mk("gvhai", "trainer", "SNV24", "07441, 27")
	admin := mk("quantri", "admin", "24", "")
	trainee := mk("hocvien", "trainee", "07441", "24") // a trainee is in charge of nothing, whatever the form says

	for _, tc := range []struct {
		u       model.User
		in, out []string
	}{
		{own, []string{"SNV24"}, []string{"24", "07441", "27"}},
		{prov, []string{"24", "07441", "SNV24"}, []string{"27", "07500"}},
		{two, []string{"07441", "27", "07500"}, []string{"24", "SNV24"}},
		{trainee, nil, []string{"24", "07441"}},
	} {
		sc, err := s.Scope(ctx, tc.u)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range tc.in {
			if !sc.Has(id(c)) {
				t.Errorf("%s: %s not in scope", tc.u.Username, c)
			}
		}
		for _, c := range tc.out {
			if sc.Has(id(c)) {
				t.Errorf("%s: %s in scope", tc.u.Username, c)
			}
		}
	}
	if sc, _ := s.Scope(ctx, admin); !sc.All || !sc.Has(id("27")) || sc.UnitIDs() != nil {
		t.Fatalf("admin scope = %+v", sc)
	}
	// The form names the units by code; an unknown one is refused, naming it.
	_, err := s.UpdateUser(ctx, two.ID, UserInput{Username: "gvhai", FullName: "Người gvhai", Role: "trainer", UnitCode: "SNV24", InCharge: "07441 99999"})
	if fieldOf(err) != "in_charge" {
		t.Fatalf("unknown unit in charge: %v", err)
	}
	if got, _ := s.InCharge(ctx, two); got != "07441, 27" && got != "27, 07441" {
		t.Fatalf("a refused form changed the units in charge: %q", got)
	}
	// Made a trainee, the units in charge go.
	if _, err := s.UpdateUser(ctx, two.ID, UserInput{Username: "gvhai", FullName: "Người gvhai", Role: "trainee", UnitCode: "SNV24", InCharge: "27"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.InCharge(ctx, two); got != "" {
		t.Fatalf("a trainee keeps units in charge: %q", got)
	}
}
