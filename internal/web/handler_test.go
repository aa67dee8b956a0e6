package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/course"
)

func TestPublicAndAuthorization(t *testing.T) {
	e := newEnv(t)
	admin := e.login(t, "quantri")
	trainer := e.login(t, "giangvien")
	trainee := e.login(t, "hocvien")
	mod := "/courses/nghiep-vu-thi-dua-khen-thuong/modules/nhung-van-de-chung"
	cases := []struct {
		name     string
		r        req
		status   int
		location string
		contains string
	}{
		{"health", req{method: "GET", path: "/healthz"}, 200, "", `"database":"ok"`},
		{"anonymous home goes to login", req{method: "GET", path: "/"}, 303, "/login?next=%2F", ""},
		{"anonymous module keeps its address", req{method: "GET", path: mod}, 303, "/login?next=" + url.QueryEscape(mod), ""},
		{"login page in Vietnamese", req{method: "GET", path: "/login"}, 200, "", "Tên đăng nhập"},
		{"login page in English", req{method: "GET", path: "/login", header: map[string]string{"Cookie": "tdkt_lang=en"}}, 200, "", "Username"},
		{"trainee catalog", req{method: "GET", path: "/", cookie: trainee}, 200, "", "Nghiệp vụ công tác thi đua, khen thưởng"},
		{"trainee module", req{method: "GET", path: mod, cookie: trainee}, 200, "", `id="muc-tieu-bai-hoc"`},
		{"unknown module", req{method: "GET", path: "/courses/nghiep-vu-thi-dua-khen-thuong/modules/khong-co", cookie: trainee}, 404, "", "Không tìm thấy"},
		{"unknown course", req{method: "GET", path: "/courses/khong-co", cookie: trainee}, 404, "", ""},
		{"trainee cannot list users", req{method: "GET", path: "/admin/users", cookie: trainee}, 403, "", "không có quyền"},
		{"trainee cannot open unit form", req{method: "GET", path: "/admin/units/new", cookie: trainee}, 403, "", ""},
		{"trainee cannot create unit", req{method: "POST", path: "/admin/units", cookie: trainee, form: url.Values{"code": {"X"}, "name": {"Xã X"}, "kind": {"xa"}, "parent": {"24"}}}, 403, "", ""},
		{"trainer cannot list users", req{method: "GET", path: "/admin/users", cookie: trainer}, 403, "", ""},
		{"admin lists users", req{method: "GET", path: "/admin/users", cookie: admin}, 200, "", "Trần Văn Bình"},
		{"admin lists units", req{method: "GET", path: "/admin/units", cookie: admin}, 200, "", "Xã Tam Đa"},
		{"bad user id", req{method: "GET", path: "/admin/users/abc/edit", cookie: admin}, 404, "", ""},
		{"missing user id", req{method: "GET", path: "/admin/users/9999/edit", cookie: admin}, 404, "", ""},
		{"static css", req{method: "GET", path: "/static/css/app.css"}, 200, "", "box-sizing"},
		{"missing static", req{method: "GET", path: "/static/nope.js"}, 404, "", ""},
		{"unknown page", req{method: "GET", path: "/nope", cookie: trainee}, 404, "", ""},
		{"GET on a POST route", req{method: "GET", path: "/logout", cookie: trainee}, 405, "", ""},
		{"login open redirect refused", req{method: "POST", path: "/login", form: url.Values{"username": {"giangvien"}, "password": {testPassword}, "next": {"//evil.example/x"}}}, 303, "/", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := e.do(tc.r)
			if w.Code != tc.status {
				t.Fatalf("status = %d, want %d; body: %.300s", w.Code, tc.status, w.Body.String())
			}
			if tc.location != "" && w.Header().Get("Location") != tc.location {
				t.Errorf("Location = %q, want %q", w.Header().Get("Location"), tc.location)
			}
			if tc.contains != "" && !strings.Contains(w.Body.String(), tc.contains) {
				t.Errorf("body lacks %q: %.500s", tc.contains, w.Body.String())
			}
			if strings.Contains(w.Body.String(), "goroutine ") || strings.Contains(w.Body.String(), ".go:") {
				t.Errorf("body shows a stack trace: %.300s", w.Body.String())
			}
		})
	}
}

