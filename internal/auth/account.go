package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/viet"
)

// UserInput is what a form or the command line gives to create or edit a user.
type UserInput struct {
	Username string
	FullName string
	Role     string
	UnitCode string
	Password string // create only; empty on edit
	Disabled bool
	// InCharge lists the codes of the units a trainer is in charge of
	// (commas or spaces between them); empty: the trainer's own unit.
	InCharge string
	// Actor is who makes the change, for the audit log (0: the system).
	Actor int64
}

// CreateUser validates in and stores a new account. A password must be given;
// mustChange forces a new one at first login.
func (s *Service) CreateUser(ctx context.Context, in UserInput, mustChange bool) (model.User, error) {
	u, c := s.checkUser(ctx, in)
	c.password("password", in.Password)
	inCharge := s.inChargeUnits(ctx, in.InCharge, c)
	if err := c.err(); err != nil {
		return model.User{}, err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return model.User{}, err
	}
	u.PasswordHash, u.MustChangePassword = hash, mustChange
	err = s.db.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		if err := setInCharge(ctx, tx, u, inCharge); err != nil {
			return err
		}
		return tx.Audit(ctx, time.Now(), in.Actor, "user.create", userTarget(u.ID), nil, s.accountFacts(ctx, u, inCharge))
	})
	if errors.Is(err, store.ErrDuplicate) {
		return model.User{}, duplicateUsername()
	}
	if err != nil {
		return model.User{}, fmt.Errorf("auth: create user: %w", err)
	}
	return u, nil
}

// UpdateUser validates in and saves the profile of user id.
func (s *Service) UpdateUser(ctx context.Context, id int64, in UserInput) (model.User, error) {
	old, err := s.db.UserByID(ctx, id)
	if err != nil {
		return model.User{}, fmt.Errorf("auth: update user: %w", err)
	}
	u, c := s.checkUser(ctx, in)
	inCharge := s.inChargeUnits(ctx, in.InCharge, c)
	if err := c.err(); err != nil {
		return model.User{}, err
	}
	u.ID = old.ID
	oldCharge, err := s.db.TrainerUnits(ctx, id)
	if err != nil {
		return model.User{}, fmt.Errorf("auth: update user: %w", err)
	}
	err = s.db.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateUser(ctx, &u); err != nil {
			return err
		}
		if u.Disabled {
			// A disabled account's sessions end now, so re-enabling it later
			// does not bring an old, perhaps stolen, session back to life.
			if err := tx.DeleteUserSessions(ctx, u.ID, ""); err != nil {
				return err
			}
		}
		if err := setInCharge(ctx, tx, u, inCharge); err != nil {
			return err
		}
		if u.Role != model.RoleTrainer {
			inCharge = nil
		}
		before, after := s.accountFacts(ctx, old, oldCharge), s.accountFacts(ctx, u, inCharge)
		if reflect.DeepEqual(before, after) {
			return nil // saved as it was: nothing to record
		}
		return tx.Audit(ctx, time.Now(), in.Actor, "user.update", userTarget(u.ID), before, after)
	})
	s.cache.dropUser(id) // role, unit or disabled may have changed
	if errors.Is(err, store.ErrDuplicate) {
		return model.User{}, duplicateUsername()
	}
	if err != nil {
		return model.User{}, fmt.Errorf("auth: update user: %w", err)
	}
	return u, nil
}

// ResetPassword gives user id a new random password that must be changed at
// the next login, and ends their sessions; actor is who asked, for the
// audit log.
func (s *Service) ResetPassword(ctx context.Context, id, actor int64) (string, error) {
	pw := GeneratePassword()
	hash, err := hashGenerated(pw)
	if err != nil {
		return "", err
	}
	err = s.db.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetPassword(ctx, id, hash, true); err != nil {
			return err
		}
		if err := tx.ResetLoginFailures(ctx, id); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, id, ""); err != nil {
			return err
		}
		return tx.Audit(ctx, time.Now(), actor, "user.reset_password", userTarget(id), nil, nil)
	})
	s.cache.dropUser(id)
	if err != nil {
		return "", fmt.Errorf("auth: reset password: %w", err)
	}
	return pw, nil
}

