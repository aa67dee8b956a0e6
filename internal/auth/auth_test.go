package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/store/storetest"
)

func newService(t *testing.T) (*Service, *store.DB) {
	t.Helper()
	db, err := store.Open(context.Background(), storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return New(db, time.Hour), db
}

func seedUnits(t *testing.T, s *Service) {
	t.Helper()
	ctx := context.Background()
	for _, in := range []UnitInput{
		{Code: "24", Name: "Tỉnh Bắc Ninh", Kind: "tinh"},
		{Code: "07441", Name: "Xã Tam Đa", Kind: "xa", ParentCode: "24"},
		{Code: "SNV24", Name: "Sở Nội vụ", Kind: "so_nganh", ParentCode: "24"},
	} {
		if _, err := s.CreateUnit(ctx, in); err != nil {
			t.Fatalf("create unit %s: %v", in.Code, err)
		}
	}
}

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("mật khẩu đúng")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash format = %s", h)
	}
	if ok, err := CheckPassword(h, "mật khẩu đúng"); !ok || err != nil {
		t.Errorf("right password refused: %v", err)
	}
	if ok, _ := CheckPassword(h, "mat khau dung"); ok {
		t.Error("wrong password accepted")
	}
	if _, err := CheckPassword("$bcrypt$x", "a"); err == nil {
		t.Error("malformed hash accepted")
	}
	if a, b := GeneratePassword(), GeneratePassword(); a == b || len(a) != 14 {
		t.Errorf("generated passwords %q %q", a, b)
	}
}

func fieldOf(err error) string {
	var v model.ValidationError
	if errors.As(err, &v) && len(v) > 0 {
		return v[0].Field
	}
	return ""
}

func TestCreateUserValidation(t *testing.T) {
	s, db := newService(t)
	seedUnits(t, s)
	ctx := context.Background()
	good := UserInput{Username: "an.nguyen", FullName: "  Nguyễn   Văn An ", Role: "trainee", UnitCode: "07441", Password: "cay-lua-xanh"}
	u, err := s.CreateUser(ctx, good, true)
	if err != nil {
		t.Fatal(err)
	}
	if u.FullName != "Nguyễn Văn An" || !u.MustChangePassword {
		t.Errorf("user = %+v", u)
	}
	cases := []struct {
		name  string
		edit  func(*UserInput)
		field string
	}{
		{"empty username", func(in *UserInput) { in.Username = "" }, "username"},
		{"username with diacritics", func(in *UserInput) { in.Username = "nguyễn" }, "username"},
		{"overlong username", func(in *UserInput) { in.Username = strings.Repeat("a", 33) }, "username"},
		{"duplicate username", func(in *UserInput) { in.Username = "AN.NGUYEN" }, "username"},
		{"empty name", func(in *UserInput) { in.FullName = "   " }, "full_name"},
		{"overlong name", func(in *UserInput) { in.FullName = strings.Repeat("Ă", 101) }, "full_name"},
		{"control character in name", func(in *UserInput) { in.FullName = "An\x00" }, "full_name"},
		{"unknown role", func(in *UserInput) { in.Role = "root" }, "role"},
		{"unknown unit", func(in *UserInput) { in.UnitCode = "99999" }, "unit"},
		{"short password", func(in *UserInput) { in.Password = "1234567" }, "password"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := good
			in.Username = "other"
			tc.edit(&in)
			_, err := s.CreateUser(ctx, in, true)
			if got := fieldOf(err); got != tc.field {
				t.Fatalf("error field = %q (%v), want %q", got, err, tc.field)
			}
		})
	}
	if n, _ := db.CountUsers(ctx); n != 1 {
		t.Errorf("users stored = %d, want 1: bad input must change nothing", n)
	}
}

