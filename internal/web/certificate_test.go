package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tdkt/tdkt/internal/quiz"
)

// passExam reads the module, starts the exam and answers every question
// right, as trainee ck; it returns the attempt's path.
func passExam(t *testing.T, e *env, ck *http.Cookie) string {
	t.Helper()
	e.do(req{method: "POST", path: "/courses/khoa/modules/bai-mot/complete", cookie: ck, header: map[string]string{"Accept": "application/json"}})
	w := e.do(req{method: "POST", path: "/courses/khoa/exam/start", cookie: ck})
	path := w.Header().Get("Location")
	a, err := e.db.Attempt(context.Background(), attemptID(t, path))
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{}
	for _, q := range e.exams.Paper(a) {
		switch q.Type {
		case quiz.Single:
			form.Set("a:"+q.ID, q.Correct[0])
		case quiz.Short:
			form.Set("a:"+q.ID, q.Accept[0])
		}
	}
	if w := e.do(req{method: "POST", path: path + "/submit", cookie: ck, form: form}); w.Code != 303 {
		t.Fatalf("submit: %d %s", w.Code, w.Body.String())
	}
	return path
}

var certLink = regexp.MustCompile(`href="/certificates/(\d+)/pdf"`)
var codeLink = regexp.MustCompile(`href="/verify/([A-Z2-7-]{19})"`)

func TestCertificateOverHTTP(t *testing.T) {
	e := newEnvFS(t, examContent())
	ck := e.login(t, "hocvien")
	w := e.do(req{method: "GET", path: "/courses/khoa/certificate", cookie: ck})
	if w.Code != 200 || !strings.Contains(w.Body.String(), "chưa đủ điều kiện") || !strings.Contains(w.Body.String(), "Học xong các bài bắt buộc: 0/1 bài") {
		t.Fatalf("before: %d %.1500s", w.Code, w.Body.String())
	}
	passExam(t, e, ck)
	// Issued automatically on submission.
	w = e.do(req{method: "GET", path: "/courses/khoa/certificate", cookie: ck})
	body := w.Body.String()
	m, c := certLink.FindStringSubmatch(body), codeLink.FindStringSubmatch(body)
	if m == nil || c == nil || !strings.Contains(body, "TDKT-") {
		t.Fatalf("after passing: %.2000s", body)
	}
	pdfPath := "/certificates/" + m[1] + "/pdf"
	w = e.do(req{method: "GET", path: pdfPath, cookie: ck})
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/pdf" || !strings.HasPrefix(w.Body.String(), "%PDF-") ||
		!strings.Contains(w.Header().Get("Content-Disposition"), "giay-chung-nhan-TDKT-") {
		t.Fatalf("pdf: %d %q", w.Code, w.Header())
	}
	// Another trainee cannot fetch it; a trainer can.
	if w := e.do(req{method: "GET", path: pdfPath, cookie: e.login(t, "quantri")}); w.Code != 200 {
		t.Errorf("admin download: %d", w.Code)
	}
	if w := e.do(req{method: "GET", path: pdfPath, cookie: e.login(t, "giangvien")}); w.Code != 200 {
		t.Errorf("trainer download: %d", w.Code)
	}
	// Public verification, no login.
	code := c[1]
	w = e.do(req{method: "GET", path: "/verify/" + code})
	if w.Code != 200 || !strings.Contains(w.Body.String(), "Còn hiệu lực") || !strings.Contains(w.Body.String(), "Trần Văn Bình") {
		t.Fatalf("verify: %d %.1000s", w.Code, w.Body.String())
	}
	if w := e.do(req{method: "GET", path: "/verify?code=" + url.QueryEscape(strings.ToLower(code))}); !strings.Contains(w.Body.String(), "Còn hiệu lực") {
		t.Error("verify by typed code failed")
	}
	if w := e.do(req{method: "GET", path: "/verify/AAAA-BBBB-CCCC-DDDD"}); w.Code != 404 || !strings.Contains(w.Body.String(), "Không tìm thấy giấy chứng nhận") {
		t.Errorf("unknown code: %d", w.Code)
	}
	record := "/manage/certificates/" + m[1]
	// Only admins revoke; a reason is required.
	if w := e.do(req{method: "POST", path: record + "/revoke", cookie: e.login(t, "giangvien"), form: url.Values{"reason": {"x"}}}); w.Code != 403 {
		t.Errorf("trainer revoke: %d", w.Code)
	}
	if w := e.do(req{method: "POST", path: record + "/revoke", cookie: ck, form: url.Values{"reason": {"x"}}}); w.Code != 403 {
		t.Errorf("trainee revoke: %d", w.Code)
	}
	admin := e.login(t, "quantri")
	if w := e.do(req{method: "POST", path: record + "/revoke", cookie: admin, form: url.Values{"reason": {"  "}}}); w.Code != 422 || !strings.Contains(w.Body.String(), "Hãy ghi lý do") {
		t.Errorf("revoke without reason: %d", w.Code)
	}
	if w := e.do(req{method: "POST", path: record + "/revoke", cookie: admin, form: url.Values{"reason": {"Gian lận khi kiểm tra"}}}); w.Code != 303 {
		t.Fatalf("revoke: %d %.500s", w.Code, w.Body.String())
	}
	w = e.do(req{method: "GET", path: record, cookie: admin})
	if !strings.Contains(w.Body.String(), "Thu hồi · Quản Trị · Gian lận khi kiểm tra") || !strings.Contains(w.Body.String(), "Cấp · hệ thống tự cấp") {
		t.Errorf("history: %.2500s", w.Body.String())
	}
	if w := e.do(req{method: "GET", path: "/verify/" + code}); !strings.Contains(w.Body.String(), "Đã bị thu hồi ngày") {
		t.Errorf("verify after revocation: %.800s", w.Body.String())
	}
	// A revoked certificate comes back only by an admin's re-issue.
	if w := e.do(req{method: "GET", path: "/courses/khoa/certificate", cookie: ck}); strings.Contains(w.Body.String(), `id="cert-download"`) {
		t.Error("a revoked certificate was re-issued automatically")
	}
	if w := e.do(req{method: "POST", path: record + "/reissue", cookie: admin, form: url.Values{"reason": {"Kết luận lại"}}}); w.Code != 303 {
		t.Errorf("reissue of a revoked certificate: %d", w.Code)
	}
	if w := e.do(req{method: "POST", path: record + "/reissue", cookie: admin, form: url.Values{"reason": {"lần nữa"}}}); w.Code != 409 {
		t.Errorf("second reissue of the same certificate: %d", w.Code)
	}
}