func TestSessionCookieFlags(t *testing.T) {
	e := newEnv(t)
	w := e.do(req{method: "POST", path: "/login", form: url.Values{"username": {"hocvien"}, "password": {testPassword}}})
	if w.Code != 303 || w.Header().Get("Location") != "/resume" {
		t.Fatalf("status %d location %q", w.Code, w.Header().Get("Location"))
	}
	var c *http.Cookie
	for _, ck := range w.Result().Cookies() {
		if ck.Name == sessionCookie {
			c = ck
		}
	}
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
		t.Fatalf("cookie = %+v", c)
	}
	if c.Secure {
		t.Error("Secure cookie on plain HTTP without --secure-cookies would lock out http://localhost users")
	}
	// Over TLS the cookie is Secure.
	w = e.do(req{method: "POST", path: "https://example.com/login", form: url.Values{"username": {"hocvien"}, "password": {testPassword}}})
	for _, ck := range w.Result().Cookies() {
		if ck.Name == sessionCookie && !ck.Secure {
			t.Errorf("cookie over TLS is not Secure: %+v", ck)
		}
	}
}

func TestCrossOriginWritesAreRefused(t *testing.T) {
	e := newEnv(t)
	admin := e.login(t, "quantri")
	form := url.Values{"code": {"X9"}, "name": {"Xã Chín"}, "kind": {"xa"}, "parent": {"24"}}
	for name, hdr := range map[string]map[string]string{
		"sec-fetch-site cross-site": {"Sec-Fetch-Site": "cross-site"},
		"foreign origin":            {"Origin": "https://evil.example"},
	} {
		t.Run(name, func(t *testing.T) {
			w := e.do(req{method: "POST", path: "/admin/units", cookie: admin, form: form, header: hdr})
			if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "trang web khác") {
				t.Fatalf("status %d body %q", w.Code, w.Body.String())
			}
		})
	}
	if _, err := e.auth.UnitByCode(context.Background(), "X9"); err == nil {
		t.Fatal("a cross-origin request created a unit")
	}
	// The same request from the site itself goes through.
	w := e.do(req{method: "POST", path: "/admin/units", cookie: admin, form: form, header: map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://example.com"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("same-origin create: status %d: %.300s", w.Code, w.Body.String())
	}
	// A cross-site logout is refused as well: logging someone out is a state change.
	trainee := e.login(t, "hocvien")
	if w := e.do(req{method: "POST", path: "/logout", cookie: trainee, header: map[string]string{"Sec-Fetch-Site": "cross-site"}}); w.Code != 403 {
		t.Fatalf("cross-site logout status %d", w.Code)
	}
}

