package web

import (
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tdkt/tdkt/internal/xlsx"
)

// A trainer loads a roster with a mistake: the preview names it by line and
// column; importing the whole file is refused and writes nothing; importing
// the valid lines writes them; the login slips print with each officer's
// first password, which logs in and must then be changed.
func TestRosterOverHTTP(t *testing.T) {
	e := newEnv(t)
	ck := e.login(t, "giangvien")
	csv := "\ufeffHọ và tên;Mã đơn vị;Số điện thoại\r\nNguyễn Văn An;07441;0912345678\r\nLê Thị Bình;07441;12345\r\nTrần Thị Cúc;07441;\r\n"
	w := postRoster(t, e, ck, "users", "tam-da.csv", []byte(csv))
	path := w.Header().Get("Location")
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(path, "/manage/roster/") {
		t.Fatalf("upload: %d %q", w.Code, w.Body.String())
	}
	body := mustGet(t, e, path, ck)
	for _, want := range []string{"3 dòng: 2 dòng hợp lệ, 1 dòng có lỗi.", `<td data-label="Dòng">3</td><td data-label="Cột">Số điện thoại</td>`, "Chỉ nhập 2 dòng hợp lệ"} {
		if !strings.Contains(body, want) {
			t.Fatalf("preview lacks %q: %.4000s", want, body)
		}
	}
	before, _ := e.db.CountUsers(t.Context())
	if w := e.do(req{method: "POST", path: path + "/import", form: url.Values{"mode": {"all"}}, cookie: ck}); w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("import a file with a mistake: %d", w.Code)
	}
	if n, _ := e.db.CountUsers(t.Context()); n != before {
		t.Fatalf("a refused import wrote %d accounts", n-before)
	}
	w = e.do(req{method: "POST", path: path + "/import", form: url.Values{"mode": {"valid"}}, cookie: ck})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("import the valid lines: %d %.2000s", w.Code, w.Body.String())
	}
	if n, _ := e.db.CountUsers(t.Context()); n != before+2 {
		t.Fatalf("wrote %d accounts, want 2", n-before)
	}
	if body := mustGet(t, e, path, ck); !strings.Contains(body, "Đã nhập 2 dòng, bỏ qua 1 dòng có lỗi") || !strings.Contains(body, `id="slips"`) {
		t.Fatalf("result: %.3000s", body)
	}
	if w := e.do(req{method: "POST", path: path + "/import", form: url.Values{"mode": {"valid"}}, cookie: ck}); w.Code != http.StatusConflict {
		t.Fatalf("importing twice: %d", w.Code)
	}
	slips := mustGet(t, e, path+"/slips", ck)
	m := regexp.MustCompile(`Tên đăng nhập: <code>(nvan)</code><br>Mật khẩu lần đầu: <code>([A-Za-z0-9-]+)</code>`).FindStringSubmatch(slips)
	if m == nil || !strings.Contains(slips, "Xã Tam Đa") || !strings.Contains(slips, "/login") || strings.Count(slips, `class="slip"`) != 2 {
		t.Fatalf("slips: %.3000s", slips)
	}
	// The first password logs in, and must be changed at once.
	w = e.do(req{method: "POST", path: "/login", form: url.Values{"username": {m[1]}, "password": {m[2]}}})
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/password") {
		t.Fatalf("first login: %d → %s", w.Code, w.Header().Get("Location"))
	}
	// The same as XLSX, read back as a person would with LibreOffice.
	w = e.do(req{method: "GET", path: path + "/slips?format=xlsx", cookie: ck})
	rows, err := xlsx.Read(strings.NewReader(w.Body.String()))
	if err != nil || len(rows) != 3 || rows[1][1] != "Nguyễn Văn An" || rows[1][3] != "nvan" || rows[1][4] != m[2] {
		t.Fatalf("slips XLSX: %q %v", rows, err)
	}
	if soffice, err := exec.LookPath("soffice"); err == nil {
		dir := t.TempDir()
		in := filepath.Join(dir, "phieu.xlsx")
		if err := os.WriteFile(in, w.Body.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
			"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", dir, in).CombinedOutput()
		if err != nil {
			t.Fatalf("libreoffice: %v %s", err, out)
		}
		got, _ := os.ReadFile(filepath.Join(dir, "phieu.csv"))
		if !strings.Contains(string(got), "1,Nguyễn Văn An,Xã Tam Đa,nvan,"+m[2]) || !strings.Contains(string(got), "Trần Thị Cúc") {
			t.Fatalf("LibreOffice read the slips as:\n%s", got)
		}
	} else if os.Getenv("CI") != "" {
		t.Fatal("CI is set but LibreOffice is missing")
	}
	// A file that cannot be read says why, and a legacy encoding says how to fix it.
	w = postRoster(t, e, ck, "users", "cu.csv", []byte("H\xe4 v\xe0 t\xean,M\xe3\n"))
	if body := mustGet(t, e, w.Header().Get("Location"), ck); !strings.Contains(body, "CSV UTF-8") {
		t.Fatalf("legacy encoding: %.2000s", body)
	}
	// The templates download.
	for _, q := range []string{"?kind=users", "?kind=units&format=csv"} {
		if w := e.do(req{method: "GET", path: "/manage/roster/template" + q, cookie: ck}); w.Code != 200 || w.Body.Len() == 0 {
			t.Fatalf("template %s: %d", q, w.Code)
		}
	}
	if tpl := e.do(req{method: "GET", path: "/manage/roster/template?kind=units&format=csv", cookie: ck}).Body.String(); !strings.HasPrefix(tpl, "\ufeffMã đơn vị,Tên đơn vị,Loại đơn vị,Mã đơn vị cấp trên") {
		t.Fatalf("units template: %q", tpl)
	}
}