// ChangePassword replaces the password of u after checking the current one,
// ends every session of u, this one included, and returns the token of a
// fresh session for this device: a token that was seen before the change
// (on a shared computer, say) opens nothing after it.
func (s *Service) ChangePassword(ctx context.Context, u model.User, sess model.Session, current, next, confirm string) (string, error) {
	var c checker
	if ok, err := CheckPassword(u.PasswordHash, current); err != nil || !ok {
		c.add("current", "Mật khẩu hiện tại không đúng.", "The current password is wrong.")
	}
	c.password("new", next)
	if next != "" && next == current {
		c.add("new", "Mật khẩu mới phải khác mật khẩu hiện tại.", "The new password must differ from the current one.")
	}
	if next != "" && strings.EqualFold(next, u.Username) {
		c.add("new", "Mật khẩu không được trùng tên đăng nhập.", "The password must not be the username.")
	}
	if next != confirm {
		c.add("confirm", "Hai lần nhập mật khẩu mới không khớp.", "The two new passwords do not match.")
	}
	if err := c.err(); err != nil {
		return "", err
	}
	hash, err := HashPassword(next)
	if err != nil {
		return "", err
	}
	token, tokenHash, err := newToken()
	if err != nil {
		return "", err
	}
	now := s.now()
	fresh := model.Session{TokenHash: tokenHash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(s.sessionTTL), LastSeenAt: now,
		IP: sess.IP, UserAgent: sess.UserAgent}
	defer s.cache.dropUser(u.ID)
	err = s.db.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetPassword(ctx, u.ID, hash, false); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, u.ID, ""); err != nil {
			return err
		}
		return tx.CreateSession(ctx, fresh)
	})
	if err != nil {
		return "", fmt.Errorf("auth: change password: %w", err)
	}
	return token, nil
}

func duplicateUsername() error {
	return model.ValidationError{{Field: "username", Msg: model.Text{
		VI: "Tên đăng nhập này đã có người dùng.", EN: "This username is already taken."}}}
}

func (s *Service) checkUser(ctx context.Context, in UserInput) (model.User, *checker) {
	c := &checker{}
	u := model.User{
		Username: strings.ToLower(strings.TrimSpace(in.Username)),
		FullName: cleanText(in.FullName),
		Role:     model.Role(strings.TrimSpace(in.Role)),
		Disabled: in.Disabled,
	}
	c.username(u.Username)
	c.personName("full_name", u.FullName)
	if !u.Role.Valid() {
		c.add("role", "Vai trò phải là admin, trainer hoặc trainee.", "Role must be admin, trainer or trainee.")
	}
	code := strings.TrimSpace(in.UnitCode)
	if code == "" {
		c.add("unit", "Chưa chọn đơn vị.", "Unit is required.")
	} else if unit, err := s.db.UnitByCode(ctx, code); err != nil {
		c.add("unit", fmt.Sprintf("Không có đơn vị mã %q.", code), fmt.Sprintf("No unit has code %q.", code))
	} else {
		u.UnitID = unit.ID
	}
	return u, c
}

// User returns one account.
func (s *Service) User(ctx context.Context, id int64) (model.User, error) {
	return s.db.UserByID(ctx, id)
}

// Users returns every account sorted the Vietnamese way: by given name, then
// by the full name, with Vietnamese collation (a < ă < â, d < đ, tones after letters).
func (s *Service) Users(ctx context.Context) ([]model.User, error) {
	users, err := s.db.Users(ctx)
	if err != nil {
		return nil, err
	}
	SortUsers(users)
	return users, nil
}

// SortUsers sorts users by given name, then full name, then username, with
// Vietnamese collation. The given name is compared at every level (letters,
// then tones) before the full name is looked at, so "Anh" < "Ánh" < "Ân".
func SortUsers(users []model.User) {
	col := collate.New(language.Vietnamese)
	type keyed struct {
		given, full []byte
		u           model.User
	}
	ks := make([]keyed, len(users))
	var buf collate.Buffer
	for i, u := range users {
		ks[i] = keyed{
			given: append([]byte(nil), col.KeyFromString(&buf, u.GivenName())...),
			full:  append([]byte(nil), col.KeyFromString(&buf, u.FullName)...),
			u:     u,
		}
		buf.Reset()
	}
	sort.SliceStable(ks, func(a, b int) bool {
		if c := bytes.Compare(ks[a].given, ks[b].given); c != 0 {
			return c < 0
		}
		if c := bytes.Compare(ks[a].full, ks[b].full); c != 0 {
			return c < 0
		}
		return ks[a].u.Username < ks[b].u.Username
	})
	for i := range ks {
		users[i] = ks[i].u
	}
}

