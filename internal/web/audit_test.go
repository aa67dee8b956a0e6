package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// Changing an account, a trainer's password reset, an enrolment and a
// roster import each leave an entry, with who and the values before and
// after; the log filters by kind and person, and trainers cannot read it.
func TestAuditLog(t *testing.T) {
	e := newEnvFS(t, examContent())
	admin := e.login(t, "quantri")
	hv := mustUser(t, e, "hocvien")
	trainer := mustUser(t, e, "giangvien")
	form := url.Values{"username": {"giangvien"}, "full_name": {trainer.FullName}, "role": {"trainer"}, "unit": {"24"}, "in_charge": {"07441"}}
	if w := e.do(req{method: "POST", path: "/admin/users/" + strconv.FormatInt(trainer.ID, 10), form: form, cookie: admin}); w.Code != http.StatusSeeOther {
		t.Fatalf("update: %d", w.Code)
	}
	gv := e.login(t, "giangvien") // a fresh login, in charge of the new units
	e.do(req{method: "POST", path: "/manage/users/" + strconv.FormatInt(hv.ID, 10) + "/reset-password", form: url.Values{}, cookie: gv})
	e.do(req{method: "POST", path: "/manage/enrol", form: url.Values{"course": {"khoa"}, "unit": {"07441"}}, cookie: gv})
	w := postRoster(t, e, gv, "users", "ds.csv", []byte("Họ và tên,Mã đơn vị\nĐinh Văn Mới,07441\n"))
	e.do(req{method: "POST", path: w.Header().Get("Location") + "/import", form: url.Values{"mode": {"all"}}, cookie: gv})
	body := mustGet(t, e, "/admin/audit", admin)
	for _, want := range []string{"user.update", `&#34;in_charge&#34;:[&#34;07441&#34;]`, "user.reset_password", "enrolment.create", "roster.import",
		`&#34;written&#34;:[&#34;dvmoi&#34;]`, "Nguyễn Thị Hương (giangvien)"} {
		if !strings.Contains(body, want) {
			t.Fatalf("the log lacks %q: %.5000s", want, body)
		}
	}
	if body := mustGet(t, e, "/admin/audit?action=roster.", admin); strings.Contains(body, "enrolment.create") || !strings.Contains(body, "roster.import") {
		t.Fatalf("filter by kind: %.3000s", body)
	}
	if body := mustGet(t, e, "/admin/audit?actor=quantri", admin); strings.Contains(body, "roster.import") || !strings.Contains(body, "user.update") {
		t.Fatalf("filter by person: %.3000s", body)
	}
	expectStatus(t, e, "GET", "/admin/audit", gv, http.StatusForbidden)
}
