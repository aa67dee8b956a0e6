package auth

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// UnitInput is what a form or the command line gives to create or edit a unit.
type UnitInput struct {
	Code       string
	Name       string
	Kind       string
	ParentCode string
	Actor      int64 // who makes the change, for the audit log (0: the system)
}

// UnitNode is a unit placed in the tree, for display.
type UnitNode struct {
	model.Unit
	Depth      int
	ParentCode string
	Users      int
}

// CreateUnit validates in and stores a new unit.
func (s *Service) CreateUnit(ctx context.Context, in UnitInput) (model.Unit, error) {
	u, err := s.checkUnit(ctx, 0, in)
	if err != nil {
		return u, err
	}
	err = s.db.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUnit(ctx, &u); err != nil {
			return err
		}
		return tx.Audit(ctx, time.Now(), in.Actor, "unit.create", fmt.Sprintf("unit:%d", u.ID), nil, unitFacts(u, in.ParentCode))
	})
	if errors.Is(err, store.ErrDuplicate) {
		return model.Unit{}, duplicateCode()
	}
	if err != nil {
		return model.Unit{}, fmt.Errorf("auth: create unit: %w", err)
	}
	return u, nil
}

// UpdateUnit validates in and saves unit id.
func (s *Service) UpdateUnit(ctx context.Context, id int64, in UnitInput) (model.Unit, error) {
	old, err := s.db.UnitByID(ctx, id)
	if err != nil {
		return model.Unit{}, fmt.Errorf("auth: update unit: %w", err)
	}
	oldParent := ""
	if p, err := s.db.UnitByID(ctx, old.ParentID); err == nil {
		oldParent = p.Code
	}
	u, err := s.checkUnit(ctx, id, in)
	if err != nil {
		return u, err
	}
	u.ID = id
	err = s.db.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateUnit(ctx, &u); err != nil {
			return err
		}
		return tx.Audit(ctx, time.Now(), in.Actor, "unit.update", fmt.Sprintf("unit:%d", u.ID), unitFacts(old, oldParent), unitFacts(u, strings.TrimSpace(in.ParentCode)))
	})
	if errors.Is(err, store.ErrDuplicate) {
		return model.Unit{}, duplicateCode()
	}
	if err != nil {
		return model.Unit{}, fmt.Errorf("auth: update unit: %w", err)
	}
	return u, nil
}

func duplicateCode() error {
	return model.ValidationError{{Field: "code", Msg: model.Text{VI: "Mã đơn vị này đã được dùng.", EN: "This unit code is already in use."}}}
}

// Unit returns one unit.
func (s *Service) Unit(ctx context.Context, id int64) (model.Unit, error) {
	return s.db.UnitByID(ctx, id)
}

// UnitByCode returns one unit by its code.
func (s *Service) UnitByCode(ctx context.Context, code string) (model.Unit, error) {
	return s.db.UnitByCode(ctx, code)
}

// checkUnit validates in for unit id (0 for a new unit). The rules follow the
// two-level local government in force since 01/7/2025: tỉnh/thành phố and
// bộ, ngành stand at the top; xã, phường, đặc khu and sở, ban, ngành sit
// under a province-level unit; other bodies may sit anywhere.
func (s *Service) checkUnit(ctx context.Context, id int64, in UnitInput) (model.Unit, error) {
	c := &checker{}
	u := model.Unit{Code: strings.TrimSpace(in.Code), Name: cleanText(in.Name), Kind: model.UnitKind(strings.TrimSpace(in.Kind))}
	switch {
	case u.Code == "":
		c.add("code", "Chưa nhập mã đơn vị.", "Unit code is required.")
	case len(u.Code) > CodeMax:
		c.add("code", "Mã đơn vị dài tối đa 32 ký tự.", "Unit code must be at most 32 characters long.")
	default:
		for _, r := range u.Code {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
				c.add("code", "Mã đơn vị chỉ gồm chữ cái không dấu, chữ số và các dấu . _ -",
					"Unit code may contain only letters A-Z, digits and . _ -")
				break
			}
		}
	}
	switch l := utf8.RuneCountInString(u.Name); {
	case u.Name == "":
		c.add("name", "Chưa nhập tên đơn vị.", "Unit name is required.")
	case l < 2 || l > UnitNameMax:
		c.add("name", "Tên đơn vị phải dài từ 2 đến 150 ký tự.", "Unit name must be 2 to 150 characters long.")
	case hasControl(u.Name):
		c.add("name", "Tên đơn vị có ký tự không hợp lệ.", "Unit name contains invalid characters.")
	}
	if !u.Kind.Valid() {
		c.add("kind", "Loại đơn vị không hợp lệ.", "Unknown unit kind.")
	}
	var parent model.Unit
	if pc := strings.TrimSpace(in.ParentCode); pc != "" {
		p, err := s.db.UnitByCode(ctx, pc)
		if err != nil {
			c.add("parent", fmt.Sprintf("Không có đơn vị cấp trên mã %q.", pc), fmt.Sprintf("No parent unit has code %q.", pc))
		} else {
			parent = p
			u.ParentID = p.ID
		}
	}
	if u.Kind.Valid() {
		switch {
		case u.Kind.ProvinceLevel() || u.Kind == model.KindMinistry:
			if u.ParentID != 0 {
				c.add("parent", "Đơn vị cấp tỉnh và bộ, ngành trung ương không có đơn vị cấp trên.",
					"Province-level units and central ministries have no parent unit.")
			}
		case u.Kind.CommuneLevel() || u.Kind == model.KindAgency:
			if u.ParentID == 0 {
				if _, bad := c.errs.For("parent"); !bad {
					c.add("parent", "Xã, phường, đặc khu và sở, ban, ngành phải thuộc một tỉnh hoặc thành phố.",
						"Communes, wards, special zones and provincial agencies must belong to a province or city.")
				}
			} else if !parent.Kind.ProvinceLevel() {
				c.add("parent", "Đơn vị cấp trên phải là tỉnh hoặc thành phố (chính quyền địa phương hai cấp).",
					"The parent must be a province or city (two-level local government).")
			}
		}
	}
	if id != 0 && u.ParentID != 0 {
		if cyc, err := s.isDescendant(ctx, u.ParentID, id); err != nil {
			return u, err
		} else if cyc {
			c.add("parent", "Không thể đặt đơn vị dưới chính nó hoặc đơn vị cấp dưới của nó.",
				"A unit cannot be placed under itself or one of its own sub-units.")
		}
	}
	return u, c.err()
}