// SetPassword sets the password of user id directly (demo accounts, command line).
func (s *Service) SetPassword(ctx context.Context, id int64, pw string, mustChange bool) error {
	var c checker
	c.password("password", pw)
	if err := c.err(); err != nil {
		return err
	}
	hash, err := HashPassword(pw)
	if err != nil {
		return err
	}
	defer s.cache.dropUser(id)
	return s.db.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetPassword(ctx, id, hash, mustChange); err != nil {
			return err
		}
		return tx.ResetLoginFailures(ctx, id)
	})
}

// UserFilter narrows the user list.
type UserFilter struct {
	Query  string // matched against name and username, ignoring case and diacritics
	UnitID int64  // the unit and every unit below it; 0 for all
	Role   model.Role
	Scope  *model.Scope // when set, only accounts of units within it
	Offset int
	Limit  int // 0 for no limit
}

// FindUsers returns one page of the users that match f, sorted the
// Vietnamese way, and how many match in all. Filtering happens in Go because
// the order must follow Vietnamese collation, which SQLite does not know.
func (s *Service) FindUsers(ctx context.Context, f UserFilter) ([]model.User, int, error) {
	users, err := s.db.Users(ctx)
	if err != nil {
		return nil, 0, err
	}
	var inUnit map[int64]bool
	if f.UnitID != 0 {
		units, err := s.db.Units(ctx)
		if err != nil {
			return nil, 0, err
		}
		inUnit = subtree(units, f.UnitID)
	}
	words := strings.Fields(viet.Fold(f.Query))
	out := users[:0]
	for _, u := range users {
		if inUnit != nil && !inUnit[u.UnitID] || f.Role != "" && u.Role != f.Role || f.Scope != nil && !f.Scope.Has(u.UnitID) {
			continue
		}
		hay := viet.Fold(u.FullName + " " + u.Username)
		match := true
		for _, w := range words {
			if !strings.Contains(hay, w) {
				match = false
				break
			}
		}
		if match {
			out = append(out, u)
		}
	}
	SortUsers(out)
	total := len(out)
	if f.Offset > 0 {
		out = out[min(f.Offset, len(out)):]
	}
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, total, nil
}

// subtree returns the ids of the roots and every unit below them.
func subtree(units []model.Unit, roots ...int64) map[int64]bool {
	children := map[int64][]int64{}
	for _, u := range units {
		children[u.ParentID] = append(children[u.ParentID], u.ID)
	}
	in := map[int64]bool{}
	for _, r := range roots {
		in[r] = true
	}
	queue := append([]int64(nil), roots...)
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, c := range children[id] {
			if !in[c] {
				in[c] = true
				queue = append(queue, c)
			}
		}
	}
	return in
}

func userTarget(id int64) string { return fmt.Sprintf("user:%d", id) }

// accountFacts is what the audit log keeps of an account: no password.
type accountFacts struct {
	Username string   `json:"username"`
	FullName string   `json:"full_name"`
	Role     string   `json:"role"`
	Unit     string   `json:"unit"`
	Disabled bool     `json:"disabled"`
	InCharge []string `json:"in_charge,omitempty"`
}

func (s *Service) accountFacts(ctx context.Context, u model.User, inCharge []int64) accountFacts {
	code := func(id int64) string {
		if un, err := s.db.UnitByID(ctx, id); err == nil {
			return un.Code
		}
		return fmt.Sprint(id)
	}
	f := accountFacts{Username: u.Username, FullName: u.FullName, Role: string(u.Role), Unit: code(u.UnitID), Disabled: u.Disabled}
	for _, id := range inCharge {
		f.InCharge = append(f.InCharge, code(id))
	}
	return f
}

// UserByUsername returns one account by its username.
func (s *Service) UserByUsername(ctx context.Context, username string) (model.User, error) {
	return s.db.UserByUsername(ctx, strings.ToLower(strings.TrimSpace(username)))
}

// AuditLog returns the audit log, newest first, for administrators.
func (s *Service) AuditLog(ctx context.Context, f store.AuditFilter) ([]model.AuditEntry, error) {
	return s.db.AuditLog(ctx, f)
}

// UsersByID returns the accounts with the given ids.
func (s *Service) UsersByID(ctx context.Context, ids []int64) ([]model.User, error) {
	return s.db.UsersByID(ctx, ids)
}
