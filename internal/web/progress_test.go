package web

import (
	"net/http"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A trainer assigns a course to a commune with a due date; the trainee sees
// it first on their home page; the dashboard counts move as they complete
// a module; once the date passes they are on the overdue list, which
// exports.
func TestEnrolAndTrack(t *testing.T) {
	e := newEnvFS(t, examContent())
	ck := e.login(t, "giangvien")
	e.clock.Set(time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC))
	w := e.do(req{method: "POST", path: "/manage/enrol", cookie: ck, form: url.Values{"course": {"khoa"}, "unit": {"07441"}, "due": {"2026-12-15"}}})
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Đã giao 1 lượt.") || !strings.Contains(w.Body.String(), "15/12/2026") {
		t.Fatalf("enrol: %d %.2000s", w.Code, w.Body.String())
	}
	for _, bad := range []url.Values{{"course": {"khoa"}}, {"course": {"khoa"}, "unit": {"07441"}, "due": {"2026-11-01"}}, {"course": {"khong-co"}, "unit": {"07441"}},
		{"course": {"khoa"}, "usernames": {"khongai"}}} {
		if w := e.do(req{method: "POST", path: "/manage/enrol", cookie: ck, form: bad}); w.Code != http.StatusUnprocessableEntity {
			t.Errorf("enrol %v: %d", bad, w.Code)
		}
	}
	hv := e.login(t, "hocvien")
	if body := mustGet(t, e, "/", hv); !strings.Contains(body, `id="assigned"`) || !strings.Contains(body, "hạn 15/12/2026") {
		t.Fatalf("the trainee's home page lacks the assignment: %.3000s", body)
	}
	totals := func() string {
		body := mustGet(t, e, "/manage/progress?course=khoa", ck)
		i := strings.Index(body, `id="progress-totals">`)
		return body[i+len(`id="progress-totals">`) : i+strings.Index(body[i:], "</p>")]
	}
	if got := totals(); got != "1 cán bộ · được giao 1 · đã bắt đầu 0 · hoàn thành 0 (0%) · quá hạn 0" {
		t.Fatalf("before: %q", got)
	}
	e.do(req{method: "POST", path: "/courses/khoa/modules/bai-mot/complete", cookie: hv, header: map[string]string{"Accept": "application/json"}})
	if err := e.tracker.Close(t.Context()); err != nil { // the batched progress reaches the database
		t.Fatal(err)
	}
	if got := totals(); got != "1 cán bộ · được giao 1 · đã bắt đầu 1 · hoàn thành 0 (0%) · quá hạn 0" {
		t.Fatalf("after a module: %q", got)
	}
	// The drill-down to the commune and the officer's record.
	unit, _ := e.db.UnitByCode(t.Context(), "24")
	body := mustGet(t, e, "/manage/progress?course=khoa&unit="+strconv.FormatInt(unit.ID, 10), ck)
	if !strings.Contains(body, "Xã Tam Đa") || !strings.Contains(body, "<svg") {
		t.Fatalf("province drill-down: %.3000s", body)
	}
	commune, _ := e.db.UnitByCode(t.Context(), "07441")
	body = mustGet(t, e, "/manage/progress/officers?course=khoa&unit="+strconv.FormatInt(commune.ID, 10), ck)
	if !strings.Contains(body, "Trần Văn Bình") || !strings.Contains(body, "1/1") || !strings.Contains(body, "Đang học") {
		t.Fatalf("commune drill-down: %.3000s", body)
	}
	me := mustUser(t, e, "hocvien")
	if body := mustGet(t, e, "/manage/officers/"+strconv.FormatInt(me.ID, 10), ck); !strings.Contains(body, "Bài một") || !strings.Contains(body, "Đang học") {
		t.Fatalf("record: %.3000s", body)
	}
	// A required live session of the course, over, which the officer
	// attended throughout: the live column counts it.
	trainer := mustUser(t, e, "giangvien")
	start := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	s := model.LiveSession{Code: "121212", Title: "Hội nghị", CourseID: "khoa", StartsAt: start, EndsAt: start.Add(2 * time.Hour),
		LateAfter: 10 * time.Minute, PresentPct: 80, Required: true, TrainerID: trainer.ID}
	err := e.db.WithTx(t.Context(), func(tx *store.Tx) error {
		if err := tx.CreateLiveSession(t.Context(), &s, []int64{commune.ID}, nil); err != nil {
			return err
		}
		if err := tx.OpenPresence(t.Context(), s.ID, me.ID, "online", start.Add(-time.Minute)); err != nil {
			return err
		}
		return tx.ClosePresence(t.Context(), s.ID, me.ID, start.Add(2*time.Hour))
	})
	if err != nil {
		t.Fatal(err)
	}
	// After the due date: overdue, on the list and in its export.
	e.clock.Set(time.Date(2026, 12, 20, 3, 0, 0, 0, time.UTC))
	if body := mustGet(t, e, "/manage/progress?course=khoa", ck); !strings.Contains(body, `<td data-label="Dự buổi trực tuyến bắt buộc">1/1</td>`) {
		t.Fatalf("the live column: %.4000s", body)
	}
	if got := totals(); !strings.HasSuffix(got, "quá hạn 1") {
		t.Fatalf("after the due date: %q", got)
	}
	if body := mustGet(t, e, "/", hv); !strings.Contains(body, "quá hạn từ 15/12/2026") {
		t.Fatalf("the trainee is not told: %.2000s", body)
	}
	w = e.do(req{method: "GET", path: "/manage/progress/officers?course=khoa&overdue=1&format=csv", cookie: ck})
	if w.Code != 200 || !strings.Contains(w.Body.String(), "Trần Văn Bình,hocvien,Xã Tam Đa") || !strings.Contains(w.Body.String(), "15/12/2026,1/1,Quá hạn") {
		t.Fatalf("overdue CSV: %d %q", w.Code, w.Body.String())
	}
	if w := e.do(req{method: "GET", path: "/manage/progress?course=khoa&format=xlsx", cookie: ck}); w.Code != 200 || !strings.HasPrefix(w.Body.String(), "PK") {
		t.Fatalf("dashboard XLSX: %d", w.Code)
	}
	// The printable summary of the round, to file.
	body = mustGet(t, e, "/manage/progress?course=khoa&print=1", ck)
	for _, want := range []string{"Báo cáo kết quả đợt bồi dưỡng", "Số liệu tính đến 10:00, 20/12/2026", "Tỉnh Bắc Ninh", "Người lập báo cáo"} {
		if !strings.Contains(body, want) {
			t.Fatalf("summary lacks %q: %.3000s", want, body)
		}
	}
}

