package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/report"
	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/xlsx"
)

func rosterLines(t *testing.T, data []byte) []RosterLine {
	t.Helper()
	tab, err := report.ReadTable(data)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]RosterLine, len(tab))
	for i, l := range tab {
		out[i] = RosterLine{N: l.N, Cells: l.Cells}
	}
	return out
}

func newImport(t *testing.T, db *store.DB, actor int64, kind string) int64 {
	t.Helper()
	imp := model.RosterImport{ActorID: actor, Kind: kind, Filename: "x.csv", Content: []byte("x"), UploadedAt: time.Now()}
	if err := db.WithTx(context.Background(), func(tx *store.Tx) error { return tx.CreateRosterImport(context.Background(), &imp) }); err != nil {
		t.Fatal(err)
	}
	return imp.ID
}

func countUsers(t *testing.T, db *store.DB) int {
	n, err := db.CountUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A good file in the shapes Excel saves in Vietnam: a byte-order mark,
// semicolons, Windows line ends, names typed in decomposed Unicode.
func TestRosterImportGoodFile(t *testing.T) {
	s, db := newService(t)
	ctx := context.Background()
	seedUnits(t, s)
	admin, _ := s.CreateUser(ctx, UserInput{Username: "quantri", FullName: "Quản Trị", Role: "admin", UnitCode: "24", Password: "mat-khau-dai-du"}, false)
	nfd := norm.NFD.String("Nguyễn Thị Hương")
	csv := "\ufeffHọ và tên;Mã đơn vị;Tên đăng nhập;Số điện thoại;Thư điện tử\r\n" +
		"Trần Văn Bình;07441;;0912 345 678;binh@tamda.gov.vn\r\n" +
		nfd + ";07441;nthuong;+84 98 765 4321;\r\n" +
		"  Lê   Thị Mai ;SNV24;;;\r\n"
	lines := rosterLines(t, []byte(csv))
	r, err := s.CheckRoster(ctx, RosterUsers, lines, model.Scope{All: true})
	if err != nil || r.Invalid != 0 || r.Valid != 3 || len(r.Problems) != 0 {
		t.Fatalf("check = %+v, %v", r.AllProblems(), err)
	}
	if r.Rows[0].User.Username != "tvbinh" || !r.Rows[0].Generated || r.Rows[2].User.Username != "ltmai" || r.Rows[1].User.Phone != "0987654321" {
		t.Fatalf("rows = %+v", r.Rows)
	}
	_, res, err := s.ImportRoster(ctx, newImport(t, db, admin.ID, RosterUsers), admin.ID, RosterUsers, lines, model.Scope{All: true}, false, time.Now())
	if err != nil || res.Created != 3 || len(res.Slips) != 3 {
		t.Fatalf("import = %+v, %v", res, err)
	}
	u, err := db.UserByUsername(ctx, "nthuong")
	if err != nil || u.FullName != "Nguyễn Thị Hương" || u.FullName == nfd || !u.MustChangePassword || u.Role != model.RoleTrainee || u.Phone != "0987654321" {
		t.Fatalf("stored = %+v, %v (the name must be NFC)", u, err)
	}
	if mai, _ := db.UserByUsername(ctx, "ltmai"); mai.FullName != "Lê Thị Mai" {
		t.Fatalf("spaces not folded: %q", mai.FullName)
	}
	if ok, err := CheckPassword(u.PasswordHash, res.Slips[1].Password); !ok || err != nil {
		t.Fatalf("the slip's password does not log in: %v", err)
	}
	// The same file again: every username is taken now, made ones get a number.
	again, _ := s.CheckRoster(ctx, RosterUsers, lines, model.Scope{All: true})
	if again.Rows[0].User.Username != "tvbinh2" || again.Rows[1].OK() {
		t.Fatalf("second check = %+v", again.Rows)
	}
	// From XLSX too.
	var wb bytes.Buffer
	_ = xlsx.Write(&wb, "Học viên", []string{"Họ và tên", "Mã đơn vị", "Số điện thoại"}, [][]xlsx.Cell{{"Phạm Quốc Anh", "07441", "0987000111"}})
	if r, _ := s.CheckRoster(ctx, RosterUsers, rosterLines(t, wb.Bytes()), model.Scope{All: true}); r.Valid != 1 || r.Rows[0].Line != 2 {
		t.Fatalf("xlsx = %+v", r)
	}
}

// Errors in several rows are each named by line and column; nothing is
// written from the file unless the valid rows alone are asked for.
func TestRosterImportErrors(t *testing.T) {
	s, db := newService(t)
	ctx := context.Background()
	seedUnits(t, s)
	if _, err := s.CreateUnit(ctx, UnitInput{Code: "27", Name: "Tỉnh Bắc Giang", Kind: "tinh"}); err != nil {
		t.Fatal(err)
	}
	gv, _ := s.CreateUser(ctx, UserInput{Username: "giangvien", FullName: "Giảng Viên", Role: "trainer", UnitCode: "24", Password: "mat-khau-dai-du"}, false)
	sc, _ := s.Scope(ctx, gv)
	csv := "Tên đăng nhập,Họ và tên,Mã đơn vị,Số điện thoại,Email\n" +
		"an01,Nguyễn Văn An,07441,0912345678,an@x.vn\n" + // line 2: good
		",,07441,,\n" + // 3: no name
		"binh,Trần Bình,99999,,\n" + // 4: unknown unit
		"an01,Lê An,07441,,\n" + // 5: repeats line 2
		"giangvien,Giảng Viên Khác,07441,,\n" + // 6: taken
		"cuong,Phạm Cường,07441,12345,\n" + // 7: bad phone
		"dung,Vũ Dũng,07441,,dung@@x\n" + // 8: bad email
		"em,Hà Em,27,,\n" + // 9: outside the scope (and username too short)
		"giang,Đỗ Giang,SNV24,0987654321,giang@snv.vn\n" // 10: good
	lines := rosterLines(t, []byte(csv))
	r, err := s.CheckRoster(ctx, RosterUsers, lines, sc)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{3: "Họ và tên", 4: "Mã đơn vị", 5: "Tên đăng nhập", 6: "Tên đăng nhập", 7: "Số điện thoại", 8: "Email", 9: "Mã đơn vị"}
	got := map[int]string{}
	for _, p := range r.AllProblems() {
		if _, seen := got[p.Line]; !seen {
			got[p.Line] = p.Column
		}
		if p.Msg.VI == "" || p.Msg.EN == "" {
			t.Errorf("line %d: a message is missing: %+v", p.Line, p)
		}
	}
	for line, col := range want {
		if got[line] != col {
			t.Errorf("line %d: first problem in column %q, want %q (all: %+v)", line, got[line], col, r.AllProblems())
		}
	}
	if _, bad := got[2]; bad || r.Valid != 2 || r.Invalid != 7 {
		t.Fatalf("valid %d invalid %d, problems %+v", r.Valid, r.Invalid, r.AllProblems())
	}
	before := countUsers(t, db)
	if _, _, err := s.ImportRoster(ctx, newImport(t, db, gv.ID, RosterUsers), gv.ID, RosterUsers, lines, sc, false, time.Now()); !errors.Is(err, ErrRosterInvalid) {
		t.Fatalf("importing an invalid file whole: %v", err)
	}
	if n := countUsers(t, db); n != before {
		t.Fatalf("an invalid file wrote %d accounts", n-before)
	}
	_, res, err := s.ImportRoster(ctx, newImport(t, db, gv.ID, RosterUsers), gv.ID, RosterUsers, lines, sc, true, time.Now())
	if err != nil || res.Created != 2 || res.Skipped != 7 || countUsers(t, db) != before+2 {
		t.Fatalf("valid rows only: %+v, %v", res, err)
	}
	// A file without the required columns says so, once, on line 1.
	r, _ = s.CheckRoster(ctx, RosterUsers, rosterLines(t, []byte("Cột A,Đơn vị công tác\nA,B\n")), sc)
	if len(r.Problems) != 2 || r.Problems[0].Line != 1 || !strings.Contains(r.Problems[0].Msg.VI, "Họ và tên") || len(r.Rows) != 0 {
		t.Fatalf("missing columns: %+v", r.Problems)
	}
}

// Units: kinds in words or codes, parents in the database or lower down in
// the file, the two-level rules.
func TestRosterImportUnits(t *testing.T) {
	s, db := newService(t)
	ctx := context.Background()
	seedUnits(t, s)
	admin, _ := s.CreateUser(ctx, UserInput{Username: "quantri", FullName: "Quản Trị", Role: "admin", UnitCode: "24", Password: "mat-khau-dai-du"}, false)
	csv := "Mã đơn vị,Tên đơn vị,Loại đơn vị,Mã đơn vị cấp trên\n" +
		"07500,Xã Yên Dũng,Xã,27\n" + // 2: parent on line 3
		"27,Tỉnh Bắc Giang,tinh,\n" + // 3
		"07501,Phường Bắc Giang,phuong,\n" + // 4: a ward needs a province
		"28,Tỉnh Lạng Sơn,Tỉnh,24\n" + // 5: a province has no parent
		"07441,Xã Trùng,xa,24\n" + // 6: code exists
		"X1,Ủy ban nhân dân xã,hội,24\n" + // 7: unknown kind
		"07502,Xã Con,xa,07501\n" // 8: its parent's line has problems
	lines := rosterLines(t, []byte(csv))
	r, err := s.CheckRoster(ctx, RosterUnits, lines, model.Scope{All: true})
	if err != nil {
		t.Fatal(err)
	}
	bad := map[int]bool{}
	for _, p := range r.AllProblems() {
		bad[p.Line] = true
	}
	for line, want := range map[int]bool{2: false, 3: false, 4: true, 5: true, 6: true, 7: true, 8: true} {
		if bad[line] != want {
			t.Errorf("line %d: problem %v, want %v (%+v)", line, bad[line], want, r.AllProblems())
		}
	}
	_, res, err := s.ImportRoster(ctx, newImport(t, db, admin.ID, RosterUnits), admin.ID, RosterUnits, lines, model.Scope{All: true}, true, time.Now())
	if err != nil || res.Created != 2 {
		t.Fatalf("import units: %+v %v", res, err)
	}
	xa, err := db.UnitByCode(ctx, "07500")
	tinh, _ := db.UnitByCode(ctx, "27")
	if err != nil || xa.ParentID != tinh.ID || xa.Kind != model.KindCommune {
		t.Fatalf("the commune hangs from %d, want %d: %+v", xa.ParentID, tinh.ID, xa)
	}
}

// Five thousand officers: checked and imported in one transaction; the
// time goes in the log (go test -v -run TestRosterImportScale ./internal/auth).
func TestRosterImportScale(t *testing.T) {
	if testing.Short() {
		t.Skip("slow in -short")
	}
	s, db := newService(t)
	ctx := context.Background()
	seedUnits(t, s)
	admin, _ := s.CreateUser(ctx, UserInput{Username: "quantri", FullName: "Quản Trị", Role: "admin", UnitCode: "24", Password: "mat-khau-dai-du"}, false)
	var b strings.Builder
	b.WriteString("Họ và tên,Mã đơn vị,Số điện thoại\r\n")
	family := []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"}
	given := []string{"An", "Bình", "Cường", "Dũng", "Giang", "Hương", "Lan", "Minh", "Nga", "Phúc"}
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&b, "%s Văn %s,07441,09%08d\r\n", family[i%10], given[(i/10)%10], i)
	}
	lines := rosterLines(t, []byte(b.String()))
	start := time.Now()
	_, res, err := s.ImportRoster(ctx, newImport(t, db, admin.ID, RosterUsers), admin.ID, RosterUsers, lines, model.Scope{All: true}, false, time.Now())
	took := time.Since(start)
	if err != nil || res.Created != 5000 || countUsers(t, db) != 5001 {
		t.Fatalf("import 5,000: %+v %v", res.Created, err)
	}
	t.Logf("checked and imported 5,000 officers in %s", took.Round(time.Millisecond))
}
