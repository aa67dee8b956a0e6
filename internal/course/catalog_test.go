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
	r := render("x.md", []byte(body), 1)
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

func TestShippedContentLoads(t *testing.T) {
	// The real content lives in the content package; load it from disk here
	// so this package does not import it.
	cat, probs := Load(osDirFS("../../content"))
	if len(probs) != 0 {
		t.Fatalf("shipped content has problems: %v", probs)
	}
	if len(cat.Courses) == 0 {
		t.Fatal("no shipped course")
	}
	for _, co := range cat.Courses {
		for _, m := range co.Modules {
			if len(m.Objectives) == 0 || len(m.TOC) == 0 || m.EstimatedMinutes == 0 || m.LastReviewed.IsZero() {
				t.Errorf("%s: incomplete module (objectives %d, toc %d)", m.File, len(m.Objectives), len(m.TOC))
			}
			if strings.Contains(string(m.HTML), "98/2023") && !strings.Contains(string(m.HTML), "thay thế") && !strings.Contains(string(m.HTML), "hết hiệu lực") {
				t.Errorf("%s mentions Nghị định 98/2023 without saying it was replaced", m.File)
			}
		}
	}
}

func TestAnchorsStayUniqueAndClean(t *testing.T) {
	body := "## Đặc khu 1\n\n## Đặc khu\n\n## Đặc khu\n\n## Điều 5 và [Điều 6](https://example.com/dieu-6)\n\n## Mục tiêu bài học\n"
	r := render("x.md", []byte(body), 1)
	var got []string
	for _, e := range r.TOC {
		got = append(got, e.ID)
	}
	want := "dac-khu-1 dac-khu dac-khu-2 dieu-5-va-dieu-6 muc-tieu-bai-hoc-1"
	if strings.Join(got, " ") != want {
		t.Errorf("anchors = %q, want %q", strings.Join(got, " "), want)
	}
}

func TestLegalEntriesAndObjectivesChecked(t *testing.T) {
	files := fstest.MapFS{
		"c/course.md": {Data: []byte(goodCourse)},
		"c/01-a.md":   {Data: []byte(strings.Replace(module("A", 1), "articles:", "article:", 1))},
		"c/02-b.md":   {Data: []byte(strings.Replace(module("B", 2), "objectives:\n  - \"Hiểu\"", "objectives: []", 1))},
		"c/_nhap.md":  {Data: []byte("draft without front matter")},
		"c/README.md": {Data: []byte("notes")},
	}
	_, probs := Load(files)
	var lines []string
	for _, p := range probs {
		lines = append(lines, p.String())
	}
	all := strings.Join(lines, "\n")
	for _, want := range []string{
		`c/01-a.md:9: unknown field "article" in a legal document entry`,
		"c/02-b.md:5: objectives must list at least one objective",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("want %q in:\n%s", want, all)
		}
	}
	if strings.Contains(all, "_nhap") || strings.Contains(all, "README") {
		t.Errorf("drafts and notes were checked as modules:\n%s", all)
	}
}

func TestBanksLoadWithTheCourse(t *testing.T) {
	files := goodFS()
	files["khoa-thu/questions/bai-mot.md"] = &fstest.MapFile{Data: []byte("---\nmodule: bai-mot\n---\n## cau-1\ntype: single\ndifficulty: easy\ntags: a\ncite: 06/2022/QH15 Điều 5\n\nCâu **một**?\n\n- [x] *Có*\n- [ ] Không\n\n> Vì thế.\n")}
	files["khoa-thu/questions/chung.md"] = &fstest.MapFile{Data: []byte("## cau-2\ntype: truefalse\ndifficulty: easy\ntags: a\ncite: 06/2022/QH15 Điều 9\nanswer: đúng\n\nĐúng?\n\n> Vì thế.\n")}
	cat, probs := Load(files)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	co := cat.Course("khoa-thu")
	m := cat.Module("khoa-thu", "bai-mot")
	if len(co.Bank) != 2 || len(m.Questions) != 1 || co.Questions["cau-2"] == nil {
		t.Fatalf("bank %d, module questions %d", len(co.Bank), len(m.Questions))
	}
	q := m.Questions[0]
	if string(q.Options[0].HTML) != "<em>Có</em>" || !strings.Contains(string(q.Stem), "<strong>một</strong>") {
		t.Errorf("rendered: %q / %q", q.Options[0].HTML, q.Stem)
	}

	files["khoa-thu/questions/loi.md"] = &fstest.MapFile{Data: []byte("---\nmodule: khong-co\n---\n## cau-1\ntype: single\ndifficulty: easy\ntags: a\ncite: 98/2023/NĐ-CP Điều 30\n\nX?\n\n- [x] A\n- [ ] B\n\n> E.\n")}
	_, probs = Load(files)
	var all []string
	for _, p := range probs {
		all = append(all, p.String())
	}
	got := strings.Join(all, "\n")
	for _, want := range []string{
		`khoa-thu/questions/loi.md:2: module "khong-co" is not a module of course khoa-thu`,
		`khoa-thu/questions/loi.md:4: question id "cau-1" is already used at khoa-thu/questions/bai-mot.md:4`,
		"khoa-thu/questions/loi.md:8: citation of 98/2023/NĐ-CP, which is not a registered legal document",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("want %q in:\n%s", want, got)
		}
	}
}
