package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// otherProvince adds a second province with its own trainer and a trainee
// who has passed the exam (so holds a certificate) and is expected at the
// other trainer's live session. The env's trainer, giangvien, works for
// province 24 and must see and change nothing of it.
type otherProvince struct {
	trainee model.User
	session int64
	cert    int64
	upload  int64 // a roster the other trainer uploaded
	group   int64 // the other trainer's group
	dossier int64 // a dossier report of the other province's trainee
	enrol   int64 // the course assigned to the other province, overdue
	unit    int64 // the other province's commune
}

func addOtherProvince(t *testing.T, e *env) otherProvince {
	t.Helper()
	ctx := context.Background()
	for _, in := range []auth.UnitInput{{Code: "27", Name: "Tỉnh Bắc Giang", Kind: "tinh"}, {Code: "07500", Name: "Xã Yên Dũng", Kind: "xa", ParentCode: "27"}} {
		if _, err := e.auth.CreateUnit(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	var o otherProvince
	gv, err := e.auth.CreateUser(ctx, auth.UserInput{Username: "gvbacgiang", FullName: "Hoàng Văn Giang", Role: "trainer", UnitCode: "27", Password: testPassword}, false)
	if err != nil {
		t.Fatal(err)
	}
	if o.trainee, err = e.auth.CreateUser(ctx, auth.UserInput{Username: "hvbacgiang", FullName: "Vũ Thị Yên", Role: "trainee", UnitCode: "07500", Password: testPassword}, false); err != nil {
		t.Fatal(err)
	}
	passExam(t, e, e.login(t, "hvbacgiang"))
	certs, _ := e.db.Certificates(ctx, "khoa", []int64{o.trainee.UnitID})
	if len(certs) != 1 {
		t.Fatalf("the other province's trainee holds %d certificates", len(certs))
	}
	o.cert = certs[0].ID
	unit, _ := e.db.UnitByCode(ctx, "27")
	s := model.LiveSession{Code: "272727", Title: "Tập huấn Bắc Giang", CourseID: "khoa", StartsAt: time.Now().Add(-time.Hour), EndsAt: time.Now().Add(time.Hour),
		LateAfter: 10 * time.Minute, PresentPct: 80, TrainerID: gv.ID}
	if err := e.db.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateLiveSession(ctx, &s, []int64{unit.ID}, nil) }); err != nil {
		t.Fatal(err)
	}
	o.session = s.ID
	o.unit = o.trainee.UnitID
	en := model.Enrolment{CourseID: "khoa", UnitID: unit.ID, DueAt: time.Now().Add(-24 * time.Hour), CreatedBy: gv.ID, CreatedAt: time.Now().Add(-48 * time.Hour)}
	other, _ := e.auth.CreateUser(ctx, auth.UserInput{Username: "hvchamtre", FullName: "Lý Văn Chậm", Role: "trainee", UnitCode: "07500", Password: testPassword}, false)
	_ = other
	if err := e.db.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateEnrolment(ctx, &en) }); err != nil {
		t.Fatal(err)
	}
	o.enrol = en.ID
	grp := model.Group{Name: "Lớp Bắc Giang", OwnerID: gv.ID, CreatedAt: time.Now(), Members: []int64{o.trainee.ID}}
	if err := e.db.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateGroup(ctx, &grp) }); err != nil {
		t.Fatal(err)
	}
	o.group = grp.ID
	rep := model.DossierSubmission{UserID: o.trainee.ID, CourseID: "khoa", CaseID: "cstdcs-xa", Answer: "{}", Total: 1, SubmittedAt: time.Now()}
	if err := e.db.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateDossierSubmission(ctx, &rep) }); err != nil {
		t.Fatal(err)
	}
	o.dossier = rep.ID
	w := postRoster(t, e, e.login(t, "gvbacgiang"), "users", "bac-giang.csv", []byte("Họ và tên,Mã đơn vị\nNgô Văn Khánh,07500\n"))
	if o.upload, err = strconv.ParseInt(strings.TrimPrefix(w.Header().Get("Location"), "/manage/roster/"), 10, 64); err != nil {
		t.Fatalf("upload as the other trainer: %d %s", w.Code, w.Header().Get("Location"))
	}
	return o
}