func TestBulkIssueAndReissue(t *testing.T) {
	e := newEnvFS(t, examContent())
	passExam(t, e, e.login(t, "hocvien"))
	trainer := e.login(t, "giangvien")
	w := e.do(req{method: "POST", path: "/manage/certificates/bulk", cookie: trainer, form: url.Values{"course": {"khoa"}, "unit": {"24"}}})
	if w.Code != 200 || !strings.Contains(w.Body.String(), "Đã cấp mới 0; đã có từ trước 1; chưa đủ điều kiện 0; đã bị thu hồi (chỉ cấp lại thủ công) 0.") {
		t.Fatalf("bulk: %d %.1500s", w.Code, w.Body.String())
	}
	for _, bad := range []url.Values{{"course": {"khong-co"}}, {"course": {"khoa"}, "unit": {"nope"}}} {
		if w := e.do(req{method: "POST", path: "/manage/certificates/bulk", cookie: trainer, form: bad}); w.Code != 422 {
			t.Errorf("bulk %v: %d", bad, w.Code)
		}
	}
	if w := e.do(req{method: "GET", path: "/manage/certificates", cookie: e.login(t, "hocvien")}); w.Code != 403 {
		t.Errorf("trainee list: %d", w.Code)
	}
	certs, _ := e.db.Certificates(context.Background(), "khoa", nil)
	admin := e.login(t, "quantri")
	w = e.do(req{method: "POST", path: fmt.Sprintf("/manage/certificates/%d/reissue", certs[0].ID), cookie: admin, form: url.Values{"reason": {"Sửa họ tên"}}})
	if w.Code != 303 {
		t.Fatalf("reissue: %d", w.Code)
	}
	after, _ := e.db.Certificates(context.Background(), "khoa", nil)
	if len(after) != 2 || after[0].Status != "valid" || after[1].Status != "revoked" || after[1].ReplacedBy != after[0].ID {
		t.Fatalf("after reissue: %+v", after)
	}
}