func TestLoginMessagesAndThrottle(t *testing.T) {
	e := newEnv(t)
	bad := url.Values{"username": {"hocvien"}, "password": {"sai-mat-khau"}}
	w := e.do(req{method: "POST", path: "/login", form: bad})
	if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "Tên đăng nhập hoặc mật khẩu không đúng.") {
		t.Fatalf("wrong password: %d %.300s", w.Code, w.Body.String())
	}
	if !strings.Contains(w.Body.String(), `value="hocvien"`) {
		t.Error("the username is not kept in the form")
	}
	if w := e.do(req{method: "POST", path: "/login", form: url.Values{"username": {"hocvien"}}}); w.Code != 422 || !strings.Contains(w.Body.String(), "Hãy nhập tên đăng nhập và mật khẩu.") {
		t.Fatalf("missing password: %d", w.Code)
	}
	for i := 0; i < 3; i++ {
		e.do(req{method: "POST", path: "/login", form: bad})
	}
	w = e.do(req{method: "POST", path: "/login", form: bad})
	if w.Code != http.StatusTooManyRequests || !strings.Contains(w.Body.String(), "Tài khoản tạm khóa") || w.Header().Get("Retry-After") == "" {
		t.Fatalf("5th failure: %d %.300s", w.Code, w.Body.String())
	}
	// The right password does not get through while the account is locked.
	w = e.do(req{method: "POST", path: "/login", form: url.Values{"username": {"hocvien"}, "password": {testPassword}}})
	if w.Code != http.StatusTooManyRequests {
		t.Fatalf("right password while locked: %d", w.Code)
	}
	// English message for the English UI.
	w = e.do(req{method: "POST", path: "/login", form: bad, header: map[string]string{"Cookie": "tdkt_lang=en"}})
	if !strings.Contains(w.Body.String(), "Too many failed logins") {
		t.Fatalf("english lock message missing: %.300s", w.Body.String())
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := e.login(t, "quantri")
	before, _ := e.db.CountUsers(ctx)
	good := func() url.Values {
		return url.Values{"username": {"moi"}, "full_name": {"Lê Thị Mới"}, "role": {"trainee"}, "unit": {"07441"}}
	}
	cases := []struct {
		name   string
		edit   func(url.Values)
		raw    string
		status int
		msg    string
	}{
		{"empty name", func(v url.Values) { v.Set("full_name", " ") }, "", 422, "Chưa nhập họ và tên."},
		{"overlong name", func(v url.Values) { v.Set("full_name", strings.Repeat("Nguyễn ", 20)) }, "", 422, "Họ và tên phải dài từ 2 đến 100 ký tự."},
		{"unknown unit", func(v url.Values) { v.Set("unit", "99999") }, "", 422, "Không có đơn vị mã &#34;99999&#34;."},
		{"duplicate username", func(v url.Values) { v.Set("username", "HocVien") }, "", 422, "Tên đăng nhập này đã có người dùng."},
		{"bad role", func(v url.Values) { v.Set("role", "superuser") }, "", 422, "Vai trò phải là"},
		{"malformed body", nil, "username=%zz&full_name=x", 400, "Dữ liệu gửi lên không hợp lệ."},
		{"oversize body", nil, "full_name=" + strings.Repeat("a", 2<<20), 413, "Dữ liệu gửi lên quá lớn."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := req{method: "POST", path: "/admin/users", cookie: admin}
			if tc.edit != nil {
				v := good()
				tc.edit(v)
				r.form = v
			} else {
				r.body = tc.raw
			}
			w := e.do(r)
			if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.msg) {
				t.Fatalf("status %d (want %d), body lacks %q: %.600s", w.Code, tc.status, tc.msg, w.Body.String())
			}
		})
	}
	if after, _ := e.db.CountUsers(ctx); after != before {
		t.Fatalf("users %d -> %d: bad input changed stored data", before, after)
	}
	// Unit form errors are shown next to the field, nothing is stored.
	w := e.do(req{method: "POST", path: "/admin/units", cookie: admin, form: url.Values{"code": {"X1"}, "name": {"Xã Một"}, "kind": {"xa"}}})
	if w.Code != 422 || !strings.Contains(w.Body.String(), "phải thuộc một tỉnh hoặc thành phố") {
		t.Fatalf("commune without province: %d %.400s", w.Code, w.Body.String())
	}
	// And the good input works, showing the one-time password once.
	w = e.do(req{method: "POST", path: "/admin/users", cookie: admin, form: good()})
	if w.Code != http.StatusCreated || !strings.Contains(w.Body.String(), `id="new-password"`) {
		t.Fatalf("create user: %d %.400s", w.Code, w.Body.String())
	}
}

func TestAdminCannotLockThemselvesOut(t *testing.T) {
	e := newEnv(t)
	admin := e.login(t, "quantri")
	u, _ := e.db.UserByUsername(context.Background(), "quantri")
	w := e.do(req{method: "POST", path: "/admin/users/" + itoa(u.ID), cookie: admin,
		form: url.Values{"username": {"quantri"}, "full_name": {"Quản Trị"}, "role": {"trainee"}, "unit": {"24"}}})
	if w.Code != 422 {
		t.Fatalf("self-demotion: status %d", w.Code)
	}
	if got, _ := e.db.UserByUsername(context.Background(), "quantri"); got.Role != "admin" {
		t.Fatal("admin demoted themselves")
	}
}

func TestForcedPasswordChange(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	created, user, pw, err := e.auth.Bootstrap(ctx, "")
	if err != nil || created {
		t.Fatalf("bootstrap on a non-empty database: created=%v err=%v", created, err)
	}
	_ = user
	_ = pw
	u, _ := e.db.UserByUsername(ctx, "hocvien")
	newPw, err := e.auth.ResetPassword(ctx, u.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	w := e.do(req{method: "POST", path: "/login", form: url.Values{"username": {"hocvien"}, "password": {newPw}}})
	if w.Code != 303 || w.Header().Get("Location") != "/password" {
		t.Fatalf("login with one-time password: %d %q", w.Code, w.Header().Get("Location"))
	}
	ck := w.Result().Cookies()[0]
	if w := e.do(req{method: "GET", path: "/", cookie: ck}); w.Code != 303 || w.Header().Get("Location") != "/password" {
		t.Fatalf("catalog before change: %d %q", w.Code, w.Header().Get("Location"))
	}
	w = e.do(req{method: "POST", path: "/password", cookie: ck, form: url.Values{"current": {newPw}, "new": {"ngan"}, "confirm": {"ngan"}}})
	if w.Code != 422 || !strings.Contains(w.Body.String(), "ít nhất 8 ký tự") {
		t.Fatalf("short password: %d", w.Code)
	}
	w = e.do(req{method: "POST", path: "/password", cookie: ck, form: url.Values{"current": {newPw}, "new": {"mat-khau-moi-1"}, "confirm": {"mat-khau-moi-1"}}})
	if w.Code != 303 {
		t.Fatalf("change: %d %.300s", w.Code, w.Body.String())
	}
	// The device gets a new session; the token seen before the change is dead.
	var fresh *http.Cookie
	for _, c := range w.Result().Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			fresh = c
		}
	}
	if fresh == nil || fresh.Value == ck.Value {
		t.Fatalf("no new session cookie after the change: %+v", w.Result().Cookies())
	}
	if w := e.do(req{method: "GET", path: "/", cookie: fresh}); w.Code != 200 {
		t.Fatalf("catalog after change: %d", w.Code)
	}
	if w := e.do(req{method: "GET", path: "/", cookie: ck}); w.Code == 200 {
		t.Fatalf("the old token still opens the catalog after the change")
	}
}