// postRoster uploads a roster file as the form does.
func postRoster(t *testing.T, e *env, ck *http.Cookie, kind, name string, data []byte) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("kind", kind)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	return e.do(req{method: "POST", path: "/manage/roster", body: body.String(), cookie: ck, header: map[string]string{"Content-Type": mw.FormDataContentType()}})
}

// scopeChecks holds, for every route under /manage and the other routes
// that show one person's records, what a trainer of another province gets.
// TestEveryManageRouteIsScoped fails when a route under /manage has no
// entry here: a new route needs a decision.
var scopeChecks = map[string]func(t *testing.T, e *env, o otherProvince, ck *http.Cookie){
	"GET /manage/courses/:course/stats": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		// The other province's answers are the only ones: nothing to show.
		body := mustGet(t, e, "/manage/courses/khoa/stats", ck)
		if !strings.Contains(body, tr("vi", "stats.none")) {
			t.Errorf("stats show another province's answers: %.1500s", body)
		}
		if admin := mustGet(t, e, "/manage/courses/khoa/stats", e.login(t, "quantri")); strings.Contains(admin, tr("vi", "stats.none")) {
			t.Error("the administrator sees no answers: the check proves nothing")
		}
	},
	"GET /manage/live/new": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		if body := mustGet(t, e, "/manage/live/new", ck); strings.Contains(body, "Bắc Giang") || !strings.Contains(body, "Tam Đa") {
			t.Errorf("the scheduling form offers units outside the scope")
		}
	},
	"POST /manage/live": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		form := url.Values{"title": {"Tập huấn hộ"}, "date": {"2026-12-01"}, "start": {"08:00"}, "end": {"11:00"},
			"late_after": {"10"}, "present_pct": {"80"}, "units": {"07500"}}
		before, _ := e.db.LiveSessions(context.Background(), time.Time{})
		w := e.do(req{method: "POST", path: "/manage/live", form: form, cookie: ck})
		after, _ := e.db.LiveSessions(context.Background(), time.Time{})
		if w.Code != http.StatusUnprocessableEntity || len(after) != len(before) || !strings.Contains(w.Body.String(), "không thuộc phạm vi") {
			t.Errorf("scheduling for another province's unit: %d, sessions %d → %d", w.Code, len(before), len(after))
		}
	},
	"GET /manage/live/:id/attendance": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		for _, q := range []string{"", "?format=csv", "?format=xlsx", "?print=1"} {
			expectStatus(t, e, "GET", "/manage/live/"+strconv.FormatInt(o.session, 10)+"/attendance"+q, ck, http.StatusNotFound)
		}
	},
	"GET /manage/live/:id/qr.svg": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		expectStatus(t, e, "GET", "/manage/live/"+strconv.FormatInt(o.session, 10)+"/qr.svg", ck, http.StatusNotFound)
	},
	"GET /manage/certificates": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		if body := mustGet(t, e, "/manage/certificates?course=khoa", ck); strings.Contains(body, o.trainee.FullName) || strings.Contains(body, "Bắc Giang") {
			t.Errorf("the certificate list shows another province")
		}
	},
	"POST /manage/certificates/bulk": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		w := e.do(req{method: "POST", path: "/manage/certificates/bulk", cookie: ck, form: url.Values{"course": {"khoa"}, "unit": {"07500"}}})
		if w.Code != http.StatusUnprocessableEntity {
			t.Errorf("bulk issue for another province's unit: %d", w.Code)
		}
		// Issuing over the whole scope reaches its one trainee, who is not
		// eligible, and not the other province's, who already holds one.
		w = e.do(req{method: "POST", path: "/manage/certificates/bulk", cookie: ck, form: url.Values{"course": {"khoa"}}})
		if want := "Đã cấp mới 0; đã có từ trước 0; chưa đủ điều kiện 1;"; !strings.Contains(w.Body.String(), want) {
			t.Errorf("a bulk issue over the scope: want %q in %.2000s", want, w.Body.String())
		}
		if w := e.do(req{method: "POST", path: "/manage/certificates/bulk", cookie: e.login(t, "quantri"), form: url.Values{"course": {"khoa"}}}); !strings.Contains(w.Body.String(), "đã có từ trước 1;") {
			t.Error("the administrator's bulk issue does not reach the other province: the check proves nothing")
		}
	},
	"GET /manage/certificates/:id": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		expectStatus(t, e, "GET", "/manage/certificates/"+strconv.FormatInt(o.cert, 10), ck, http.StatusNotFound)
	},
	"POST /manage/certificates/:id/revoke": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		w := e.do(req{method: "POST", path: "/manage/certificates/" + strconv.FormatInt(o.cert, 10) + "/revoke", cookie: ck, form: url.Values{"reason": {"thử"}}})
		if c, _ := e.db.Certificate(context.Background(), o.cert); w.Code != http.StatusForbidden || c.Status != "valid" {
			t.Errorf("revoke: %d, status %s", w.Code, c.Status)
		}
	},
	"POST /manage/certificates/:id/reissue": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		expectStatus(t, e, "POST", "/manage/certificates/"+strconv.FormatInt(o.cert, 10)+"/reissue", ck, http.StatusForbidden)
	},
	"GET /manage/roster": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		if body := mustGet(t, e, "/manage/roster", ck); strings.Contains(body, "bac-giang.csv") {
			t.Errorf("the roster page lists another trainer's upload")
		}
	},
	"GET /manage/roster/template": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		// Headings and an example line only: nobody's data.
		w := e.do(req{method: "GET", path: "/manage/roster/template?kind=users&format=csv", cookie: ck})
		if w.Code != http.StatusOK || strings.Count(w.Body.String(), "\n") != 2 {
			t.Errorf("template: %d %q", w.Code, w.Body.String())
		}
	},
	"POST /manage/roster": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		// Officers of another province's commune are refused line by line,
		// and nothing is written whichever import is asked for.
		w := postRoster(t, e, ck, "users", "nham.csv", []byte("Họ và tên,Mã đơn vị\nNgô Văn Lâm,07500\n"))
		path := w.Header().Get("Location")
		if w.Code != http.StatusSeeOther || !strings.Contains(mustGet(t, e, path, ck), "không thuộc phạm vi bạn phụ trách") {
			t.Fatalf("upload: %d %s", w.Code, path)
		}
		before, _ := e.db.CountUsers(context.Background())
		for _, mode := range []string{"all", "valid"} {
			if w := e.do(req{method: "POST", path: path + "/import", form: url.Values{"mode": {mode}}, cookie: ck}); w.Code != http.StatusUnprocessableEntity {
				t.Errorf("import %s: %d", mode, w.Code)
			}
		}
		if after, _ := e.db.CountUsers(context.Background()); after != before {
			t.Errorf("accounts written for another province: %d", after-before)
		}
	},
	"GET /manage/roster/:id": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		expectStatus(t, e, "GET", "/manage/roster/"+strconv.FormatInt(o.upload, 10), ck, http.StatusNotFound)
	},
	"POST /manage/roster/:id/import": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		expectStatus(t, e, "POST", "/manage/roster/"+strconv.FormatInt(o.upload, 10)+"/import", ck, http.StatusNotFound)
	},
	"GET /manage/roster/:id/slips": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		expectStatus(t, e, "GET", "/manage/roster/"+strconv.FormatInt(o.upload, 10)+"/slips", ck, http.StatusNotFound)
	},
	"GET /manage/users": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		body := mustGet(t, e, "/manage/users", ck)
		if strings.Contains(body, o.trainee.FullName) || !strings.Contains(body, "Trần Văn Bình") || strings.Contains(body, "Bắc Giang") {
			t.Errorf("the officer list crosses the scope: %.2000s", body)
		}
		if body := mustGet(t, e, "/manage/users?q=yen", ck); strings.Contains(body, o.trainee.FullName) {
			t.Errorf("a search finds another province's officer")
		}
	},
	"POST /manage/users/:id/reset-password": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		before, _ := e.db.UserByID(context.Background(), o.trainee.ID)
		expectStatus(t, e, "POST", "/manage/users/"+strconv.FormatInt(o.trainee.ID, 10)+"/reset-password", ck, http.StatusNotFound)
		// Nor another trainer, nor an administrator, even in the province.
		for _, name := range []string{"quantri", "giangvien"} {
			u := mustUser(t, e, name)
			expectStatus(t, e, "POST", "/manage/users/"+strconv.FormatInt(u.ID, 10)+"/reset-password", ck, http.StatusNotFound)
		}
		if after, _ := e.db.UserByID(context.Background(), o.trainee.ID); after.PasswordHash != before.PasswordHash {
			t.Error("another province's officer had their password reset")
		}
		// An officer in scope: a slip with a new password.
		hv := mustUser(t, e, "hocvien")
		w := e.do(req{method: "POST", path: "/manage/users/" + strconv.FormatInt(hv.ID, 10) + "/reset-password", form: url.Values{}, cookie: ck})
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `class="slip"`) || !strings.Contains(w.Body.String(), "Trần Văn Bình") ||
			strings.Contains(w.Body.String(), "format=xlsx") { // the page answers a POST: no link back to it
			t.Errorf("reset in scope: %d %.1500s", w.Code, w.Body.String())
		}
	},
	"GET /manage/enrol": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		if body := mustGet(t, e, "/manage/enrol", ck); strings.Contains(body, "Bắc Giang") || strings.Contains(body, "/manage/enrol/"+strconv.FormatInt(o.enrol, 10)+"/delete") {
			t.Errorf("the enrolment page shows another province")
		}
	},
	"POST /manage/enrol": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		before, _ := e.db.Enrolments(context.Background(), "")
		for _, form := range []url.Values{{"course": {"khoa"}, "unit": {"07500"}}, {"course": {"khoa"}, "usernames": {"hvbacgiang"}}} {
			if w := e.do(req{method: "POST", path: "/manage/enrol", form: form, cookie: ck}); w.Code != http.StatusUnprocessableEntity {
				t.Errorf("enrol %v: %d", form, w.Code)
			}
		}
		if after, _ := e.db.Enrolments(context.Background(), ""); len(after) != len(before) {
			t.Errorf("enrolments written for another province")
		}
	},
	"POST /manage/enrol/:id/delete": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		expectStatus(t, e, "POST", "/manage/enrol/"+strconv.FormatInt(o.enrol, 10)+"/delete", ck, http.StatusNotFound)
		if _, err := e.db.Enrolment(context.Background(), o.enrol); err != nil {
			t.Errorf("another province's enrolment was withdrawn: %v", err)
		}
	},
	"GET /manage/progress": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		if body := mustGet(t, e, "/manage/progress?course=khoa", ck); strings.Contains(body, "Bắc Giang") || strings.Contains(body, "Yên Dũng") {
			t.Errorf("the dashboard shows another province")
		}
		unit27, _ := e.db.UnitByCode(context.Background(), "27")
		for _, q := range []string{"", "&format=csv", "&format=xlsx"} {
			expectStatus(t, e, "GET", "/manage/progress?course=khoa&unit="+strconv.FormatInt(unit27.ID, 10)+q, ck, http.StatusNotFound)
		}
		if admin := mustGet(t, e, "/manage/progress?course=khoa", e.login(t, "quantri")); !strings.Contains(admin, "Bắc Giang") {
			t.Error("the administrator does not see the other province: the check proves nothing")
		}
	},
	"GET /manage/progress/officers": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		expectStatus(t, e, "GET", "/manage/progress/officers?course=khoa&unit="+strconv.FormatInt(o.unit, 10), ck, http.StatusNotFound)
		for _, q := range []string{"", "&format=csv"} {
			if body := mustGet(t, e, "/manage/progress/officers?course=khoa&overdue=1"+q, ck); strings.Contains(body, "Lý Văn Chậm") {
				t.Errorf("the overdue list shows another province's officer")
			}
		}
		if admin := mustGet(t, e, "/manage/progress/officers?course=khoa&overdue=1", e.login(t, "quantri")); !strings.Contains(admin, "Lý Văn Chậm") {
			t.Error("the administrator's overdue list lacks the other province: the check proves nothing")
		}
	},
	"GET /manage/officers/:id": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		expectStatus(t, e, "GET", "/manage/officers/"+strconv.FormatInt(o.trainee.ID, 10), ck, http.StatusNotFound)
		hv := mustUser(t, e, "hocvien")
		expectStatus(t, e, "GET", "/manage/officers/"+strconv.FormatInt(hv.ID, 10), ck, http.StatusOK)
	},
	"POST /manage/groups": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		w := e.do(req{method: "POST", path: "/manage/groups", form: url.Values{"name": {"Lớp lẫn"}, "members": {"hocvien, hvbacgiang"}}, cookie: ck})
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "hvbacgiang") {
			t.Errorf("a group with another province's officer: %d", w.Code)
		}
		if gs, _ := e.db.Groups(context.Background(), mustUser(t, e, "giangvien").ID); len(gs) != 0 {
			t.Errorf("the refused group was written: %+v", gs)
		}
		// Another trainer's group is not offered to enrol.
		if body := mustGet(t, e, "/manage/enrol", ck); strings.Contains(body, "Lớp Bắc Giang") {
			t.Error("the enrolment page offers another trainer's group")
		}
		w = e.do(req{method: "POST", path: "/manage/enrol", form: url.Values{"course": {"khoa"}, "group": {strconv.FormatInt(o.group, 10)}}, cookie: ck})
		if w.Code != http.StatusUnprocessableEntity {
			t.Errorf("enrolling another trainer's group: %d", w.Code)
		}
	},
	"POST /manage/groups/:id/delete": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		expectStatus(t, e, "POST", "/manage/groups/"+strconv.FormatInt(o.group, 10)+"/delete", ck, http.StatusNotFound)
		if _, err := e.db.Group(context.Background(), o.group); err != nil {
			t.Errorf("another trainer's group was deleted: %v", err)
		}
	},
	"GET /manage/dossiers": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		if body := mustGet(t, e, "/manage/dossiers", ck); strings.Contains(body, "/dossiers/"+strconv.FormatInt(o.dossier, 10)) {
			t.Error("the reports list shows another province's report")
		}
	},
	"POST /manage/dossiers/:id/comment": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		w := e.do(req{method: "POST", path: "/manage/dossiers/" + strconv.FormatInt(o.dossier, 10) + "/comment", form: url.Values{"comment": {"x"}}, cookie: ck})
		if d, _ := e.db.DossierSubmission(context.Background(), o.dossier); w.Code != http.StatusNotFound || d.Comment != "" {
			t.Errorf("comment on another province's report: %d %q", w.Code, d.Comment)
		}
	},
	"GET /dossiers/:id": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		expectStatus(t, e, "GET", "/dossiers/"+strconv.FormatInt(o.dossier, 10), ck, http.StatusNotFound)
	},
	// Outside /manage, the routes that show one person's or one session's records.
	"GET /certificates/:id/pdf": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		expectStatus(t, e, "GET", "/certificates/"+strconv.FormatInt(o.cert, 10)+"/pdf", ck, http.StatusNotFound)
	},
	"GET /live": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		if body := mustGet(t, e, "/live", ck); strings.Contains(body, "Tập huấn Bắc Giang") {
			t.Errorf("the session list shows another province's session")
		}
	},
	"GET /live/:id": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		expectStatus(t, e, "GET", "/live/"+strconv.FormatInt(o.session, 10), ck, http.StatusForbidden)
	},
	// Recordings: as the room itself. A take the other province's session
	// really has, so that a 403 is about the session, not a missing file.
	"GET /live/:id/replay": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		expectStatus(t, e, "GET", "/live/"+strconv.FormatInt(o.session, 10)+"/replay", ck, http.StatusForbidden)
	},
	"GET /live/:id/replay/:take": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		expectStatus(t, e, "GET", "/live/"+strconv.FormatInt(o.session, 10)+"/replay/"+scopeTake(t, e, o), ck, http.StatusForbidden)
	},
	"GET /live/:id/replay/:take/audio.opus": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		expectStatus(t, e, "GET", "/live/"+strconv.FormatInt(o.session, 10)+"/replay/"+scopeTake(t, e, o)+"/audio.opus", ck, http.StatusForbidden)
	},
	"POST /live/:id/replay/:take/watch": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		w := e.do(req{method: "POST", path: "/live/" + strconv.FormatInt(o.session, 10) + "/replay/" + scopeTake(t, e, o) + "/watch",
			form: url.Values{"seconds": {"30"}}, cookie: ck})
		if w.Code != http.StatusForbidden {
			t.Errorf("watching another province's recording: %d", w.Code)
		}
	},
	"POST /live/:id/replay/:take": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		w := e.do(req{method: "POST", path: "/live/" + strconv.FormatInt(o.session, 10) + "/replay/" + scopeTake(t, e, o),
			form: url.Values{"published": {"1"}, "keep_days": {"30"}}, cookie: ck})
		if w.Code != http.StatusForbidden {
			t.Errorf("publishing another province's recording: %d", w.Code)
		}
	},
	"GET /live/join": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		// The code leads to the room's address, which refuses (above).
		w := e.do(req{method: "GET", path: "/live/join?code=272727", cookie: ck})
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/live/"+strconv.FormatInt(o.session, 10) {
			t.Errorf("join by code: %d %s", w.Code, w.Header().Get("Location"))
		}
	},
	"GET /live/:id/ws": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		expectStatus(t, e, "GET", "/live/"+strconv.FormatInt(o.session, 10)+"/ws", ck, http.StatusForbidden)
	},
	"GET /live/:id/checkin": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		// Not even the confirm page: it would name another province's session.
		w := e.do(req{method: "GET", path: "/live/" + strconv.FormatInt(o.session, 10) + "/checkin?t=x", cookie: ck})
		if w.Code != http.StatusForbidden || strings.Contains(w.Body.String(), "Tập huấn Bắc Giang") {
			t.Errorf("another province's check-in page: %d, names the session: %v", w.Code, strings.Contains(w.Body.String(), "Tập huấn Bắc Giang"))
		}
	},
	"POST /live/:id/checkin": func(t *testing.T, e *env, o otherProvince, ck *http.Cookie) {
		tok := e.rooms.CheckinToken(o.session, e.clock.Now())
		w := e.do(req{method: "POST", path: "/live/" + strconv.FormatInt(o.session, 10) + "/checkin", form: url.Values{"t": {tok}}, cookie: ck})
		if ps, _ := e.db.Presence(context.Background(), o.session); w.Code != http.StatusForbidden || len(ps) != 0 {
			t.Errorf("a hall check-in at another province's session: %d, %d presence rows", w.Code, len(ps))
		}
	},
}