func TestUnitRulesFollowTwoLevelGovernment(t *testing.T) {
	s, _ := newService(t)
	seedUnits(t, s)
	ctx := context.Background()
	cases := []struct {
		name  string
		in    UnitInput
		field string
	}{
		{"commune without province", UnitInput{Code: "X1", Name: "Xã A", Kind: "xa"}, "parent"},
		{"commune under commune", UnitInput{Code: "X2", Name: "Xã B", Kind: "xa", ParentCode: "07441"}, "parent"},
		{"province with parent", UnitInput{Code: "P2", Name: "Tỉnh C", Kind: "tinh", ParentCode: "24"}, "parent"},
		{"ministry with parent", UnitInput{Code: "B1", Name: "Bộ Nội vụ", Kind: "bo_nganh", ParentCode: "24"}, "parent"},
		{"unknown parent", UnitInput{Code: "X3", Name: "Xã D", Kind: "xa", ParentCode: "nope"}, "parent"},
		{"unknown kind", UnitInput{Code: "X4", Name: "Huyện E", Kind: "huyen", ParentCode: "24"}, "kind"},
		{"duplicate code", UnitInput{Code: "07441", Name: "Xã F", Kind: "xa", ParentCode: "24"}, "code"},
		{"bad code", UnitInput{Code: "mã xã", Name: "Xã G", Kind: "xa", ParentCode: "24"}, "code"},
		{"empty name", UnitInput{Code: "X5", Name: "", Kind: "xa", ParentCode: "24"}, "name"},
		{"overlong name", UnitInput{Code: "X6", Name: strings.Repeat("x", 151), Kind: "xa", ParentCode: "24"}, "name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.CreateUnit(ctx, tc.in)
			if got := fieldOf(err); got != tc.field {
				t.Fatalf("error field = %q (%v), want %q", got, err, tc.field)
			}
		})
	}
	for _, ok := range []UnitInput{
		{Code: "26", Name: "Đặc khu Vân Đồn", Kind: "dac_khu", ParentCode: "24"},
		{Code: "BNV", Name: "Bộ Nội vụ", Kind: "bo_nganh"},
		{Code: "HN", Name: "Thành phố Hà Nội", Kind: "thanh_pho"},
	} {
		if _, err := s.CreateUnit(ctx, ok); err != nil {
			t.Errorf("create %s: %v", ok.Code, err)
		}
	}
	// A province cannot be moved under its own commune.
	prov, _ := s.UnitByCode(ctx, "24")
	if _, err := s.UpdateUnit(ctx, prov.ID, UnitInput{Code: "24", Name: "Tỉnh Bắc Ninh", Kind: "don_vi", ParentCode: "07441"}); fieldOf(err) != "parent" {
		t.Errorf("cycle: err = %v", err)
	}
	tree, err := s.UnitTree(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, n := range tree {
		order = append(order, strings.Repeat(">", n.Depth)+n.Code)
	}
	want := "HN 24 >SNV24 >26 >07441 BNV" // Thành phố sorts before Tỉnh
	if got := strings.Join(order, " "); got != want {
		t.Errorf("tree order = %q, want %q", got, want)
	}
}

// The throttle's rules hold whether the counts are kept in memory (one
// node) or in the database (several nodes).
func TestLoginThrottlesAccountAndAddress(t *testing.T) {
	t.Run("memory", func(t *testing.T) {
		s, _ := newService(t)
		s.throttle = newMemThrottle()
		testLoginThrottles(t, s)
	})
	t.Run("database", func(t *testing.T) {
		s, db := newService(t)
		s.throttle = dbThrottle{db}
		testLoginThrottles(t, s)
	})
}