// isDescendant reports whether unit id sits at or below root.
func (s *Service) isDescendant(ctx context.Context, id, root int64) (bool, error) {
	units, err := s.db.Units(ctx)
	if err != nil {
		return false, err
	}
	parent := map[int64]int64{}
	for _, u := range units {
		parent[u.ID] = u.ParentID
	}
	for steps := 0; id != 0 && steps <= len(units); steps++ {
		if id == root {
			return true, nil
		}
		id = parent[id]
	}
	return false, nil
}

// UnitTree returns every unit in tree order (each parent followed by its
// children), siblings sorted by name with Vietnamese collation.
func (s *Service) UnitTree(ctx context.Context) ([]UnitNode, error) {
	units, err := s.db.Units(ctx)
	if err != nil {
		return nil, err
	}
	users, err := s.db.Users(ctx)
	if err != nil {
		return nil, err
	}
	counts := map[int64]int{}
	for _, u := range users {
		counts[u.UnitID]++
	}
	byID := map[int64]model.Unit{}
	children := map[int64][]model.Unit{}
	for _, u := range units {
		byID[u.ID] = u
	}
	for _, u := range units {
		p := u.ParentID
		if _, ok := byID[p]; !ok {
			p = 0
		}
		children[p] = append(children[p], u)
	}
	col := collate.New(language.Vietnamese)
	for _, list := range children {
		sort.SliceStable(list, func(i, j int) bool {
			if a, b := kindRank(list[i].Kind), kindRank(list[j].Kind); a != b {
				return a < b
			}
			return col.CompareString(list[i].Name, list[j].Name) < 0
		})
	}
	var out []UnitNode
	var walk func(id int64, depth int)
	walk = func(id int64, depth int) {
		for _, u := range children[id] {
			out = append(out, UnitNode{Unit: u, Depth: depth, ParentCode: byID[u.ParentID].Code, Users: counts[u.ID]})
			walk(u.ID, depth+1)
		}
	}
	walk(0, 0)
	return out, nil
}

// kindRank orders siblings: provinces, then ministries, agencies, communes, others.
func kindRank(k model.UnitKind) int {
	switch {
	case k.ProvinceLevel():
		return 0
	case k == model.KindMinistry:
		return 1
	case k == model.KindAgency:
		return 2
	case k.CommuneLevel():
		return 3
	}
	return 4
}

// Bootstrap creates an administrator when no enabled one exists (a new
// database, or one filled only with trainees from the command line), so the
// platform can always be managed. It returns the username and the password
// to show once; password is used when non-empty.
func (s *Service) Bootstrap(ctx context.Context, password string) (created bool, username, pw string, err error) {
	n, err := s.db.CountActiveAdmins(ctx)
	if err != nil || n > 0 {
		return false, "", "", err
	}
	const code = "QTHT"
	if _, err := s.db.UnitByCode(ctx, code); errors.Is(err, store.ErrNotFound) {
		if _, err := s.CreateUnit(ctx, UnitInput{Code: code, Name: "Quản trị hệ thống", Kind: string(model.KindOther)}); err != nil {
			return false, "", "", fmt.Errorf("auth: bootstrap unit: %w", err)
		}
	}
	pw = password
	if pw == "" {
		pw = GeneratePassword()
	}
	// "admin" may already name a disabled or demoted account; take the next free name.
	username = "admin"
	for i := 2; ; i++ {
		if _, err := s.db.UserByUsername(ctx, username); errors.Is(err, store.ErrNotFound) {
			break
		} else if err != nil {
			return false, "", "", fmt.Errorf("auth: bootstrap admin: %w", err)
		}
		username = fmt.Sprintf("admin%d", i)
	}
	_, err = s.CreateUser(ctx, UserInput{Username: username, FullName: "Quản trị viên", Role: string(model.RoleAdmin),
		UnitCode: code, Password: pw}, true)
	if err != nil {
		return false, "", "", fmt.Errorf("auth: bootstrap admin: %w", err)
	}
	return true, username, pw, nil
}

// unitFacts is what the audit log keeps of a unit.
func unitFacts(u model.Unit, parent string) map[string]string {
	return map[string]string{"code": u.Code, "name": u.Name, "kind": string(u.Kind), "parent": parent}
}
