package store

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/model"
)

// A SQLite platform moved to PostgreSQL keeps every row, its ids and its
// bytes; a unit whose parent came after it and a certificate replaced by
// a later one are linked again; new rows get new ids; a second copy into
// the same database is refused and changes nothing.
func TestCopySQLiteToPostgres(t *testing.T) {
	ctx := context.Background()
	lite, _ := openTest(t)
	t0 := time.UnixMilli(1_795_000_000_000)
	// A commune created before its province (as a roster import may).
	xa := mustUnit(t, lite, model.Unit{Code: "07441", Name: "Xã Tam Đa", Kind: model.KindCommune})
	prov := mustUnit(t, lite, model.Unit{Code: "24", Name: "Tỉnh Bắc Ninh", Kind: model.KindProvince})
	if _, err := lite.write.Exec(`UPDATE units SET parent_id = ? WHERE id = ?`, prov.ID, xa.ID); err != nil {
		t.Fatal(err)
	}
	u := model.User{Username: "Mai.Le", FullName: "Lê Thị Mai", Role: model.RoleTrainee, UnitID: xa.ID, PasswordHash: "h"}
	roster := []byte("PK\x03\x04 not text \x00\xff")
	var attempt model.Attempt
	var first model.Certificate
	err := lite.WithTx(ctx, func(tx *Tx) error {
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		if err := tx.CreateSession(ctx, model.Session{TokenHash: "th", UserID: u.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour), LastSeenAt: t0}); err != nil {
			return err
		}
		if err := tx.RecordVisits(ctx, []Visit{{UserID: u.ID, CourseID: "c", ModuleID: "m1", At: t0}, {UserID: u.ID, CourseID: "c", ModuleID: "m2", At: t0}}); err != nil {
			return err
		}
		if err := tx.CompleteModule(ctx, u.ID, "c", "m1", t0); err != nil {
			return err
		}
		attempt = model.Attempt{UserID: u.ID, CourseID: "c", Kind: model.AttemptExam, Seed: 42, Questions: []string{"q1"}, StartedAt: t0, DeadlineAt: t0.Add(time.Hour)}
		if err := tx.CreateAttempt(ctx, &attempt); err != nil {
			return err
		}
		if err := tx.SaveAnswer(ctx, attempt.ID, "q1", `{"choice":"a"}`, t0, nil); err != nil {
			return err
		}
		first = model.Certificate{Code: "ABC", UserID: u.ID, CourseID: "c", HolderName: u.FullName, UnitName: xa.Name, CourseTitle: "Khóa", Hours: 8, ExamPercent: 90, IssuedAt: t0}
		if err := tx.CreateCertificate(ctx, &first, "issue", u.ID, ""); err != nil {
			return err
		}
		if err := tx.RevokeCertificate(ctx, first.ID, t0, "sai tên", 0); err != nil {
			return err
		}
		second := model.Certificate{Code: "DEF", UserID: u.ID, CourseID: "c", HolderName: u.FullName, UnitName: xa.Name, CourseTitle: "Khóa", Hours: 8, ExamPercent: 90, IssuedAt: t0}
		if err := tx.CreateCertificate(ctx, &second, "reissue", u.ID, ""); err != nil {
			return err
		}
		if err := tx.SetReplacement(ctx, first.ID, second.ID); err != nil {
			return err
		}
		r := model.RosterImport{ActorID: u.ID, Kind: "users", Filename: "ds.xlsx", Content: roster, UploadedAt: t0}
		if err := tx.CreateRosterImport(ctx, &r); err != nil {
			return err
		}
		return tx.Audit(ctx, t0, u.ID, "user.create", "user:1", nil, map[string]string{"tên": "Mai"})
	})
	if err != nil {
		t.Fatal(err)
	}

	pg := openPG(t)
	var told []string
	counts, err := lite.CopyTo(ctx, pg, func(table string, rows int64) { told = append(told, table) })
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]int64{}
	for _, c := range counts {
		by[c.Table] = c.Rows
	}
	if by["units"] != 2 || by["users"] != 1 || by["certificates"] != 2 || by["audit_log"] != 1 || by["module_progress"] != 2 {
		t.Fatalf("copied %v", counts)
	}
	if strings.Index(strings.Join(told, " "), "units") > strings.Index(strings.Join(told, " "), "users") {
		t.Fatalf("users copied before units: %v", told)
	}
	// The same rows, found the same ways.
	got, err := pg.UserByUsername(ctx, "mai.le")
	if err != nil || got.ID != u.ID || got.FullName != "Lê Thị Mai" {
		t.Fatalf("user on PostgreSQL: %+v %v", got, err)
	}
	unit, err := pg.UnitByID(ctx, xa.ID)
	if err != nil || unit.ParentID != prov.ID {
		t.Fatalf("commune on PostgreSQL: %+v %v; want parent %d", unit, err, prov.ID)
	}
	c1, err := pg.Certificate(ctx, first.ID)
	if err != nil || c1.Serial != first.Serial || c1.ReplacedBy == 0 || c1.Status != model.CertRevoked {
		t.Fatalf("revoked certificate on PostgreSQL: %+v %v", c1, err)
	}
	r, err := pg.RosterImport(ctx, 1)
	if err != nil || !bytes.Equal(r.Content, roster) {
		t.Fatalf("roster file on PostgreSQL: %q %v; want %q", r.Content, err, roster)
	}
	answers, err := pg.Answers(ctx, attempt.ID)
	if err != nil || len(answers) != 1 {
		t.Fatalf("answers on PostgreSQL: %v %v", answers, err)
	}
	// New rows get new ids and serials.
	var nu model.Unit
	err = pg.WithTx(ctx, func(tx *Tx) error {
		nu = model.Unit{Code: "X2", Name: "Xã Mới", Kind: model.KindCommune, ParentID: prov.ID}
		if err := tx.CreateUnit(ctx, &nu); err != nil {
			return err
		}
		c := model.Certificate{Code: "GHI", UserID: u.ID, CourseID: "d", HolderName: u.FullName, UnitName: xa.Name, CourseTitle: "Khóa 2", IssuedAt: t0}
		if err := tx.CreateCertificate(ctx, &c, "issue", u.ID, ""); err != nil {
			return err
		}
		if c.Seq != 3 {
			t.Errorf("the next certificate of the year is number %d; want 3", c.Seq)
		}
		return nil
	})
	if err != nil || nu.ID <= prov.ID {
		t.Fatalf("a new unit on PostgreSQL: id %d, %v; want above %d", nu.ID, err, prov.ID)
	}
	// A second copy is refused: the database is no longer empty.
	if _, err := lite.CopyTo(ctx, pg, nil); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("a second copy: %v", err)
	}
}