func testLoginThrottles(t *testing.T, s *Service) {
	seedUnits(t, s)
	ctx := context.Background()
	now := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return now })
	if _, err := s.CreateUser(ctx, UserInput{Username: "mai", FullName: "Lê Thị Mai", Role: "trainee", UnitCode: "07441", Password: "dung-mat-khau"}, false); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < accountFreeFailures; i++ {
		if _, _, err := s.Login(ctx, "mai", "sai", "10.0.0.1", "test"); !errors.Is(err, ErrInvalidCredentials) {
			t.Fatalf("failure %d: err = %v", i, err)
		}
	}
	var locked *LockedError
	if _, _, err := s.Login(ctx, "mai", "sai", "10.0.0.1", "test"); !errors.As(err, &locked) || locked.IP {
		t.Fatalf("5th failure: err = %v, want account lock", err)
	}
	// Even the right password is refused from that address while locked…
	if _, _, err := s.Login(ctx, "mai", "dung-mat-khau", "10.0.0.1", "test"); !errors.As(err, &locked) {
		t.Fatalf("right password during lock: err = %v", err)
	}
	// …but the owner at their own office is not locked out by someone elsewhere.
	if _, _, err := s.Login(ctx, "MAI", "dung-mat-khau", "10.0.0.2", "test"); err != nil {
		t.Fatalf("the owner from another address: %v", err)
	}
	// An unknown name is answered exactly like a real one: nothing tells
	// which accounts exist.
	for i := 1; i < accountFreeFailures; i++ {
		if _, _, err := s.Login(ctx, "khong-ai", "sai", "10.0.0.1", "test"); !errors.Is(err, ErrInvalidCredentials) {
			t.Fatalf("unknown name, failure %d: %v", i, err)
		}
	}
	if _, _, err := s.Login(ctx, "khong-ai", "sai", "10.0.0.1", "test"); !errors.As(err, &locked) || locked.IP {
		t.Fatalf("unknown name, 5th failure: err = %v, want the same lock as a real account", err)
	}
	now = now.Add(2 * time.Minute)
	token, u, err := s.Login(ctx, "mai", "dung-mat-khau", "10.0.0.1", "test")
	if err != nil || token == "" || u.Username != "mai" {
		t.Fatalf("login after lock = %v", err)
	}
	got, _, err := s.Authenticate(ctx, token)
	if err != nil || got.ID != u.ID || got.FailedLogins != 0 {
		t.Fatalf("authenticate = %+v, %v", got, err)
	}
	if err := s.Logout(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Authenticate(ctx, token); !errors.Is(err, ErrNoSession) {
		t.Fatalf("after logout: err = %v", err)
	}

	// One address guessing many usernames is stopped too.
	for i := 0; i < ipFailureLimit; i++ {
		_, _, _ = s.Login(ctx, "khong-co-"+string(rune('a'+i%26)), "x", "10.9.9.9", "bot")
	}
	if _, _, err := s.Login(ctx, "mai", "dung-mat-khau", "10.9.9.9", "bot"); !errors.As(err, &locked) || !locked.IP {
		t.Fatalf("address over the limit: err = %v", err)
	}
}

func TestChangePassword(t *testing.T) {
	s, _ := newService(t)
	seedUnits(t, s)
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, UserInput{Username: "anh", FullName: "Anh", Role: "trainee", UnitCode: "07441", Password: "mat-khau-1"}, true); err != nil {
		t.Fatal(err)
	}
	tok1, u, err := s.Login(ctx, "anh", "mat-khau-1", "1.1.1.1", "")
	if err != nil || !u.MustChangePassword {
		t.Fatalf("login = %+v %v", u, err)
	}
	tok2, _, _ := s.Login(ctx, "anh", "mat-khau-1", "1.1.1.2", "")
	_, sess, _ := s.Authenticate(ctx, tok1)
	for _, bad := range [][3]string{{"sai", "mat-khau-2", "mat-khau-2"}, {"mat-khau-1", "ngan", "ngan"},
		{"mat-khau-1", "mat-khau-1", "mat-khau-1"}, {"mat-khau-1", "mat-khau-2", "mat-khau-3"}} {
		if _, err := s.ChangePassword(ctx, u, sess, bad[0], bad[1], bad[2]); fieldOf(err) == "" {
			t.Errorf("change %v: err = %v, want a field error", bad, err)
		}
	}
	tok3, err := s.ChangePassword(ctx, u, sess, "mat-khau-1", "mat-khau-2", "mat-khau-2")
	if err != nil {
		t.Fatal(err)
	}
	// The token of this device is renewed: the one seen before the change opens nothing.
	if _, _, err := s.Authenticate(ctx, tok1); !errors.Is(err, ErrNoSession) {
		t.Errorf("the old token of this device after the change: err = %v, want ended", err)
	}
	if got, _, err := s.Authenticate(ctx, tok3); err != nil || got.MustChangePassword {
		t.Errorf("the new session after change: %+v %v", got, err)
	}
	if _, _, err := s.Authenticate(ctx, tok2); !errors.Is(err, ErrNoSession) {
		t.Errorf("other session after change: err = %v, want logged out", err)
	}
}