func mustGet(t *testing.T, e *env, path string, ck *http.Cookie) string {
	t.Helper()
	w := e.do(req{method: "GET", path: path, cookie: ck})
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s: %d", path, w.Code)
	}
	return w.Body.String()
}

func expectStatus(t *testing.T, e *env, method, path string, ck *http.Cookie, want int) {
	t.Helper()
	r := req{method: method, path: path, cookie: ck}
	if method == "POST" {
		r.form = url.Values{}
	}
	if w := e.do(r); w.Code != want {
		t.Errorf("%s %s: %d, want %d", method, path, w.Code, want)
	}
}

// Every route under /manage, /live and /certificates, listed from the
// router itself, is checked: a trainer of province 24 sees and changes
// nothing of province 27. Every route under /admin refuses trainers.
func TestEveryManageRouteIsScoped(t *testing.T) {
	eng := gin.New()
	(&handler{}).routes(eng) // only registers the routes; nothing runs
	e := newEnvFS(t, dossierContent(t))
	o := addOtherProvince(t, e)
	ck := e.login(t, "giangvien")
	for _, rt := range eng.Routes() {
		key := rt.Method + " " + rt.Path
		check, ok := scopeChecks[key]
		switch {
		case strings.HasPrefix(rt.Path, "/admin"):
			path := strings.NewReplacer(":id", "1").Replace(rt.Path)
			t.Run(key, func(t *testing.T) { expectStatus(t, e, rt.Method, path, ck, http.StatusForbidden) })
		case ok:
			t.Run(key, func(t *testing.T) { check(t, e, o, ck) })
		case strings.HasPrefix(rt.Path, "/manage") || strings.HasPrefix(rt.Path, "/live") || strings.HasPrefix(rt.Path, "/certificates") || strings.HasPrefix(rt.Path, "/dossiers"):
			t.Errorf("%s has no scoping decision in scopeChecks: say what a trainer of another province gets", key)
		}
	}
	// The check list names no route that is gone.
	have := map[string]bool{}
	for _, rt := range eng.Routes() {
		have[rt.Method+" "+rt.Path] = true
	}
	for key := range scopeChecks {
		if !have[key] {
			t.Errorf("scopeChecks names %s, which the router no longer has", key)
		}
	}
	// And the other province's own trainer does see their session.
	mine := e.login(t, "gvbacgiang")
	expectStatus(t, e, "GET", "/manage/live/"+strconv.FormatInt(o.session, 10)+"/attendance", mine, http.StatusOK)
	expectStatus(t, e, "GET", "/manage/certificates/"+strconv.FormatInt(o.cert, 10), mine, http.StatusOK)
}

