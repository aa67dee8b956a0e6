package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/quiz"
)

const secret = "GIAI-THICH-KIN"

func examContent() fstest.MapFS {
	var b strings.Builder
	b.WriteString("---\nmodule: bai-mot\n---\n")
	for i := 0; i < 5; i++ {
		fmt.Fprintf(&b, "## cau-%d\ntype: single\ndifficulty: easy\ntags: chung\ncite: 06/2022/QH15 Điều 5\n\nCâu hỏi số %d?\n\n- [x] Phương án đúng %d\n- [ ] Phương án sai %d\n\n> %s %d.\n\n", i, i, i, i, secret, i)
	}
	b.WriteString("## ngan\ntype: short\ndifficulty: easy\ntags: chung\ncite: 06/2022/QH15 Điều 5\n\nTên luật?\n\n= Luật Thi đua, khen thưởng\n\n> " + secret + ".\n")
	return fstest.MapFS{
		"khoa/course.md":            {Data: []byte("---\ntitle: \"Khóa thi\"\norder: 1\nexam:\n  questions: 4\n  time_limit_minutes: 20\n  max_attempts: 3\n  pass_percent: 50\n  review: answers\n  review_after: last_attempt\ncertificate:\n  hours: 4\n  require_modules: all\n---\nGiới thiệu.\n")},
		"khoa/01-bai-mot.md":        {Data: []byte("---\ntitle: \"Bài một\"\norder: 1\nestimated_minutes: 10\nobjectives:\n  - \"Hiểu\"\nlegal_documents:\n  - number: \"06/2022/QH15\"\n    articles: [\"Điều 5\"]\nlast_reviewed: 2026-11-20\n---\n## Nội dung\n\nVăn bản.\n")},
		"khoa/questions/bai-mot.md": {Data: []byte(b.String())},
	}
}

var attemptPath = regexp.MustCompile(`^/attempts/(\d+)$`)

