package course

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

const goodCourse = "---\ntitle: \"Khóa thử\"\nsummary: \"Tóm tắt\"\norder: 1\n---\nGiới thiệu.\n"

func module(title string, order int) string {
	return "---\ntitle: \"" + title + "\"\norder: " + itoa(order) + "\nestimated_minutes: 10\nobjectives:\n  - \"Hiểu\"\n" +
		"legal_documents:\n  - number: \"06/2022/QH15\"\n    articles: [\"Điều 5\"]\nlast_reviewed: 2026-11-20\n---\n## Nội dung chính\n\nNội dung.\n"
}

func itoa(n int) string {
	return strings.TrimSpace(strings.Repeat(" ", 0) + string(rune('0'+n)))
}

func goodFS() fstest.MapFS {
	return fstest.MapFS{
		"khoa-thu/course.md":      {Data: []byte(goodCourse)},
		"khoa-thu/01-bai-mot.md":  {Data: []byte(module("Bài một", 1))},
		"khoa-thu/02-bai-hai.md":  {Data: []byte(module("Bài hai", 2))},
		"khoa-thu/notes.txt":      {Data: []byte("ignored")},
		"_drafts/course.md":       {Data: []byte("not a course")},
		"khoa-thu/cau-hoi/x.yaml": {Data: []byte("ignored for now")},
	}
}

func TestLoadGoodContent(t *testing.T) {
	cat, probs := Load(goodFS())
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	co := cat.Course("khoa-thu")
	if co == nil || len(co.Modules) != 2 || co.TotalMinutes != 20 {
		t.Fatalf("course = %+v", co)
	}
	m := cat.Module("khoa-thu", "bai-mot")
	if m == nil || m.Title != "Bài một" || m.Next() != co.Modules[1] || m.Prev() != nil {
		t.Fatalf("module = %+v", m)
	}
	if len(m.LegalDocuments) != 1 || m.LegalDocuments[0].Number != "06/2022/QH15" || m.LastReviewed.Format("2006-01-02") != "2026-11-20" {
		t.Errorf("front matter not decoded: %+v", m)
	}
	if !strings.Contains(string(m.HTML), `id="noi-dung-chinh"`) {
		t.Errorf("heading anchor missing: %s", m.HTML)
	}
}

