package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// BenchmarkProgressAtScale renders the progress pages of a country-sized
// roster: 50,000 trainees in 3,300 units (34 provinces of 96 communes and
// a department each), 2 million module progress rows over four courses,
// the shipped course assigned to every province. It reports the top
// roll-up, a province's drill-down (one row per commune) and a commune's
// officers, each through the real router:
//
//	go test ./internal/web -run XXX -bench ProgressAtScale -benchtime 20x
//
// Seeding takes about a minute and is not timed.
func BenchmarkProgressAtScale(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	const provinces, communes, perCommune = 34, 96, 15 // 34×(1+96+1) ≈ 3,300 units; 34×96×15 ≈ 49,000 + agencies
	co := "nghiep-vu-thi-dua-khen-thuong"
	mods := e.cat.Course(co).Modules
	courses := []string{co, "khoa-2", "khoa-3", "khoa-4"}
	start := time.Now()
	var provinceID, communeID int64
	var users []int64
	err := e.db.WithTx(ctx, func(tx *store.Tx) error {
		for p := 0; p < provinces; p++ {
			prov := model.Unit{Code: fmt.Sprintf("P%02d", p), Name: fmt.Sprintf("Tỉnh %02d", p), Kind: model.KindProvince}
			if err := tx.CreateUnit(ctx, &prov); err != nil {
				return err
			}
			if p == 0 {
				provinceID = prov.ID
			}
			en := model.Enrolment{CourseID: co, UnitID: prov.ID, DueAt: time.Now().Add(-time.Hour), CreatedBy: 1, CreatedAt: time.Now()}
			if err := tx.CreateEnrolment(ctx, &en); err != nil {
				return err
			}
			for c := 0; c <= communes; c++ {
				kind, name := model.KindCommune, fmt.Sprintf("Xã %02d-%02d", p, c)
				if c == communes {
					kind, name = model.KindAgency, fmt.Sprintf("Sở Nội vụ %02d", p)
				}
				u := model.Unit{Code: fmt.Sprintf("P%02dC%02d", p, c), Name: name, Kind: kind, ParentID: prov.ID}
				if err := tx.CreateUnit(ctx, &u); err != nil {
					return err
				}
				if p == 0 && c == 0 {
					communeID = u.ID
				}
				n := perCommune
				if c == communes {
					n = 10
				}
				for i := 0; i < n; i++ {
					user := model.User{Username: fmt.Sprintf("u%02d%02d%02d", p, c, i), FullName: fmt.Sprintf("Cán Bộ %d", i), Role: model.RoleTrainee,
						UnitID: u.ID, PasswordHash: "x"}
					if err := tx.CreateUser(ctx, &user); err != nil {
						return err
					}
					users = append(users, user.ID)
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	// Ten modules read in each of four courses by everyone: 2 million rows;
	// the first course's modules completed by two officers in three.
	rows := 0
	for lo := 0; lo < len(users); lo += 2000 {
		hi := min(lo+2000, len(users))
		err := e.db.WithTx(ctx, func(tx *store.Tx) error {
			var visits []store.Visit
			for _, id := range users[lo:hi] {
				for _, c := range courses {
					for m := 0; m < 10; m++ {
						mod := "m" + strconv.Itoa(m)
						if c == co && m < len(mods) {
							mod = mods[m].ID
						}
						visits = append(visits, store.Visit{UserID: id, CourseID: c, ModuleID: mod, At: start})
					}
				}
			}
			rows += len(visits)
			if err := tx.RecordVisits(ctx, visits); err != nil {
				return err
			}
			for _, id := range users[lo:hi] {
				if id%3 == 0 {
					continue
				}
				for _, m := range mods {
					if err := tx.CompleteModule(ctx, id, co, m.ID, start); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("seeded %d trainees, %d units, %d progress rows in %s", len(users), provinces*(communes+2), rows, time.Since(start).Round(time.Second))
	ck := e.login(b, "quantri")
	for _, page := range []struct{ name, path string }{
		{"top", "/manage/progress?course=" + co},
		{"province", "/manage/progress?course=" + co + "&unit=" + strconv.FormatInt(provinceID, 10)},
		{"commune", "/manage/progress/officers?course=" + co + "&unit=" + strconv.FormatInt(communeID, 10)},
	} {
		b.Run(page.name, func(b *testing.B) {
			for b.Loop() {
				r := httptest.NewRequest("GET", page.path, nil)
				r.AddCookie(ck)
				w := httptest.NewRecorder()
				e.h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: status %d", page.path, w.Code)
				}
			}
		})
	}
}