func TestSortUsersVietnamese(t *testing.T) {
	users := []model.User{
		{Username: "1", FullName: "Trần Văn Đức"},
		{Username: "2", FullName: "Nguyễn Thị Ánh"},
		{Username: "3", FullName: "Lê Văn Dũng"},
		{Username: "4", FullName: "Phạm Thị Anh"},
		{Username: "5", FullName: "Hoàng Văn Bình"},
		{Username: "6", FullName: "Vũ Thị Ân"},
		{Username: "7", FullName: "Đỗ Văn Ấn"},
	}
	SortUsers(users)
	var got []string
	for _, u := range users {
		got = append(got, u.GivenName())
	}
	// a < á (tone) and a < â (letter); d < đ as a separate letter after d.
	want := "Anh Ánh Ân Ấn Bình Dũng Đức"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("order = %q, want %q", g, want)
	}
}

// Sessions held in the memory cache must end as soon as the account changes.
func TestCachedSessionsEndWithAccountChanges(t *testing.T) {
	s, _ := newService(t)
	seedUnits(t, s)
	ctx := context.Background()
	u, err := s.CreateUser(ctx, UserInput{Username: "lan", FullName: "Ngô Thị Lan", Role: "trainee", UnitCode: "07441", Password: "mat-khau-1"}, false)
	if err != nil {
		t.Fatal(err)
	}
	login := func() string {
		tok, _, err := s.Login(ctx, "lan", "mat-khau-1", "1.2.3.4", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Authenticate(ctx, tok); err != nil { // now cached
			t.Fatal(err)
		}
		return tok
	}
	tok := login()
	if _, err := s.UpdateUser(ctx, u.ID, UserInput{Username: "lan", FullName: "Ngô Thị Lan", Role: "trainee", UnitCode: "07441", Disabled: true}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Authenticate(ctx, tok); !errors.Is(err, ErrDisabled) && !errors.Is(err, ErrNoSession) {
		t.Fatalf("disabled user still authenticated from cache: %v", err)
	}
	if _, err := s.UpdateUser(ctx, u.ID, UserInput{Username: "lan", FullName: "Ngô Thị Lan", Role: "trainer", UnitCode: "07441"}); err != nil {
		t.Fatal(err)
	}
	tok = login()
	if got, _, _ := s.Authenticate(ctx, tok); got.Role != model.RoleTrainer {
		t.Fatalf("role after change = %s", got.Role)
	}
	if _, err := s.ResetPassword(ctx, u.ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Authenticate(ctx, tok); !errors.Is(err, ErrNoSession) {
		t.Fatalf("session survived a password reset: %v", err)
	}
	if err := s.SetPassword(ctx, u.ID, "mat-khau-1", false); err != nil {
		t.Fatal(err)
	}
	tok = login()
	if err := s.Logout(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Authenticate(ctx, tok); !errors.Is(err, ErrNoSession) {
		t.Fatalf("session survived logout: %v", err)
	}
}

func TestFindUsers(t *testing.T) {
	s, _ := newService(t)
	seedUnits(t, s)
	ctx := context.Background()
	if _, err := s.CreateUnit(ctx, UnitInput{Code: "HN", Name: "Thành phố Hà Nội", Kind: "thanh_pho"}); err != nil {
		t.Fatal(err)
	}
	for _, in := range []UserInput{
		{Username: "an1", FullName: "Nguyễn Văn An", Role: "trainee", UnitCode: "07441"},
		{Username: "an2", FullName: "Trần Văn Ân", Role: "trainee", UnitCode: "SNV24"},
		{Username: "duc", FullName: "Đỗ Minh Đức", Role: "trainer", UnitCode: "24"},
		{Username: "thuha", FullName: "Phạm Thu Hà", Role: "trainee", UnitCode: "HN"},
	} {
		in.Password = "cay-lua-xanh"
		if _, err := s.CreateUser(ctx, in, false); err != nil {
			t.Fatal(err)
		}
	}
	prov, _ := s.UnitByCode(ctx, "24")
	names := func(f UserFilter) string {
		us, total, err := s.FindUsers(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, u := range us {
			out = append(out, u.Username)
		}
		return fmt.Sprint(total, out)
	}
	for _, tc := range []struct {
		f    UserFilter
		want string
	}{
		{UserFilter{}, "4 [an1 an2 duc thuha]"},
		{UserFilter{Query: "nguyen van an"}, "1 [an1]"},
		{UserFilter{Query: "AN"}, "2 [an1 an2]"},
		{UserFilter{Query: "duc"}, "1 [duc]"},
		{UserFilter{UnitID: prov.ID}, "3 [an1 an2 duc]"}, // the province and everything below it
		{UserFilter{Role: model.RoleTrainer}, "1 [duc]"},
		{UserFilter{Limit: 2, Offset: 2}, "4 [duc thuha]"},
		{UserFilter{Offset: 10}, "4 []"},
		{UserFilter{UnitID: -1}, "0 []"},
	} {
		if got := names(tc.f); got != tc.want {
			t.Errorf("%+v: got %s, want %s", tc.f, got, tc.want)
		}
	}
}

func TestBootstrapWhenNoActiveAdmin(t *testing.T) {
	s, _ := newService(t)
	ctx := context.Background()
	created, user, pw, err := s.Bootstrap(ctx, "")
	if err != nil || !created || user != "admin" || len(pw) < 12 {
		t.Fatalf("first bootstrap: %v %q %q %v", created, user, pw, err)
	}
	if created, _, _, _ := s.Bootstrap(ctx, ""); created {
		t.Fatal("second bootstrap created another admin")
	}
	// Disable the only admin: the next start creates admin2.
	a, _ := s.db.UserByUsername(ctx, "admin")
	if _, err := s.UpdateUser(ctx, a.ID, UserInput{Username: "admin", FullName: "Quản trị viên", Role: "admin", UnitCode: "QTHT", Disabled: true}); err != nil {
		t.Fatal(err)
	}
	created, user, _, err = s.Bootstrap(ctx, "mat-khau-quan-tri")
	if err != nil || !created || user != "admin2" {
		t.Fatalf("bootstrap with a disabled admin: %v %q %v", created, user, err)
	}
	if _, u, err := s.Login(ctx, "admin2", "mat-khau-quan-tri", "127.0.0.1", ""); err != nil || !u.MustChangePassword {
		t.Fatalf("login admin2: %v", err)
	}
}

func TestWeakPasswordsRefused(t *testing.T) {
	s, _ := newService(t)
	seedUnits(t, s)
	ctx := context.Background()
	for _, pw := range []string{"12345678", "password", "PASSWORD", "aaaaaaaa", "abcdefgh", "87654321", "matkhau123"} {
		_, err := s.CreateUser(ctx, UserInput{Username: "quantri", FullName: "Quản Trị", Role: "admin", UnitCode: "24", Password: pw}, false)
		if fieldOf(err) != "password" {
			t.Errorf("%q accepted: %v", pw, err)
		}
	}
	if _, err := s.CreateUser(ctx, UserInput{Username: "quantri", FullName: "Quản Trị", Role: "admin", UnitCode: "24", Password: "hoa-sen-tren-ho"}, false); err != nil {
		t.Fatalf("a good phrase refused: %v", err)
	}
}

// A disabled account's sessions end: re-enabling it does not revive them.
func TestDisablingEndsSessions(t *testing.T) {
	s, _ := newService(t)
	seedUnits(t, s)
	ctx := context.Background()
	in := UserInput{Username: "binh", FullName: "Trần Bình", Role: "trainee", UnitCode: "07441", Password: "cay-lua-xanh"}
	u, err := s.CreateUser(ctx, in, false)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := s.Login(ctx, "binh", "cay-lua-xanh", "1.1.1.1", "")
	if err != nil {
		t.Fatal(err)
	}
	in.Password, in.Disabled = "", true
	if _, err := s.UpdateUser(ctx, u.ID, in); err != nil {
		t.Fatal(err)
	}
	in.Disabled = false
	if _, err := s.UpdateUser(ctx, u.ID, in); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Authenticate(ctx, tok); !errors.Is(err, ErrNoSession) {
		t.Fatalf("an old session after disable and re-enable: err = %v", err)
	}
}

func TestInvalidUTF8Refused(t *testing.T) {
	s, _ := newService(t)
	seedUnits(t, s)
	ctx := context.Background()
	_, err := s.CreateUser(ctx, UserInput{Username: "binh", FullName: "Tr\xe2n B\xecnh", Role: "trainee", UnitCode: "07441", Password: "cay-lua-xanh"}, false)
	if fieldOf(err) != "full_name" {
		t.Fatalf("a name with invalid UTF-8: %v", err)
	}
	if _, err := s.CreateUnit(ctx, UnitInput{Code: "X9", Name: "X\xffã", Kind: "xa", ParentCode: "24"}); fieldOf(err) != "name" {
		t.Fatalf("a unit name with invalid UTF-8: %v", err)
	}
}
