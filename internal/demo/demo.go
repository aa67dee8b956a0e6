// Package demo seeds a small fictional province so that a newcomer can try
// every role in a minute. It is never run unless asked for.
package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// Login is a demo account and its password.
type Login struct {
	Username, Password, FullName string
	Role                         model.Role
	Unit                         string
}

var units = []auth.UnitInput{
	{Code: "DEMO", Name: "Tỉnh Minh Họa", Kind: "tinh"},
	{Code: "DEMO-SNV", Name: "Sở Nội vụ tỉnh Minh Họa", Kind: "so_nganh", ParentCode: "DEMO"},
	{Code: "DEMO-X01", Name: "Xã An Phú", Kind: "xa", ParentCode: "DEMO"},
	{Code: "DEMO-P02", Name: "Phường Hòa Bình", Kind: "phuong", ParentCode: "DEMO"},
	{Code: "DEMO-X03", Name: "Xã Tân Lập", Kind: "xa", ParentCode: "DEMO"},
	{Code: "DEMO-DK04", Name: "Đặc khu Hòn Ngọc", Kind: "dac_khu", ParentCode: "DEMO"},
}

var users = []auth.UserInput{
	// The trainer sits in the Department of Home Affairs and works for the
	// whole province.
	{Username: "giangvien", FullName: "Nguyễn Thị Thanh Hương", Role: "trainer", UnitCode: "DEMO-SNV", InCharge: "DEMO"},
	{Username: "hocvien1", FullName: "Trần Văn Bình", Role: "trainee", UnitCode: "DEMO-X01"},
	{Username: "hocvien2", FullName: "Lê Thị Mai", Role: "trainee", UnitCode: "DEMO-P02"},
	{Username: "hocvien3", FullName: "Phạm Quốc Anh", Role: "trainee", UnitCode: "DEMO-X03"},
	{Username: "hocvien4", FullName: "Đặng Thu Trang", Role: "trainee", UnitCode: "DEMO-DK04"},
}

// Seed creates the demo units and accounts if missing and gives every demo
// account a fresh password, so the logins printed are always the ones that work.
func Seed(ctx context.Context, a *auth.Service) ([]Login, error) {
	for _, in := range units {
		if _, err := a.UnitByCode(ctx, in.Code); err == nil {
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("demo: look up unit %s: %w", in.Code, err)
		}
		if _, err := a.CreateUnit(ctx, in); err != nil {
			return nil, fmt.Errorf("demo: create unit %s: %w", in.Code, err)
		}
	}
	existing, err := a.Users(ctx)
	if err != nil {
		return nil, fmt.Errorf("demo: list users: %w", err)
	}
	byName := map[string]model.User{}
	for _, u := range existing {
		byName[u.Username] = u
	}
	var out []Login
	for _, in := range users {
		pw := auth.GeneratePassword()
		if u, ok := byName[in.Username]; ok {
			if err := a.SetPassword(ctx, u.ID, pw, false); err != nil {
				return nil, fmt.Errorf("demo: reset password of %s: %w", in.Username, err)
			}
			if in.InCharge != "" {
				if err := a.SetInCharge(ctx, u, in.InCharge); err != nil {
					return nil, fmt.Errorf("demo: units in charge of %s: %w", in.Username, err)
				}
			}
		} else {
			in.Password = pw
			if _, err := a.CreateUser(ctx, in, false); err != nil {
				return nil, fmt.Errorf("demo: create user %s: %w", in.Username, err)
			}
		}
		out = append(out, Login{Username: in.Username, Password: pw, FullName: in.FullName, Role: model.Role(in.Role), Unit: in.UnitCode})
	}
	return out, nil
}
