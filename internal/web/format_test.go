package web

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/quiz"
)

// caseExamContent is a course whose three-question exam holds a single
// choice, a short answer and a case of two parts (a true/false and a
// multiple choice with three right options, for partial credit), all drawn
// on every paper. Without the case the multiple choice stands alone as the
// third question. The course is 1.5 hours long, so the certificate's length
// has a decimal too.
func caseExamContent(withCase bool) fstest.MapFS {
	multiple := "type: multiple\n\nChọn các ý đúng?\n\n- [x] Ý một\n- [x] Ý hai\n- [x] Ý ba\n- [ ] Ý sai\n\n> Vì.\n"
	bank := "---\nmodule: bai-mot\n---\n" +
		"## mot\ntype: single\ndifficulty: easy\ntags: chung\ncite: 06/2022/QH15 Điều 5\n\nCâu một?\n\n- [x] Đúng\n- [ ] Sai\n\n> Vì.\n\n" +
		"## ngan\ntype: short\ndifficulty: easy\ntags: chung\ncite: 06/2022/QH15 Điều 5\n\nTên luật?\n\n= Luật Thi đua, khen thưởng\n\n> Vì.\n\n"
	if withCase {
		bank += "## tinh-huong\ntype: case\ndifficulty: easy\ntags: chung\ncite: 06/2022/QH15 Điều 5\n\nTình huống.\n\n" +
			"### dung-sai\ntype: truefalse\nanswer: đúng\n\nĐúng không?\n\n> Vì.\n\n### nhieu\n" + multiple
	} else {
		bank += "## nhieu\ndifficulty: easy\ntags: chung\ncite: 06/2022/QH15 Điều 5\n" + multiple
	}
	return fstest.MapFS{
		"khoa/course.md": {Data: []byte("---\ntitle: \"Khóa thi\"\norder: 1\nexam:\n  questions: 3\n  time_limit_minutes: 20\n  max_attempts: 3\n" +
			"  pass_percent: 50\n  review: answers\n  review_after: submit\ncertificate:\n  hours: 1.5\n  require_modules: all\n---\nGiới thiệu.\n")},
		"khoa/01-bai-mot.md": {Data: []byte("---\ntitle: \"Bài một\"\norder: 1\nestimated_minutes: 10\nobjectives:\n  - \"Hiểu\"\nlegal_documents:\n" +
			"  - number: \"06/2022/QH15\"\n    articles: [\"Điều 5\"]\nlast_reviewed: 2026-11-20\n---\n## Nội dung\n\nVăn bản.\n")},
		"khoa/questions/bai-mot.md": {Data: []byte(bank)},
	}
}

// startCaseExam starts an attempt of caseExamContent's exam for hocvien and
// returns its path and a function that saves one form of answers as the
// page's script does.
func startCaseExam(t *testing.T, e *env, ck *http.Cookie) (string, func(url.Values)) {
	t.Helper()
	w := e.do(req{method: "POST", path: "/courses/khoa/exam/start", cookie: ck})
	path := w.Header().Get("Location")
	if w.Code != http.StatusSeeOther || attemptPath.FindString(path) == "" {
		t.Fatalf("start: %d %q", w.Code, path)
	}
	return path, func(form url.Values) {
		t.Helper()
		w := e.do(req{method: "POST", path: path + "/answers", cookie: ck, form: form, header: map[string]string{"Accept": "application/json"}})
		if w.Code != http.StatusOK {
			t.Fatalf("save %v: %d %s", form, w.Code, w.Body.String())
		}
	}
}

var answeredRe = regexp.MustCompile(`id="answered"[^>]*>([^<]*)<`)