// Each broken tree must give exactly the file:line: message an author can act on.
func TestLoadReportsProblemsWithFileAndLine(t *testing.T) {
	cases := []struct {
		name  string
		files fstest.MapFS
		want  string
	}{
		{"no front matter", fstest.MapFS{"c/course.md": {Data: []byte(goodCourse)}, "c/01-a.md": {Data: []byte("## Hi\n")}},
			"c/01-a.md:1: missing front matter"},
		{"front matter not closed", fstest.MapFS{"c/course.md": {Data: []byte(goodCourse)}, "c/01-a.md": {Data: []byte("---\ntitle: x\n")}},
			"c/01-a.md:1: front matter is not closed"},
		{"broken yaml", fstest.MapFS{"c/course.md": {Data: []byte(goodCourse)},
			"c/01-a.md": {Data: []byte("---\ntitle: \"x\"\norder: 1\nsummary: Điều 5: nguyên tắc\nestimated_minutes: 3\n---\nbody\n")}},
			"c/01-a.md:4: front matter is not valid YAML: mapping values are not allowed in this context"},
		{"missing title", fstest.MapFS{"c/course.md": {Data: []byte(goodCourse)},
			"c/01-a.md": {Data: []byte(strings.Replace(module("X", 1), "title: \"X\"\n", "", 1))}},
			"c/01-a.md:1: title is missing"},
		{"empty title", fstest.MapFS{"c/course.md": {Data: []byte(goodCourse)},
			"c/01-a.md": {Data: []byte(strings.Replace(module("X", 1), "title: \"X\"", "title: \"\"", 1))}},
			"c/01-a.md:2: title is empty"},
		{"duplicate order", fstest.MapFS{"c/course.md": {Data: []byte(goodCourse)},
			"c/01-a.md": {Data: []byte(module("A", 1))}, "c/02-b.md": {Data: []byte(module("B", 1))}},
			"c/02-b.md:3: order 1 is already used by 01-a.md"},
		{"order not a number", fstest.MapFS{"c/course.md": {Data: []byte(goodCourse)},
			"c/01-a.md": {Data: []byte(strings.Replace(module("A", 1), "order: 1", "order: một", 1))}},
			"c/01-a.md:3: order must be a positive whole number"},
		{"unknown field", fstest.MapFS{"c/course.md": {Data: []byte(goodCourse)},
			"c/01-a.md": {Data: []byte(strings.Replace(module("A", 1), "order: 1", "order: 1\ntitel: y", 1))}},
			"c/01-a.md:4: unknown field \"titel\""},
		{"bad date", fstest.MapFS{"c/course.md": {Data: []byte(goodCourse)},
			"c/01-a.md": {Data: []byte(strings.Replace(module("A", 1), "2026-11-20", "20/11/2026", 1))}},
			"c/01-a.md:10: last_reviewed must be a date like 2026-11-20"},
		{"raw html", fstest.MapFS{"c/course.md": {Data: []byte(goodCourse)},
			"c/01-a.md": {Data: []byte(module("A", 1) + "\n<script>alert(1)</script>\n")}},
			"c/01-a.md:16: raw HTML is not rendered"},
		{"h1 in body", fstest.MapFS{"c/course.md": {Data: []byte(goodCourse)},
			"c/01-a.md": {Data: []byte(module("A", 1) + "\n# Tiêu đề\n")}},
			"c/01-a.md:16: level-1 heading"},
		{"bad module file name", fstest.MapFS{"c/course.md": {Data: []byte(goodCourse)},
			"c/01-a.md": {Data: []byte(module("A", 1))}, "c/Bai Hai.md": {Data: []byte(module("B", 2))}},
			"c/Bai Hai.md:1: module file name must be"},
		{"missing course file", fstest.MapFS{"c/01-a.md": {Data: []byte(module("A", 1))}},
			"c/course.md:1: course file is missing"},
		{"course without modules", fstest.MapFS{"c/course.md": {Data: []byte(goodCourse)}},
			"c/course.md:1: course has no modules"},
		{"empty body", fstest.MapFS{"c/course.md": {Data: []byte(goodCourse)},
			"c/01-a.md": {Data: []byte(strings.SplitAfter(module("A", 1), "---\n")[1] + "---\n")}},
			"front matter"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, probs := Load(tc.files)
			var lines []string
			for _, p := range probs {
				lines = append(lines, p.String())
			}
			all := strings.Join(lines, "\n")
			if !strings.Contains(all, tc.want) {
				t.Fatalf("want a problem containing %q, got:\n%s", tc.want, all)
			}
		})
	}
}

// errFS fails to read one file, as a file with bad permissions would.
type errFS struct {
	fstest.MapFS
	bad string
}

func (e errFS) Open(name string) (fs.File, error) {
	if name == e.bad {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errors.New("permission denied")}
	}
	return e.MapFS.Open(name)
}

func (e errFS) ReadFile(name string) ([]byte, error) {
	if name == e.bad {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errors.New("permission denied")}
	}
	return e.MapFS.ReadFile(name)
}

func TestLoadUnreadableFile(t *testing.T) {
	fsys := errFS{MapFS: goodFS(), bad: "khoa-thu/02-bai-hai.md"}
	_, probs := Load(fsys)
	if len(probs) != 1 || probs[0].String() != "khoa-thu/02-bai-hai.md:1: cannot read file: open khoa-thu/02-bai-hai.md: permission denied" {
		t.Fatalf("problems = %v", probs)
	}
}