// A named group is enrolled as a whole; its members see the course and
// count as enrolled; deleting the group takes its enrolments with it.
func TestEnrolAGroup(t *testing.T) {
	e := newEnvFS(t, examContent())
	ck := e.login(t, "giangvien")
	e.clock.Set(time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC))
	w := e.do(req{method: "POST", path: "/manage/groups", cookie: ck, form: url.Values{"name": {"Lớp Tam Đa"}, "members": {"hocvien"}}})
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Đã tạo nhóm “Lớp Tam Đa” gồm 1 người.") {
		t.Fatalf("create group: %d %.2000s", w.Code, w.Body.String())
	}
	gs, _ := e.db.Groups(t.Context(), 0)
	if len(gs) != 1 {
		t.Fatalf("groups = %+v", gs)
	}
	w = e.do(req{method: "POST", path: "/manage/enrol", cookie: ck, form: url.Values{"course": {"khoa"}, "group": {strconv.FormatInt(gs[0].ID, 10)}, "due": {"2026-12-31"}}})
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Nhóm “Lớp Tam Đa” (1)") {
		t.Fatalf("enrol the group: %d %.2000s", w.Code, w.Body.String())
	}
	if body := mustGet(t, e, "/", e.login(t, "hocvien")); !strings.Contains(body, "hạn 31/12/2026") {
		t.Fatalf("the member does not see the course: %.2000s", body)
	}
	if body := mustGet(t, e, "/manage/progress?course=khoa", ck); !strings.Contains(body, "1 cán bộ · được giao 1 ·") {
		t.Fatalf("dashboard: %.2000s", body)
	}
	if w := e.do(req{method: "POST", path: "/manage/groups/" + strconv.FormatInt(gs[0].ID, 10) + "/delete", form: url.Values{}, cookie: ck}); w.Code != http.StatusSeeOther {
		t.Fatalf("delete: %d", w.Code)
	}
	if en, _ := e.db.Enrolments(t.Context(), ""); len(en) != 0 {
		t.Fatalf("the group's enrolments stayed: %+v", en)
	}
}

// Deactivating an officer keeps their records: the record still shows what
// they did, and their certificate stays valid.
func TestDeactivatingKeepsRecords(t *testing.T) {
	e := newEnvFS(t, examContent())
	passExam(t, e, e.login(t, "hocvien"))
	hv := mustUser(t, e, "hocvien")
	admin := e.login(t, "quantri")
	form := url.Values{"username": {"hocvien"}, "full_name": {hv.FullName}, "role": {"trainee"}, "unit": {"07441"}, "disabled": {"1"}}
	if w := e.do(req{method: "POST", path: "/admin/users/" + strconv.FormatInt(hv.ID, 10), form: form, cookie: admin}); w.Code != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", w.Code)
	}
	body := mustGet(t, e, "/manage/officers/"+strconv.FormatInt(hv.ID, 10), e.login(t, "giangvien"))
	for _, want := range []string{"Trần Văn Bình", "đã khóa", "Đã hoàn thành", "TDKT-"} {
		if !strings.Contains(body, want) {
			t.Fatalf("the record of a deactivated officer lacks %q: %.3000s", want, body)
		}
	}
}