// The attempt page's counter counts questions, not case parts: a case counts
// once, when all of its parts are answered; a short answer counts when it has
// text; and the figure after a reload is the one the page's script would
// show. The result is out of the three questions, not the four parts.
func TestExamCountsQuestions(t *testing.T) {
	e := newEnvFS(t, caseExamContent(true))
	ck := e.login(t, "hocvien")
	path, save := startCaseExam(t, e, ck)
	counter := func() string {
		t.Helper()
		m := answeredRe.FindStringSubmatch(mustGet(t, e, path, ck))
		if m == nil {
			t.Fatal("no answered counter on the attempt page")
		}
		return m[1]
	}
	if got := counter(); got != "Đã trả lời 0/3 câu" {
		t.Fatalf("fresh attempt: %q", got)
	}
	// An empty short answer (the form sends the box even when it is blank)
	// and one part of the case: nothing is answered yet.
	save(url.Values{"question": {"ngan"}, "a:ngan": {"  "}})
	save(url.Values{"question": {"tinh-huong"}, "a:tinh-huong/dung-sai": {"true"}})
	if got := counter(); got != "Đã trả lời 0/3 câu" {
		t.Fatalf("after a blank short answer and half a case: %q, want 0/3", got)
	}
	// The case's other part (two of its three right options), the short
	// answer typed, the single choice: three questions, four parts.
	save(url.Values{"question": {"tinh-huong"}, "a:tinh-huong/dung-sai": {"true"}, "a:tinh-huong/nhieu": {"a", "b"}, "a:tinh-huong/nhieu:shown": {"1"}})
	if got := counter(); got != "Đã trả lời 1/3 câu" {
		t.Fatalf("after the whole case: %q, want 1/3", got)
	}
	save(url.Values{"question": {"ngan"}, "a:ngan": {"Luật Thi đua, khen thưởng"}})
	save(url.Values{"question": {"mot"}, "a:mot": {"a"}})
	if got := counter(); got != "Đã trả lời 3/3 câu" {
		t.Fatalf("after every question: %q, want 3/3 (not 4/3: the case is one question)", got)
	}
	page := mustGet(t, e, path, ck)
	if !strings.Contains(page, `data-tpl="Đã trả lời {n}/{total} câu"`) {
		t.Fatal("the counter has no template for the page's script")
	}

	if w := e.do(req{method: "POST", path: path + "/submit", cookie: ck}); w.Code != http.StatusSeeOther {
		t.Fatalf("submit: %d", w.Code)
	}
	// 1 + 1 + (½ × 1 + ½ × ⅔) = 2⅚ of 3.
	page = mustGet(t, e, path, ck)
	if !strings.Contains(page, "2,8/3 điểm") || !strings.Contains(page, `id="score">94,4%`) {
		t.Fatalf("result: want 2,8/3 điểm and 94,4%%: %.2500s", page)
	}
}

// Every number and date a page shows follows the reader's language: a
// decimal comma and dotted thousands in Vietnamese, the other way round in
// English, and an English date with the month's name.
func TestNumbersFollowLanguage(t *testing.T) {
	e := newEnvFS(t, caseExamContent(false))
	ck := e.login(t, "hocvien")
	path, save := startCaseExam(t, e, ck)
	save(url.Values{"question": {"mot"}, "a:mot": {"a"}})
	save(url.Values{"question": {"ngan"}, "a:ngan": {"Luật Thi đua, khen thưởng"}})
	save(url.Values{"question": {"nhieu"}, "a:nhieu": {"a", "b"}, "a:nhieu:shown": {"1"}})
	if w := e.do(req{method: "POST", path: path + "/submit", cookie: ck}); w.Code != http.StatusSeeOther {
		t.Fatalf("submit: %d", w.Code)
	}
	var id int64
	fmt.Sscan(attemptPath.FindStringSubmatch(path)[1], &id)
	a, err := e.db.Attempt(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(a.Score-(2+2.0/3)) > 1e-9 || a.MaxScore != 3 {
		t.Fatalf("stored score %v/%v", a.Score, a.MaxScore)
	}
	en := map[string]string{"Cookie": langCookie + "=en; " + ck.Name + "=" + ck.Value}
	get := func(p string, lang map[string]string) string {
		t.Helper()
		w := e.do(req{method: "GET", path: p, cookie: ck, header: lang})
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", p, w.Code)
		}
		return w.Body.String()
	}
	vn, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	started := a.StartedAt.In(vn)
	for _, c := range []struct {
		path string
		lang map[string]string
		want []string
	}{
		// The score with a decimal, the percent, a partial credit.
		{path, nil, []string{"2,7/3 điểm", `id="score">88,9%`, "(66,7%)"}},
		{path, en, []string{"2.7 of 3 points", `id="score">88.9%`, "(66.7%)"}},
		// The history of attempts: the percent and the start, as a date.
		{"/courses/khoa/exam", nil, []string{"88,9%", started.Format("15:04, 02/01/2006"), "Đạt từ 50% điểm"}},
		{"/courses/khoa/exam", en, []string{"88.9%", started.Format("15:04, 2 Jan 2006")}},
		// The certificate's length and the best exam result.
		{"/courses/khoa", nil, []string{"Thời lượng 1,5 giờ"}},
		{"/courses/khoa", en, []string{"1.5 hours"}},
		// The Vietnamese figure of a percentage that is a whole number.
		{"/courses/khoa/exam", en, []string{"Pass mark: 50%"}},
		{"/courses/khoa/certificate", nil, []string{"kết quả tốt nhất của bạn: 88,9%"}},
		{"/courses/khoa/certificate", en, []string{"your best: 88.9%"}},
	} {
		body := get(c.path, c.lang)
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s (%v): %q missing", c.path, c.lang != nil, w)
			}
		}
	}

	// A trainer's view of the officer shows the percent in their language,
	// and a progress total with a decimal share: one of three enrolled.
	gv := e.login(t, "giangvien")
	for _, u := range []string{"hocvien2", "hocvien3"} {
		if _, err := e.auth.CreateUser(context.Background(), authUser(u), false); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Set(time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC))
	w := e.do(req{method: "POST", path: "/manage/enrol", cookie: gv, form: url.Values{"course": {"khoa"}, "unit": {"07441"}, "due": {"2026-12-15"}}})
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Đã giao 1 lượt.") {
		t.Fatalf("enrol: %d %.1500s", w.Code, w.Body.String())
	}
	e.do(req{method: "POST", path: "/courses/khoa/modules/bai-mot/complete", cookie: ck, header: map[string]string{"Accept": "application/json"}})
	if err := e.tracker.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	gvEN := map[string]string{"Cookie": langCookie + "=en; " + gv.Name + "=" + gv.Value}
	for lang, want := range map[string]string{"vi": "(33,3%)", "en": "(33.3%)"} {
		var h map[string]string
		if lang == "en" {
			h = gvEN
		}
		body := e.do(req{method: "GET", path: "/manage/progress?course=khoa", cookie: gv, header: h}).Body.String()
		i := strings.Index(body, `id="progress-totals">`)
		if i < 0 || !strings.Contains(body[i:i+300], want) {
			t.Errorf("progress totals in %s: want %s: %.300s", lang, want, body[max(i, 0):])
		}
	}
}