func TestSlugKeepsVietnameseReadable(t *testing.T) {
	cases := map[string]string{
		"Mục tiêu bài học":                        "muc-tieu-bai-hoc",
		"Đặc khu và phường":                       "dac-khu-va-phuong",
		"Điều 23. “Chiến sĩ thi đua cơ sở”":       "dieu-23-chien-si-thi-dua-co-so",
		"Nghị định 152/2025/NĐ-CP":                "nghi-dinh-152-2025-nd-cp",
		"  Tóm tắt  ":                             "tom-tat",
		"Ưu tiên ở vùng khó khăn, hải đảo (ĐBKK)": "uu-tien-o-vung-kho-khan-hai-dao-dbkk",
	}
	for in, want := range cases {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRenderFeatures(t *testing.T) {
	body := "## Tóm tắt\n\ntext[^1]\n\n## Tóm tắt\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n<b>raw</b>\n\n[^1]: Điều 5 Luật Thi đua, khen thưởng.\n"
	r := render("x.md", []byte(body), 1, nil)
	html := string(r.HTML)
	for _, want := range []string{`id="tom-tat"`, `id="tom-tat-1"`, "<table>", `class="footnotes"`, "Điều 5 Luật"} {
		if !strings.Contains(html, want) {
			t.Errorf("rendered HTML lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(html, "<b>raw</b>") {
		t.Error("raw HTML was rendered")
	}
	if len(r.TOC) != 2 || r.TOC[1].ID != "tom-tat-1" || r.TOC[0].Text != "Tóm tắt" {
		t.Errorf("TOC = %+v", r.TOC)
	}
}

// The structural promises of the shipped curriculum (issue 4), checked on
// the real content.
func TestShippedContentLoads(t *testing.T) {
	cat, probs := Load(osDirFS("../../content"))
	if len(probs) != 0 {
		t.Fatalf("shipped content has problems: %v", probs)
	}
	if cat.Register == nil || cat.Register.Doc("152/2025/NĐ-CP") == nil || cat.Register.Doc("98/2023/NĐ-CP").InForce() {
		t.Fatal("the register must hold 152/2025/NĐ-CP in force and 98/2023/NĐ-CP as replaced")
	}
	main := cat.Course("nghiep-vu-thi-dua-khen-thuong")
	if main == nil || len(main.Modules) < 10 {
		t.Fatalf("main course must have at least 10 modules")
	}
	hasSection := func(m *Module, id string) bool {
		for _, e := range m.TOC {
			if e.ID == id {
				return true
			}
		}
		return false
	}
	for _, m := range main.Modules {
		switch {
		case len(m.Objectives) == 0:
			t.Errorf("%s: no objectives", m.File)
		case len(m.Docs) == 0:
			t.Errorf("%s: no legal basis (legal_documents)", m.File)
		case !hasSection(m, "tom-tat"):
			t.Errorf("%s: no summary section (## Tóm tắt)", m.File)
		case !hasSection(m, "tai-lieu-tham-khao"):
			t.Errorf("%s: no references section (## Tài liệu tham khảo)", m.File)
		case len(m.Questions) < 20:
			t.Errorf("%s: %d questions, want at least 20", m.File, len(m.Questions))
		}
		for _, d := range m.Docs {
			if d.Doc == nil || !d.Doc.InForce() {
				t.Errorf("%s rests on %s, which is not in force", m.File, d.Number)
			}
		}
	}
	for _, q := range main.Questions {
		if len(q.Parts) > 0 {
			continue // checked through its parts, which are in Questions too
		}
		if len(q.Cite) == 0 {
			t.Errorf("%s: no citation", q.ID)
		}
		for _, c := range q.Cite {
			if len(c.Articles) == 0 || !strings.Contains(strings.ToLower(strings.Join(c.Articles, " ")), "điều") {
				t.Errorf("%s: citation of %s names no article", q.ID, c.Document)
			}
		}
	}
	if n := len(main.ExamPool()); n < 150 {
		t.Errorf("the exam draws from %d questions, want at least 150", n)
	}
	if main.Exam == nil || main.Cert == nil {
		t.Error("the main course must have an exam and a certificate")
	}
}