func TestReadingProgressAndResume(t *testing.T) {
	e := newEnv(t)
	ck := e.login(t, "hocvien")
	base := "/courses/nghiep-vu-thi-dua-khen-thuong"
	if w := e.do(req{method: "GET", path: "/resume", cookie: ck}); w.Header().Get("Location") != "/" {
		t.Fatalf("resume before reading = %q", w.Header().Get("Location"))
	}
	e.do(req{method: "GET", path: base + "/modules/danh-hieu-thi-dua", cookie: ck})
	w := e.do(req{method: "POST", path: base + "/modules/nhung-van-de-chung/complete", cookie: ck, header: map[string]string{"Accept": "application/json"}})
	total := len(e.cat.Course("nghiep-vu-thi-dua-khen-thuong").Modules)
	pct := 100 / total
	var got map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || got["done"] != true || got["course_done"] != 1.0 ||
		got["course_percent"] != float64(pct) || got["course_total"] != float64(total) {
		t.Fatalf("complete: %d %s", w.Code, w.Body.String())
	}
	// Completing again is harmless.
	e.do(req{method: "POST", path: base + "/modules/nhung-van-de-chung/complete", cookie: ck, header: map[string]string{"Accept": "application/json"}})
	w = e.do(req{method: "GET", path: base, cookie: ck})
	if !strings.Contains(w.Body.String(), fmt.Sprintf("Đã học xong 1/%d bài (%d%%)", total, pct)) {
		t.Fatalf("course page progress missing: %.800s", w.Body.String())
	}
	// A new login (another device) resumes at the last module opened.
	ck2 := e.login(t, "hocvien")
	if w := e.do(req{method: "GET", path: "/resume", cookie: ck2}); w.Header().Get("Location") != base+"/modules/danh-hieu-thi-dua" {
		t.Fatalf("resume = %q", w.Header().Get("Location"))
	}
	// The button's form post (no script) comes back to the module's end.
	w = e.do(req{method: "POST", path: base + "/modules/danh-hieu-thi-dua/complete", cookie: ck})
	if w.Code != 303 || w.Header().Get("Location") != base+"/modules/danh-hieu-thi-dua#complete" {
		t.Fatalf("form complete: %d %q", w.Code, w.Header().Get("Location"))
	}
	if w := e.do(req{method: "POST", path: base + "/modules/khong-co/complete", cookie: ck, header: map[string]string{"Accept": "application/json"}}); w.Code != 404 || !strings.Contains(w.Body.String(), `"error"`) {
		t.Fatalf("unknown module complete: %d %s", w.Code, w.Body.String())
	}
}