func TestExamOverHTTP(t *testing.T) {
	e := newEnvFS(t, examContent())
	now := time.Now()
	e.exams.SetClock(func() time.Time { return now })
	ck := e.login(t, "hocvien")
	other := e.login(t, "giangvien")
	jsonHdr := map[string]string{"Accept": "application/json"}

	w := e.do(req{method: "GET", path: "/courses/khoa/exam", cookie: ck})
	if w.Code != 200 || !strings.Contains(w.Body.String(), "Bắt đầu làm bài") || !strings.Contains(w.Body.String(), "4 câu hỏi") {
		t.Fatalf("exam page: %d %.500s", w.Code, w.Body.String())
	}
	w = e.do(req{method: "POST", path: "/courses/khoa/exam/start", cookie: ck})
	m := attemptPath.FindStringSubmatch(w.Header().Get("Location"))
	if w.Code != 303 || m == nil {
		t.Fatalf("start: %d %q", w.Code, w.Header().Get("Location"))
	}
	path := m[0]
	w = e.do(req{method: "GET", path: path, cookie: ck})
	page := w.Body.String()
	if w.Code != 200 || !strings.Contains(page, `id="timer"`) || strings.Contains(page, secret) {
		t.Fatalf("attempt page: %d (explanations must not be on it) %.300s", w.Code, page)
	}
	var id int64
	fmt.Sscan(m[1], &id)
	a, _ := e.db.Attempt(context.Background(), id)
	paper := e.exams.Paper(a)
	var single *quiz.Question
	for _, q := range paper {
		if q.Type == quiz.Single {
			single = q
			break
		}
	}
	save := func(form url.Values, c *http.Cookie) *httptestResult {
		return wrap(e.do(req{method: "POST", path: path + "/answers", cookie: c, form: form, header: jsonHdr}))
	}
	good := url.Values{"question": {single.ID}, "a:" + single.ID: {"a"}}
	if r := save(good, ck); r.code != 200 || !strings.Contains(r.body, `"saved":1`) {
		t.Fatalf("save: %d %s", r.code, r.body)
	}
	if r := save(good, ck); r.code != 200 { // again: harmless
		t.Fatalf("save again: %d", r.code)
	}
	// A reload shows the answer.
	w = e.do(req{method: "GET", path: path, cookie: ck})
	if !regexp.MustCompile(`name="a:` + single.ID + `" value="a" checked`).MatchString(w.Body.String()) {
		t.Fatal("saved answer not restored on reload")
	}
	notOnPaper := ""
	for _, id := range []string{"cau-0", "cau-1", "cau-2", "cau-3", "cau-4", "ngan"} {
		if !strings.Contains(strings.Join(a.Questions, " "), id) {
			notOnPaper = id
		}
	}
	cases := []struct {
		name   string
		form   url.Values
		raw    string
		status int
		msg    string
	}{
		{"option that does not exist", url.Values{"question": {single.ID}, "a:" + single.ID: {"zz"}}, "", 422, "Câu trả lời không hợp lệ"},
		{"question not in the attempt", url.Values{"question": {notOnPaper}, "a:" + notOnPaper: {"a"}}, "", 422, "không thuộc bài làm"},
		{"field for a question not in the attempt", url.Values{"a:" + notOnPaper: {"a"}}, "", 422, "không thuộc bài làm"},
		{"malformed body", nil, "question=%zz", 400, "Dữ liệu gửi lên không hợp lệ"},
	}
	if strings.Contains(strings.Join(a.Questions, " "), "ngan") {
		cases = append(cases, struct {
			name   string
			form   url.Values
			raw    string
			status int
			msg    string
		}{"overlong text", url.Values{"question": {"ngan"}, "a:ngan": {strings.Repeat("chữ ", 200)}}, "", 422, "Câu trả lời không hợp lệ"})
	}
	for _, tc := range cases {
		r := wrap(e.do(req{method: "POST", path: path + "/answers", cookie: ck, form: tc.form, body: tc.raw, header: jsonHdr}))
		if r.code != tc.status || !strings.Contains(r.body, tc.msg) {
			t.Errorf("%s: %d %s", tc.name, r.code, r.body)
		}
	}
	if r := save(good, other); r.code != 404 {
		t.Errorf("another user's attempt: %d", r.code)
	}
	ans, _ := e.db.Answers(context.Background(), id)
	if len(ans) != 1 || ans[0].QuestionID != single.ID {
		t.Fatalf("stored answers = %+v: refused input must store nothing", ans)
	}

	// Submit: the result shows the score; with attempts left and not passed
	// the answers stay hidden.
	w = e.do(req{method: "POST", path: path + "/submit", cookie: ck})
	if w.Code != 303 || w.Header().Get("Location") != path {
		t.Fatalf("submit: %d %q", w.Code, w.Header().Get("Location"))
	}
	w = e.do(req{method: "GET", path: path, cookie: ck})
	if !strings.Contains(w.Body.String(), `id="score">25%`) || strings.Contains(w.Body.String(), secret) {
		t.Fatalf("result page: %.1500s", w.Body.String())
	}
	if r := save(good, ck); r.code != 409 || !strings.Contains(r.body, "Bài đã nộp") {
		t.Errorf("answer after submission: %d %s", r.code, r.body)
	}
	if r := wrap(e.do(req{method: "POST", path: path + "/submit", cookie: ck, header: jsonHdr})); r.code != 409 {
		t.Errorf("second submission: %d %s", r.code, r.body)
	}

	// Second attempt, left to time out: a late answer is refused with a
	// clear message and the attempt is closed at its deadline.
	w = e.do(req{method: "POST", path: "/courses/khoa/exam/start", cookie: ck})
	path2 := w.Header().Get("Location")
	if path2 == path || attemptPath.FindString(path2) == "" {
		t.Fatalf("second attempt at %q", path2)
	}
	now = now.Add(21 * time.Minute)
	r := wrap(e.do(req{method: "POST", path: path2 + "/answers", cookie: ck, form: good, header: jsonHdr}))
	if r.code != 409 || !strings.Contains(r.body, "Đã hết giờ làm bài") {
		t.Fatalf("late answer: %d %s", r.code, r.body)
	}
	w = e.do(req{method: "POST", path: path2 + "/submit", cookie: ck})
	if w.Code != 303 {
		t.Fatalf("submit after the deadline: %d", w.Code)
	}
	w = e.do(req{method: "GET", path: path2, cookie: ck})
	if !strings.Contains(w.Body.String(), "nộp tự động") {
		t.Fatalf("timed-out attempt page: %.1000s", w.Body.String())
	}
	hist, _ := e.exams.History(context.Background(), a.UserID, "khoa")
	if len(hist) != 2 || !hist[1].AutoSubmitted || hist[1].Open() {
		t.Fatalf("history = %+v", hist)
	}
}

