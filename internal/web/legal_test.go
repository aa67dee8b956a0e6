package web

import (
	"html"
	"regexp"
	"strings"
	"testing"
)

var (
	tagRe       = regexp.MustCompile(`(?s)<[^>]*>`)
	outdatedRe  = regexp.MustCompile(`98/2023|01/2024/TT-BNV`)
	statusWords = regexp.MustCompile(`thay thế|hết hiệu lực|lịch sử|không còn hiệu lực|trước đây|không dùng làm căn cứ`)
)

// No page presents Nghị định 98/2023/NĐ-CP or Thông tư 01/2024/TT-BNV as in
// force: wherever either appears in the text a reader sees, its status is
// said right there.
func TestReplacedDocumentsAreNeverPresentedAsCurrent(t *testing.T) {
	e := newEnv(t)
	ck := e.login(t, "giangvien") // trainers see every course, including the one for trainers
	var paths []string
	for _, co := range e.cat.Courses {
		paths = append(paths, "/courses/"+co.ID)
		for _, m := range co.Modules {
			paths = append(paths, "/courses/"+co.ID+"/modules/"+m.ID)
			if len(m.Questions) > 0 {
				// Practice shows explanations once answered; render them all.
				paths = append(paths, "/courses/"+co.ID+"/modules/"+m.ID+"/practice")
			}
		}
	}
	paths = append(paths, "/documents")
	for _, d := range e.cat.Register.Documents {
		paths = append(paths, "/documents/"+d.Slug)
	}
	seen := 0
	for _, p := range paths {
		w := e.do(req{method: "GET", path: p, cookie: ck})
		if w.Code != 200 {
			t.Fatalf("%s: status %d", p, w.Code)
		}
		text := html.UnescapeString(tagRe.ReplaceAllString(w.Body.String(), " "))
		text = strings.Join(strings.Fields(text), " ")
		for _, loc := range outdatedRe.FindAllStringIndex(text, -1) {
			seen++
			after := text[loc[1]:min(len(text), loc[1]+160)]
			before := text[max(0, loc[0]-100):loc[0]]
			if !statusWords.MatchString(after) && !strings.Contains(before, "thay thế") && !strings.Contains(before, "thay ") {
				t.Errorf("%s presents %s without its status: …%s[%s]%s…", p, text[loc[0]:loc[1]], before, text[loc[0]:loc[1]], after)
			}
		}
	}
	if seen == 0 {
		t.Fatal("no mention found: the scan is broken")
	}
	t.Logf("%d mentions checked on %d pages", seen, len(paths))
}

func TestDocumentPages(t *testing.T) {
	e := newEnv(t)
	ck := e.login(t, "hocvien")
	w := e.do(req{method: "GET", path: "/documents/98-2023-nd-cp", cookie: ck})
	if w.Code != 200 || !strings.Contains(w.Body.String(), "đã được thay thế bởi 152/2025/NĐ-CP từ 01/07/2025") || !strings.Contains(w.Body.String(), `href="/documents/152-2025-nd-cp"`) {
		t.Fatalf("replaced document page: %d %.1500s", w.Code, w.Body.String())
	}
	w = e.do(req{method: "GET", path: "/documents/06-2022-qh15", cookie: ck})
	if !strings.Contains(w.Body.String(), "còn hiệu lực") || !strings.Contains(w.Body.String(), "Những vấn đề chung") {
		t.Fatalf("law page lacks its status or the modules citing it: %.2000s", w.Body.String())
	}
	w = e.do(req{method: "GET", path: "/courses/nghiep-vu-thi-dua-khen-thuong/modules/nhung-van-de-chung", cookie: ck})
	if !strings.Contains(w.Body.String(), `<a href="/documents/06-2022-qh15"`) {
		t.Error("module text does not link its citations")
	}
	if w := e.do(req{method: "GET", path: "/documents/khong-co", cookie: ck}); w.Code != 404 {
		t.Errorf("unknown document: %d", w.Code)
	}
	if w := e.do(req{method: "GET", path: "/admin/review", cookie: e.login(t, "quantri")}); w.Code != 200 || !strings.Contains(w.Body.String(), "Không có học liệu nào cần rà soát.") {
		t.Errorf("review list: %d", w.Code)
	}
	if w := e.do(req{method: "GET", path: "/admin/review", cookie: ck}); w.Code != 403 {
		t.Errorf("trainee review list: %d", w.Code)
	}
}