func TestLanguageSwitch(t *testing.T) {
	e := newEnv(t)
	w := e.do(req{method: "POST", path: "/lang", form: url.Values{"lang": {"en"}, "back": {"/login"}}})
	if w.Code != 303 || w.Header().Get("Location") != "/login" {
		t.Fatalf("switch: %d %q", w.Code, w.Header().Get("Location"))
	}
	var lang *http.Cookie
	for _, c := range w.Result().Cookies() {
		if c.Name == langCookie {
			lang = c
		}
	}
	if lang == nil || lang.Value != "en" {
		t.Fatalf("cookie = %+v", lang)
	}
	w = e.do(req{method: "GET", path: "/login", cookie: lang})
	if !strings.Contains(w.Body.String(), `<html lang="en">`) || !strings.Contains(w.Body.String(), "Tiếng Việt") {
		t.Fatalf("english page: %.300s", w.Body.String())
	}
	if w := e.do(req{method: "POST", path: "/lang", form: url.Values{"lang": {"en"}, "back": {"https://evil.example"}}}); w.Header().Get("Location") != "/" {
		t.Fatalf("off-site back accepted: %q", w.Header().Get("Location"))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestUserListSearchAndPages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i := 0; i < usersPerPage+5; i++ {
		_, err := e.auth.CreateUser(ctx, auth.UserInput{Username: fmt.Sprintf("hv%03d", i), FullName: fmt.Sprintf("Học Viên Số %03d", i),
			Role: "trainee", UnitCode: "07441", Password: testPassword}, false)
		if err != nil {
			t.Fatal(err)
		}
	}
	admin := e.login(t, "quantri")
	w := e.do(req{method: "GET", path: "/admin/users", cookie: admin})
	if !strings.Contains(w.Body.String(), "58 người dùng · trang 1/2") || !strings.Contains(w.Body.String(), "page=2") {
		t.Fatalf("first page: %.2000s", w.Body.String())
	}
	w = e.do(req{method: "GET", path: "/admin/users?q=tran+van+binh", cookie: admin})
	if !strings.Contains(w.Body.String(), "1 người dùng") || !strings.Contains(w.Body.String(), "Trần Văn Bình") {
		t.Fatalf("search without diacritics: %.2000s", w.Body.String())
	}
	w = e.do(req{method: "GET", path: "/admin/users?unit=nope&page=-3", cookie: admin})
	if w.Code != 200 || !strings.Contains(w.Body.String(), "Không có người dùng nào phù hợp.") {
		t.Fatalf("unknown unit: %d %.1000s", w.Code, w.Body.String())
	}
}

// The end of a module: "mark as done" until it is done, below the text and
// above the point whose coming into view marks it done by itself; once done,
// a statement that is not a button and a separate link onwards (to the
// course from the last module). The form post without a script comes back
// here rather than moving on.
func TestModuleMarkDone(t *testing.T) {
	e := newEnv(t)
	ck := e.login(t, "hocvien")
	co := e.cat.Course("nghiep-vu-thi-dua-khen-thuong")
	first, second, last := co.Modules[0], co.Modules[1], co.Modules[len(co.Modules)-1]
	path := func(m *course.Module) string { return "/courses/" + co.ID + "/modules/" + m.ID }
	hidden := func(page, id string) bool {
		t.Helper()
		m := regexp.MustCompile(`<[a-z]+ [^>]*id="` + id + `"[^>]*>`).FindString(page)
		if m == "" {
			t.Fatalf("no #%s on the page", id)
		}
		return strings.Contains(m, " hidden")
	}
	page := mustGet(t, e, path(first), ck)
	if hidden(page, "complete-form") || !hidden(page, "complete-state") || !hidden(page, "next-link") ||
		!strings.Contains(page, `id="complete-btn" class="btn primary">Đánh dấu đã học xong</button>`) {
		t.Fatalf("before: want the button alone: %s", page[strings.Index(page, `<section class="complete"`):])
	}
	text, button, end := strings.Index(page, `<div class="content"`), strings.Index(page, `id="complete-btn"`), strings.Index(page, `id="module-end"`)
	if text < 0 || !(text < button && button < end) {
		t.Fatalf("order on the page: text %d, button %d, end marker %d: the button must come before the marker that completes the module", text, button, end)
	}
	w := e.do(req{method: "POST", path: path(first) + "/complete", cookie: ck})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != path(first)+"#complete" {
		t.Fatalf("form post: %d %q, want back to %s#complete", w.Code, w.Header().Get("Location"), path(first))
	}
	if err := e.tracker.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	page = mustGet(t, e, path(first), ck)
	if !hidden(page, "complete-form") || hidden(page, "complete-state") || hidden(page, "next-link") ||
		!strings.Contains(page, "✓ Đã học xong bài này.") || !strings.Contains(page, `id="next-link" class="btn primary" href="`+path(second)+`">Bài tiếp theo →</a>`) {
		t.Fatalf("after: want the done state and the link onwards: %s", page[strings.Index(page, `<section class="complete"`):])
	}
	if err := e.tracker.Complete(t.Context(), mustUser(t, e, "hocvien").ID, last, time.Now()); err != nil {
		t.Fatal(err)
	}
	page = mustGet(t, e, path(last), ck)
	if !strings.Contains(page, `id="next-link" class="btn primary" href="/courses/`+co.ID+`">Về trang khóa học →</a>`) {
		t.Fatalf("last module: want a link back to the course: %s", page[strings.Index(page, `<section class="complete"`):])
	}
}