// After the last attempt the full review shows answers and explanations.
func TestReviewAfterLastAttempt(t *testing.T) {
	e := newEnvFS(t, examContent())
	ck := e.login(t, "hocvien")
	var last string
	for i := 0; i < 3; i++ {
		w := e.do(req{method: "POST", path: "/courses/khoa/exam/start", cookie: ck})
		last = w.Header().Get("Location")
		e.do(req{method: "POST", path: last + "/submit", cookie: ck})
	}
	w := e.do(req{method: "GET", path: last, cookie: ck})
	if !strings.Contains(w.Body.String(), secret) || !strings.Contains(w.Body.String(), "Đáp án") {
		t.Fatalf("full review missing: %.1500s", w.Body.String())
	}
	if w := e.do(req{method: "POST", path: "/courses/khoa/exam/start", cookie: ck}); w.Code != 409 || !strings.Contains(w.Body.String(), "hết số lần") {
		t.Fatalf("fourth attempt: %d", w.Code)
	}
}

func TestPracticeOverHTTP(t *testing.T) {
	e := newEnvFS(t, examContent())
	ck := e.login(t, "hocvien")
	base := "/courses/khoa/modules/bai-mot"
	w := e.do(req{method: "GET", path: base, cookie: ck})
	if !strings.Contains(w.Body.String(), "Luyện tập (6 câu hỏi)") {
		t.Fatalf("module page lacks the practice link")
	}
	w = e.do(req{method: "GET", path: base + "/practice", cookie: ck})
	if w.Code != 200 || strings.Contains(w.Body.String(), secret) {
		t.Fatalf("practice page: %d", w.Code)
	}
	w = e.do(req{method: "POST", path: base + "/practice", cookie: ck, form: url.Values{"question": {"cau-2"}, "a:cau-2": {"b"}}})
	if w.Code != 303 || !strings.HasSuffix(w.Header().Get("Location"), "#q-cau-2") {
		t.Fatalf("practice answer: %d %q", w.Code, w.Header().Get("Location"))
	}
	body := e.do(req{method: "GET", path: base + "/practice", cookie: ck}).Body.String()
	for _, want := range []string{secret + " 2", "Chưa đúng", "Phương án đúng 2", "Căn cứ: Điều 5 06/2022/QH15"} {
		if !strings.Contains(body, want) {
			t.Errorf("practice feedback lacks %q", want)
		}
	}
	if w := e.do(req{method: "POST", path: base + "/practice", cookie: ck, form: url.Values{"question": {"cau-2"}}}); w.Code != 422 || !strings.Contains(w.Body.String(), "Hãy trả lời") {
		t.Errorf("empty practice answer: %d", w.Code)
	}
	if w := e.do(req{method: "POST", path: base + "/practice", cookie: ck, form: url.Values{"question": {"khong-co"}}}); w.Code != 422 {
		t.Errorf("unknown practice question: %d", w.Code)
	}
	var a model.Attempt
	a, _ = e.db.OpenAttempt(context.Background(), mustUser(t, e, "hocvien").ID, "khoa", model.AttemptPractice, "bai-mot")
	if ans, _ := e.db.Answers(context.Background(), a.ID); len(ans) != 1 || ans[0].Score != 0 || !ans[0].Graded {
		t.Errorf("practice answers stored = %+v", ans)
	}
}

