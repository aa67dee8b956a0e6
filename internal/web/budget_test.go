package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/tdkt/tdkt/static"
)

// pageBudget is what a trainee page may cost over the wire on a first visit,
// with everything it loads: a commune officer on a prepaid 3G plan opens
// dozens of them a day.
const pageBudget = 60 << 10

// resourceRef finds what a page makes the browser fetch: stylesheets (and
// their prefetch), scripts, the icon, the manifest, pictures.
var resourceRef = regexp.MustCompile(`<(?:link|script|img)\b[^>]*?\b(?:href|src)="([^"]+)"`)

// wireGet answers path as a phone would get it (gzip accepted) and returns
// the bytes that crossed the wire (status line, headers, body as sent) and
// the body as the browser reads it.
func wireGet(t *testing.T, e *env, path string, ck *http.Cookie) (int, string, int) {
	t.Helper()
	h := map[string]string{"Accept-Encoding": "gzip, deflate, br"}
	w := e.do(req{method: "GET", path: path, cookie: ck, header: h})
	n := len("HTTP/1.1 200 OK\r\n\r\n") + w.Body.Len()
	for k, vs := range w.Header() {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	body := w.Body.Bytes()
	if w.Header().Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	return n, string(body), w.Code
}

// pageWeight is the cost of path on a first visit: the page, each file it
// refers to, and the service worker with the offline page it keeps.
func pageWeight(t *testing.T, e *env, path string, ck *http.Cookie) (int, map[string]int) {
	t.Helper()
	n, body, code := wireGet(t, e, path, ck)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d", path, code)
	}
	parts := map[string]int{path: n}
	refs := []string{"/sw.js", "/offline"}
	for _, m := range resourceRef.FindAllStringSubmatch(body, -1) {
		refs = append(refs, strings.ReplaceAll(m[1], "&amp;", "&"))
	}
	total := n
	for _, r := range refs {
		if _, ok := parts[r]; ok {
			continue
		}
		if !strings.HasPrefix(r, "/") || strings.HasPrefix(r, "//") {
			t.Errorf("%s loads %s from another site: a page needs nothing from elsewhere", path, r)
			continue
		}
		rn, _, rc := wireGet(t, e, r, ck)
		if rc != http.StatusOK {
			t.Fatalf("%s refers to %s, which answers %d", path, r, rc)
		}
		parts[r] = rn
		total += rn
	}
	return total, parts
}

// Every page a trainee opens costs at most pageBudget on a first visit,
// counted as the phone receives it.
func TestTraineePagesByteBudget(t *testing.T) {
	e := newEnv(t)
	sess := scheduleRoom(t, e, "NGANSACH", "Hội nghị tập huấn", "hvngansach")
	ck := e.login(t, "hvngansach")
	pages := []string{"/", "/offline", "/password", "/documents", "/live", "/live/" + itoa(sess.ID)}
	for _, d := range e.cat.Register.Documents {
		pages = append(pages, "/documents/"+url.PathEscape(d.Slug))
	}
	trainer := e.login(t, "giangvien")
	var trainerPages []string
	for _, co := range e.cat.Courses {
		base := "/courses/" + co.ID
		if co.ForTrainers { // read by trainers, on the same phones
			for _, m := range co.Modules {
				trainerPages = append(trainerPages, base+"/modules/"+m.ID)
			}
			continue
		}
		if w := e.do(req{method: "GET", path: base, cookie: ck}); w.Code != http.StatusOK {
			t.Fatalf("%s: %d", base, w.Code)
		}
		pages = append(pages, base, base+"/certificate")
		for _, m := range co.Modules {
			pages = append(pages, base+"/modules/"+m.ID)
			if len(m.Questions) > 0 {
				pages = append(pages, base+"/modules/"+m.ID+"/practice")
			}
		}
		if co.Exam == nil {
			continue
		}
		pages = append(pages, base+"/exam")
		w := e.do(req{method: "POST", path: base + "/exam/start", cookie: ck})
		attempt := w.Header().Get("Location")
		if w.Code != http.StatusSeeOther || !strings.HasPrefix(attempt, "/attempts/") {
			t.Fatalf("start the exam of %s: %d %s", co.ID, w.Code, attempt)
		}
		pages = append(pages, attempt) // running, with its clock
		if w := e.do(req{method: "POST", path: attempt + "/submit", cookie: ck}); w.Code != http.StatusSeeOther {
			t.Fatalf("submit %s: %d", attempt, w.Code)
		}
		pages = append(pages, attempt+"?result") // the result and review of the same attempt
	}
	type row struct {
		path  string
		bytes int
	}
	var rows []row
	over := 0
	for _, p := range pages {
		n, parts := pageWeight(t, e, strings.TrimSuffix(p, "?result"), ck)
		rows = append(rows, row{p, n})
		if n > pageBudget {
			over++
			t.Errorf("%s costs %d bytes on a first visit, over the budget of %d: %v", p, n, pageBudget, parts)
		}
	}
	for _, p := range trainerPages {
		n, parts := pageWeight(t, e, p, trainer)
		rows = append(rows, row{p, n})
		if n > pageBudget {
			t.Errorf("%s costs %d bytes on a first visit, over the budget of %d: %v", p, n, pageBudget, parts)
		}
	}
	// The login page, before any cookie.
	n, _ := pageWeight(t, e, "/login", nil)
	rows = append(rows, row{"/login", n})
	if n > pageBudget {
		t.Errorf("/login costs %d bytes, over the budget of %d", n, pageBudget)
	}
	if len(rows) < 30 {
		t.Fatalf("only %d pages weighed", len(rows))
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].bytes > rows[j].bytes })
	for _, r := range rows[:5] {
		t.Logf("heaviest: %s %d bytes", r.path, r.bytes)
	}
	t.Logf("%d trainee pages weighed, %d over %d bytes", len(rows), over, pageBudget)
}

// A first visit carries the stylesheet inline, allowed by its hash in the
// CSP; the stylesheet's own answer sets the cookie after which pages link
// to it instead.
func TestStyleInlineUntilCached(t *testing.T) {
	e := newEnv(t)
	ck := e.login(t, "hocvien")
	w := e.do(req{method: "GET", path: "/", cookie: ck})
	page := w.Body.String()
	as, err := loadAssets(static.FS)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page, "<style>"+string(as.css)+"</style>") || strings.Contains(page, `rel="stylesheet"`) {
		t.Fatal("a first visit does not carry the stylesheet inline")
	}
	sum := sha256.Sum256([]byte(as.css))
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") {
		t.Fatalf("the CSP does not allow the inline stylesheet: %s", csp)
	}
	if strings.Contains(string(as.css), "/*") {
		t.Error("the stylesheet is served with its comments")
	}
	sw := e.do(req{method: "GET", path: as.url("css/app.css")})
	var css *http.Cookie
	for _, c := range sw.Result().Cookies() {
		if c.Name == cssCookie {
			css = c
		}
	}
	if css == nil || css.Value != as.files["css/app.css"].hash {
		t.Fatal("the stylesheet does not set the cookie that says it is cached")
	}
	w = e.do(req{method: "GET", path: "/", cookie: ck, header: map[string]string{"Cookie": ck.Name + "=" + ck.Value + "; " + css.Name + "=" + css.Value}})
	if page := w.Body.String(); strings.Contains(page, "<style>") || !strings.Contains(page, `<link rel="stylesheet" href="`+as.url("css/app.css")+`">`) {
		t.Fatal("a visit with the stylesheet cached still carries it inline")
	}
}
