package auth

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/report"
	"github.com/tdkt/tdkt/internal/store"
)

// FuzzCheckRoster reads an uploaded file as the roster pages do
// (report.ReadTable) and checks it as a roster of accounts or of units,
// for an administrator and for a trainer in charge of one province, against
// a database holding three units and one account. CheckRoster never
// panics nor fails; every problem names line 0 (the file) or a line of the
// file; the rows it passes could be imported: valid and distinct usernames
// or unit codes that are not taken yet.
//
// Seeds: rosters in the shapes of roster_test.go and the checked-in corpus
// under testdata/fuzz/FuzzCheckRoster/.
func FuzzCheckRoster(f *testing.F) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(f.TempDir(), "tdkt.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	s := New(db, time.Hour)
	for _, in := range []UnitInput{
		{Code: "24", Name: "Tỉnh Bắc Ninh", Kind: "tinh"},
		{Code: "07441", Name: "Xã Tam Đa", Kind: "xa", ParentCode: "24"},
		{Code: "27", Name: "Tỉnh Bắc Giang", Kind: "tinh"},
	} {
		if _, err := s.CreateUnit(ctx, in); err != nil {
			f.Fatalf("create unit %s: %v", in.Code, err)
		}
	}
	gv, err := s.CreateUser(ctx, UserInput{Username: "giangvien", FullName: "Giảng Viên", Role: "trainer", UnitCode: "24", Password: "mat-khau-dai-du"}, false)
	if err != nil {
		f.Fatal(err)
	}
	trainer, err := s.Scope(ctx, gv)
	if err != nil || trainer.All || len(trainer.Units) == 0 {
		f.Fatalf("trainer scope = %+v, %v", trainer, err)
	}
	scopes := []model.Scope{{All: true}, trainer}

	for _, seed := range []struct {
		csv   string
		units bool
	}{
		{"\ufeffHọ và tên;Mã đơn vị;Tên đăng nhập;Số điện thoại;Thư điện tử\r\n" +
			"Trần Văn Bình;07441;;0912 345 678;binh@tamda.gov.vn\r\n" +
			"Nguye\u0302\u0303n Thi\u0323 Hu\u031bo\u031b\u0300ng;07441;nthuong;+84 98 765 4321;\r\n" +
			"  Lê   Thị Mai ;24;;;\r\n", false},
		{"Tên đăng nhập,Họ và tên,Mã đơn vị,Số điện thoại,Email\n" +
			"an01,Nguyễn Văn An,07441,0912345678,an@x.vn\n" +
			",,07441,,\n" +
			"an01,Lê An,07441,,\n" +
			"giangvien,Giảng Viên Khác,07441,,\n" +
			"dung,Vũ Dũng,27,,dung@@x\n", false},
		{"Mã đơn vị,Tên đơn vị,Loại đơn vị,Mã đơn vị cấp trên\n" +
			"07442,Xã Tam Giang,xã,24\n" +
			"SNV24,Sở Nội vụ,sở ngành,24\n" +
			"X9,Xã Con,xa,X8\nX8,Xã Mẹ,xa,X9\n" +
			"28,Tỉnh Mới,tỉnh,\n", true},
		{"Full name,Full name,Unit\nA,B,24\n", false},
	} {
		f.Add([]byte(seed.csv), seed.units)
	}
	f.Fuzz(func(t *testing.T, data []byte, units bool) {
		tab, err := report.ReadTable(data)
		if err != nil {
			return
		}
		lines := make([]RosterLine, len(tab))
		inFile := map[int]bool{}
		for i, l := range tab {
			lines[i] = RosterLine{N: l.N, Cells: l.Cells}
			inFile[l.N] = true
		}
		kind := RosterUsers
		if units {
			kind = RosterUnits
		}
		taken, err := db.Usernames(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, sc := range scopes {
			r, err := s.CheckRoster(ctx, kind, lines, sc)
			if err != nil {
				t.Fatalf("CheckRoster: %v", err)
			}
			for _, p := range r.AllProblems() {
				if p.Line != 0 && !inFile[p.Line] || p.Msg.VI == "" || p.Msg.EN == "" {
					t.Fatalf("problem at line %d, not a line of the file: %+v", p.Line, p)
				}
			}
			if r.Valid+r.Invalid != len(r.Rows) {
				t.Fatalf("%d valid and %d invalid of %d rows", r.Valid, r.Invalid, len(r.Rows))
			}
			seen := map[string]int{}
			for _, row := range r.Rows {
				if !inFile[row.Line] {
					t.Fatalf("row at line %d, not a line of the file", row.Line)
				}
				if !row.OK() {
					continue
				}
				key := row.User.Username
				if units {
					key = row.Unit.Code
					if key == "" || !row.Unit.Kind.Valid() {
						t.Fatalf("line %d passes without a code or a kind: %+v", row.Line, row.Unit)
					}
				} else {
					c := &checker{}
					c.username(key)
					if _, bad := c.errs.For("username"); bad || taken[key] || row.User.FullName == "" || row.User.UnitID == 0 {
						t.Fatalf("line %d passes with username %q (taken: %v), name %q, unit %d", row.Line, key, taken[key], row.User.FullName, row.User.UnitID)
					}
				}
				if prev, dup := seen[key]; dup {
					t.Fatalf("lines %d and %d pass with the same %q", prev, row.Line, key)
				}
				seen[key] = row.Line
			}
		}
	})
}