// The administrator puts a trainer in charge of units on the user form;
// the trainer then sees them, and an unknown code is refused by name.
func TestInChargeFromTheUserForm(t *testing.T) {
	e := newEnvFS(t, examContent())
	o := addOtherProvince(t, e)
	gv := mustUser(t, e, "giangvien")
	admin := e.login(t, "quantri")
	ck := e.login(t, "giangvien")
	path := "/manage/live/" + strconv.FormatInt(o.session, 10) + "/attendance"
	expectStatus(t, e, "GET", path, ck, http.StatusNotFound)
	form := url.Values{"username": {"giangvien"}, "full_name": {gv.FullName}, "role": {"trainer"}, "unit": {"24"}, "in_charge": {"24, 99"}}
	w := e.do(req{method: "POST", path: "/admin/users/" + strconv.FormatInt(gv.ID, 10), form: form, cookie: admin})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `Không có đơn vị mã &#34;99&#34;`) {
		t.Fatalf("unknown unit in charge: %d %.2000s", w.Code, w.Body.String())
	}
	form.Set("in_charge", "24, 27")
	if w := e.do(req{method: "POST", path: "/admin/users/" + strconv.FormatInt(gv.ID, 10), form: form, cookie: admin}); w.Code != http.StatusSeeOther {
		t.Fatalf("save: %d %.2000s", w.Code, w.Body.String())
	}
	if body := mustGet(t, e, "/admin/users/"+strconv.FormatInt(gv.ID, 10)+"/edit", admin); !strings.Contains(body, `value="24, 27"`) {
		t.Fatalf("the form does not show the units in charge: %.3000s", body)
	}
	expectStatus(t, e, "GET", path, ck, http.StatusOK)
}

// scopeTake leaves a recording of the other province's session on disk and
// names it.
func scopeTake(t *testing.T, e *env, o otherProvince) string {
	t.Helper()
	const take = "20261130-080000"
	base := filepath.Join(e.rooms.RecordDir(), strconv.FormatInt(o.session, 10), take)
	if err := os.MkdirAll(filepath.Dir(base), 0o750); err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{".opus", ".jsonl"} {
		if err := os.WriteFile(base+ext, []byte("OggS"), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	return take
}