func authUser(name string) auth.UserInput {
	return auth.UserInput{Username: name, FullName: "Cán bộ " + name, Role: "trainee", UnitCode: "07441", Password: testPassword}
}

// Messages fill their numbers in the reader's language; verbs with flags and
// non-numbers are fmt's as before, and %% stays a percent sign.
func TestMessageNumbers(t *testing.T) {
	for _, c := range []struct {
		lang, format string
		args         []any
		want         string
	}{
		{"vi", "%d cán bộ · hoàn thành %d (%s%%) · %g giờ", []any{1350, 12, "13,3", 1.5}, "1.350 cán bộ · hoàn thành 12 (13,3%) · 1,5 giờ"},
		{"en", "%d officers · %d finished (%s%%) · %g hours", []any{1350, 12, "13.3", 1.5}, "1,350 officers · 12 finished (13.3%) · 1.5 hours"},
		{"vi", "%v/%v", []any{2.0 / 3, int64(20000)}, "0,67/20.000"},
		{"vi", "%02d:%s %d", []any{5, "x", 7}, "05:x 7"},
		{"en", "no verbs", nil, "no verbs"},
		{"en", "%d and %d", []any{1}, "1 and %!d(MISSING)"},
	} {
		if got := sprintfIn(c.lang, c.format, c.args...); got != c.want {
			t.Errorf("sprintfIn(%s, %q, %v) = %q, want %q", c.lang, c.format, c.args, got, c.want)
		}
	}
}

// An attempt graded before a case counted as one question stored its score
// out of the parts (here 3⅔ of 4 for three questions, one a two-part case):
// it is shown on the question scale with its percent, which decided pass or
// fail, unchanged.
func TestQuestionScaleOfOldAttempts(t *testing.T) {
	q := func(typ quiz.Type) *quiz.Question { return &quiz.Question{Type: typ, Points: 1} }
	paper := []*quiz.Question{q(quiz.Single), q(quiz.Short), q(quiz.Case)}
	old := model.Attempt{Score: 3 + 2.0/3, MaxScore: 4}
	points, of := questionScale(paper, old)
	if of != 3 || math.Abs(points-2.75) > 1e-9 || math.Abs(points/of*100-old.Percent()) > 1e-9 {
		t.Fatalf("old attempt shown as %v/%v, want 2.75/3 (%v%%)", points, of, old.Percent())
	}
	if points, of := questionScale(nil, old); points != old.Score || of != 4 {
		t.Fatalf("with its questions gone: %v/%v, want the stored %v/4", points, of, old.Score)
	}
}
