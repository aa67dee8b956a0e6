package demo

import (
	"context"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/store/storetest"
)

func TestSeedIsRepeatableAndLoginsWork(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a := auth.New(db, time.Hour)
	first, err := Seed(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Seed(ctx, a) // a second --demo start
	if err != nil {
		t.Fatal(err)
	}
	if len(second) != len(first) || len(first) < 3 {
		t.Fatalf("logins: %d then %d", len(first), len(second))
	}
	roles := map[string]bool{}
	for i, l := range second {
		if l.Password == first[i].Password {
			t.Errorf("%s kept its old password", l.Username)
		}
		if _, _, err := a.Login(ctx, l.Username, l.Password, "127.0.0.1", ""); err != nil {
			t.Errorf("printed login %s does not work: %v", l.Username, err)
		}
		roles[string(l.Role)] = true
	}
	if !roles["trainer"] || !roles["trainee"] {
		t.Errorf("roles seeded: %v", roles)
	}
	tree, err := a.UnitTree(ctx)
	if err != nil || len(tree) != len(units) {
		t.Fatalf("units: %d, %v", len(tree), err)
	}
	if n, _ := db.CountUsers(ctx); n != len(users) {
		t.Errorf("users after two seeds = %d, want %d", n, len(users))
	}
}