func mustUser(t *testing.T, e *env, name string) model.User {
	u, err := e.db.UserByUsername(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

type httptestResult struct {
	code int
	body string
}

func wrap(w *httptest.ResponseRecorder) *httptestResult {
	b, _ := io.ReadAll(w.Result().Body)
	return &httptestResult{code: w.Code, body: string(b)}
}

func TestStatsPage(t *testing.T) {
	e := newEnvFS(t, examContent())
	passExam(t, e, e.login(t, "hocvien"))
	w := e.do(req{method: "GET", path: "/manage/courses/khoa/stats", cookie: e.login(t, "giangvien")})
	if w.Code != 200 || !strings.Contains(w.Body.String(), "1 lượt trả lời") || !strings.Contains(w.Body.String(), "điểm trung bình 100%") {
		t.Fatalf("stats: %d %.1500s", w.Code, w.Body.String())
	}
	if w := e.do(req{method: "GET", path: "/manage/courses/khoa/stats", cookie: e.login(t, "hocvien")}); w.Code != 403 {
		t.Fatalf("trainee stats: %d", w.Code)
	}
	// By unit: the commune and the province above it hold the answer; a
	// unit unknown or outside the scope is not found.
	gv := e.login(t, "giangvien")
	for _, u := range []string{"07441", "24"} {
		if body := mustGet(t, e, "/manage/courses/khoa/stats?unit="+u, gv); !strings.Contains(body, "1 lượt trả lời") {
			t.Fatalf("stats of unit %s: %.1500s", u, body)
		}
	}
	expectStatus(t, e, "GET", "/manage/courses/khoa/stats?unit=99", gv, http.StatusNotFound)
	if w := e.do(req{method: "GET", path: "/manage/courses/khoa/stats?format=csv", cookie: gv}); w.Code != 200 || !strings.Contains(w.Body.String(), "Câu hỏi,Lượt trả lời") || !strings.Contains(w.Body.String(), ",1,1,100,,0") {
		t.Fatalf("stats CSV: %d %q", w.Code, w.Body.String())
	}
}

func TestTrainerCoursesAreHiddenFromTrainees(t *testing.T) {
	files := examContent()
	files["huong-dan/course.md"] = &fstest.MapFile{Data: []byte("---\ntitle: \"Hướng dẫn giảng viên\"\norder: 2\naudience: trainers\n---\nGiới thiệu.\n")}
	files["huong-dan/01-mot.md"] = files["khoa/01-bai-mot.md"]
	e := newEnvFS(t, files)
	trainee, trainer := e.login(t, "hocvien"), e.login(t, "giangvien")
	if w := e.do(req{method: "GET", path: "/", cookie: trainee}); strings.Contains(w.Body.String(), "Hướng dẫn giảng viên") {
		t.Error("trainee catalog lists the trainers' course")
	}
	if w := e.do(req{method: "GET", path: "/", cookie: trainer}); !strings.Contains(w.Body.String(), "Hướng dẫn giảng viên") {
		t.Error("trainer catalog lacks the trainers' course")
	}
	for _, p := range []string{"/courses/huong-dan", "/courses/huong-dan/modules/mot"} {
		if w := e.do(req{method: "GET", path: p, cookie: trainee}); w.Code != 404 {
			t.Errorf("trainee %s: %d", p, w.Code)
		}
		if w := e.do(req{method: "GET", path: p, cookie: trainer}); w.Code != 200 {
			t.Errorf("trainer %s: %d", p, w.Code)
		}
	}
}
