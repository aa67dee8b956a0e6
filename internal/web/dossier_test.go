package web

import (
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// dossierContent is the exam content with one dossier case.
func dossierContent(t testing.TB) fstest.MapFS {
	files := examContent()
	src, err := os.ReadFile("testdata/dossier.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files["khoa/ho-so/01-cstdcs-xa.yaml"] = &fstest.MapFile{Data: src}
	return files
}

var dossierLink = regexp.MustCompile(`^/dossiers/(\d+)$`)

// A trainee hands in a report with mistakes: each is explained with its
// article; a right one passes; the trainer of their unit reads it and
// comments; a trainer of another province cannot open it.
func TestDossierOverHTTP(t *testing.T) {
	e := newEnvFS(t, dossierContent(t))
	hv := e.login(t, "hocvien")
	if body := mustGet(t, e, "/courses/khoa", hv); !strings.Contains(body, `id="dossier-card"`) {
		t.Fatalf("the course page does not offer the cases: %.2000s", body)
	}
	if body := mustGet(t, e, "/courses/khoa/dossiers/cstdcs-xa", hv); !strings.Contains(body, "<strong>Lan</strong>") || !strings.Contains(body, "1.350") {
		t.Fatalf("case form: %.3000s", body)
	}
	submit := func(form url.Values) string {
		t.Helper()
		w := e.do(req{method: "POST", path: "/courses/khoa/dossiers/cstdcs-xa", form: form, cookie: hv})
		m := dossierLink.FindStringSubmatch(w.Header().Get("Location"))
		if w.Code != http.StatusSeeOther || m == nil {
			t.Fatalf("submit: %d %.2000s", w.Code, w.Body.String())
		}
		return w.Header().Get("Location")
	}
	wrong := submit(url.Values{"c:award": {"ldtt"}, "c:proposer": {"hd-xa"}, "c:decider": {"ct-tinh"}, "c:form": {"ca-nhan"},
		"s:thanh-tich": {"Chị Lan hoàn thành tốt nhiệm vụ được giao trong năm với nhiều kết quả."}, "e": {"bien-ban", "giay-khen-cu"}})
	body := mustGet(t, e, wrong, hv)
	for _, want := range []string{"✗ Danh hiệu nào?", "Đủ Lao động tiên tiến và có sáng kiến.", "(06/2022/QH15 Điều 23)", "✗ Ai quyết định?",
		"✗ Số liệu trong mục “Thành tích”", "✗ Minh chứng sáng kiến", "✗ Không kèm: Giấy khen cũ", "✓ Ai trình?"} {
		if !strings.Contains(body, want) {
			t.Fatalf("result lacks %q: %.5000s", want, body)
		}
	}
	right := submit(url.Values{"c:award": {"cstdcs"}, "c:proposer": {"hd-xa"}, "c:decider": {"ct-xa"}, "c:form": {"ca-nhan"},
		"s:thanh-tich": {"Năm 2026 giải quyết đúng hạn 100% hồ sơ, chỉ tiêu 98%; tham mưu 1.350 văn bản, năm trước 1.100 văn bản."},
		"s:sang-kien":  {"Sáng kiến số hóa sổ hộ tịch được Hội đồng xã công nhận."}, "e": {"bien-ban", "qd-sang-kien"}})
	body = mustGet(t, e, right, hv)
	if !strings.Contains(body, "Hồ sơ đúng ở mọi điểm kiểm tra.") || !strings.Contains(body, `id="report"`) || !strings.Contains(body, "Sáng kiến số hóa sổ hộ tịch") {
		t.Fatalf("a right report: %.4000s", body)
	}
	// The trainer of the unit reads it and comments; the trainee sees the comment.
	gv := e.login(t, "giangvien")
	if body := mustGet(t, e, "/manage/dossiers", gv); !strings.Contains(body, "Trần Văn Bình") || !strings.Contains(body, right) {
		t.Fatalf("trainer's list: %.3000s", body)
	}
	id := strings.TrimPrefix(right, "/dossiers/")
	if w := e.do(req{method: "POST", path: "/manage/dossiers/" + id + "/comment", form: url.Values{"comment": {"Tốt, nhớ ghi số quyết định công nhận sáng kiến."}}, cookie: gv}); w.Code != http.StatusSeeOther {
		t.Fatalf("comment: %d %.2000s", w.Code, w.Body.String())
	}
	if w := e.do(req{method: "POST", path: "/manage/dossiers/" + id + "/comment", form: url.Values{"comment": {"  "}}, cookie: gv}); w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("an empty comment: %d", w.Code)
	}
	if body := mustGet(t, e, right, hv); !strings.Contains(body, "nhớ ghi số quyết định") {
		t.Fatalf("the trainee does not see the comment: %.3000s", body)
	}
	// Another trainee, and a trainer of another province, cannot open it.
	o := addOtherProvince(t, e)
	_ = o
	for _, name := range []string{"hvbacgiang", "gvbacgiang"} {
		expectStatus(t, e, "GET", right, e.login(t, name), http.StatusNotFound)
	}
	expectStatus(t, e, "POST", "/manage/dossiers/"+id+"/comment", e.login(t, "gvbacgiang"), http.StatusNotFound)
	if _, err := strconv.Atoi(id); err != nil {
		t.Fatal(err)
	}
}
