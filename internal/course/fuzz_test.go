package course

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// Fuzz tests of the content parsers: front matter, a whole module loaded
// into a minimal course, a question bank loaded the same way, the register
// of facts and the register of documents. Each never panics and every
// problem it reports names its file and a line that exists in that file.
//
// Seeds: the files of the shipped content tree (../../content) and the
// checked-in corpora under testdata/fuzz/<FuzzName>/.

const fuzzContent = "../../content"

// fuzzSeeds adds every file of the content tree matching pattern as a seed.
func fuzzSeeds(f *testing.F, pattern string) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join(fuzzContent, pattern))
	if err != nil {
		f.Fatal(err)
	}
	if len(files) == 0 {
		f.Fatalf("no seed file matches %s", pattern)
	}
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
}

// fuzzReadContent reads one file of the content tree for a fuzz fixture.
func fuzzReadContent(f *testing.F, name string) []byte {
	f.Helper()
	src, err := os.ReadFile(filepath.Join(fuzzContent, name))
	if err != nil {
		f.Fatal(err)
	}
	return src
}

// maxLine is the last line a problem may name in src: YAML breaks lines at
// \n, \r\n, a lone \r, NEL, LS and PS, and a problem may point just past
// the last line (the body of a file that ends with its closing ---). YAML
// that starts with a UTF-16 byte-order mark is read as UTF-16, where any
// two bytes may be a line break.
func maxLine(src []byte) int {
	if bytes.Contains(src, []byte("\xfe\xff")) || bytes.Contains(src, []byte("\xff\xfe")) {
		return len(src)/2 + 2
	}
	src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	n := 2
	for _, b := range [][]byte{[]byte("\n"), []byte("\r"), []byte("\u0085"), []byte("\u2028"), []byte("\u2029")} {
		n += bytes.Count(src, b)
	}
	return n
}

func checkProblems(t *testing.T, probs []Problem, file string, src []byte) {
	t.Helper()
	last := maxLine(src)
	for _, p := range probs {
		if file != "" && p.File != file {
			t.Errorf("problem names file %q, want %q: %s", p.File, file, p)
		}
		if p.File == "" || p.Line < 1 || p.Line > last {
			t.Errorf("problem without a file or with a line outside 1..%d: %s", last, p)
		}
		if strings.TrimSpace(p.Msg) == "" {
			t.Errorf("problem without a message: %s", p)
		}
	}
}

func FuzzParseFrontMatter(f *testing.F) {
	fuzzSeeds(f, "*/*.md")
	f.Add([]byte(""))
	f.Add([]byte("---\n---\n"))
	f.Add([]byte("\xef\xbb\xbf---\r\ntitle: \"x\"\r\norder: 1\r\n---\r\nbody\r\n"))
	f.Add([]byte("---\ntitle: x\ntitle: y\nexam:\n  questions: 10\n  questions: 20\n"))
	f.Add([]byte("---\nlegal_documents:\n  - number: \"06/2022/QH15\"\n    articles: [\"Điều 5\"]\n    extra: 1\n  - [a, b]\n---\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, allowed := range []map[string]bool{courseFields, moduleFields} {
			fm, body, bodyLine, probs := parseFrontMatter("c/01-a.md", src, allowed)
			checkProblems(t, probs, "c/01-a.md", src)
			if fm == nil {
				if len(probs) == 0 {
					t.Fatal("no front matter and no problem")
				}
				continue
			}
			if bodyLine < 2 || bodyLine > maxLine(src) {
				t.Errorf("body line %d outside 2..%d", bodyLine, maxLine(src))
			}
			if len(body) > len(src) {
				t.Errorf("body (%d bytes) longer than the file (%d)", len(body), len(src))
			}
			for key, line := range fm.lines {
				if line < 2 || line > maxLine(src) {
					t.Errorf("key %q at line %d, outside 2..%d", key, line, maxLine(src))
				}
			}
		}
	})
}

// fuzzCourse is the minimal course the fuzzed module is loaded into.
const fuzzCourse = "---\ntitle: \"Khóa thử\"\nsummary: \"Tóm tắt\"\norder: 1\n---\nGiới thiệu.\n"

const fuzzModule = "---\ntitle: \"Bài một\"\norder: 1\nestimated_minutes: 10\nobjectives:\n  - \"Hiểu\"\n" +
	"legal_documents:\n  - number: \"06/2022/QH15\"\n    articles: [\"Điều 5\"]\nlast_reviewed: 2026-11-20\n---\n## Nội dung chính\n\nNội dung.\n"

// fuzzTree is a valid content tree that a fuzz test adds one file to: the
// shipped register of documents, and a register of three facts (the
// shipped one, sixty facts whose figures are looked for in every line,
// makes each load ten times slower; FuzzLoadFacts fuzzes that register).
func fuzzTree(f *testing.F) func() fstest.MapFS {
	reg := fuzzReadContent(f, RegisterFile)
	return func() fstest.MapFS {
		return fstest.MapFS{
			RegisterFile:           {Data: reg},
			FactsFile:              {Data: []byte(testFactsSeed)},
			"khoa-thu/course.md":   {Data: []byte(fuzzCourse)},
			"khoa-thu/01-a-mot.md": {Data: []byte(fuzzModule)},
		}
	}
}

func FuzzLoadModule(f *testing.F) {
	tree := fuzzTree(f)
	if _, probs := Load(tree()); len(Blocking(probs)) != 0 {
		f.Fatalf("the fixture has problems: %v", probs)
	}
	fuzzSeeds(f, "*/[0-9]*.md")
	f.Add([]byte(fuzzModule))
	f.Add([]byte(""))
	f.Add([]byte("---\ntitle: x\n"))
	f.Add([]byte(strings.ReplaceAll(fuzzModule, "\n", "\r\n")))
	f.Add([]byte(strings.Replace(fuzzModule, "Nội dung.", "Lương {{fact:luong-co-so}} đồng, {{fact:khong-co}} và 2.340.000 đồng.", 1)))
	const file = "khoa-thu/02-bai-fuzz.md"
	f.Fuzz(func(t *testing.T, src []byte) {
		files := tree()
		files[file] = &fstest.MapFile{Data: src}
		cat, probs := Load(files)
		if cat == nil {
			t.Fatal("Load returned no catalog")
		}
		last := maxLine(src)
		for _, p := range probs {
			if p.File == "" || p.Line < 1 {
				t.Errorf("problem without a file or a line: %s", p)
			}
			if p.File == file && p.Line > last {
				t.Errorf("problem past the end of the file (%d lines): %s", last, p)
			}
		}
		if len(Blocking(probs)) > 0 {
			return
		}
		m := cat.Module("khoa-thu", "bai-fuzz")
		if m == nil || m.Title == "" || m.Course == nil || m.Course.Modules[m.Index] != m {
			t.Fatalf("no problem, but the module is not loaded right: %+v", m)
		}
	})
}

// FuzzLoadBank loads fuzzed bytes as a question bank of the minimal course:
// when nothing blocks the content, every question has an id, and no two
// questions (or two parts of a case) share one, since answers are saved by
// question id.
func FuzzLoadBank(f *testing.F) {
	tree := fuzzTree(f)
	fuzzSeeds(f, "*/questions/*.md")
	f.Add([]byte(""))
	f.Add([]byte("## a\n## a\n"))
	const file = "khoa-thu/questions/01-fuzz.md"
	f.Fuzz(func(t *testing.T, src []byte) {
		files := tree()
		files[file] = &fstest.MapFile{Data: src}
		cat, probs := Load(files)
		last := maxLine(src)
		for _, p := range probs {
			if p.File == "" || p.Line < 1 {
				t.Errorf("problem without a file or a line: %s", p)
			}
			if p.File == file && p.Line > last {
				t.Errorf("problem past the end of the file (%d lines): %s", last, p)
			}
		}
		if len(Blocking(probs)) > 0 {
			return
		}
		co := cat.Course("khoa-thu")
		n := 0
		for _, q := range co.Bank {
			n++
			if q.ID == "" {
				t.Errorf("question without an id at line %d", q.Line)
			}
			for _, p := range q.Parts {
				n++
				if p.ID == "" || strings.HasSuffix(p.ID, "/") {
					t.Errorf("part without an id in %s", q.ID)
				}
			}
		}
		if len(co.Questions) != n {
			t.Errorf("%d questions and parts, but %d distinct ids: two share an id", n, len(co.Questions))
		}
	})
}

func FuzzLoadFacts(f *testing.F) {
	reg, rp := loadRegister(fstest.MapFS{RegisterFile: {Data: fuzzReadContent(f, RegisterFile)}})
	if reg == nil || len(rp) != 0 {
		f.Fatalf("the shipped register does not load: %v", rp)
	}
	f.Add(fuzzReadContent(f, FactsFile))
	f.Add([]byte(testFactsSeed))
	f.Add([]byte(""))
	f.Add([]byte("- key: a\n  kind: money\n  times: a\n  of: a\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		facts, probs := loadFacts(fstest.MapFS{FactsFile: {Data: src}}, reg)
		checkProblems(t, probs, FactsFile, src)
		if facts == nil {
			t.Fatal("no register of facts")
		}
		if len(facts.ByKey) != len(facts.List) {
			t.Fatalf("%d keys but %d facts", len(facts.ByKey), len(facts.List))
		}
		for _, fact := range facts.List {
			if facts.ByKey[fact.Key] != fact || !factKey.MatchString(fact.Key) {
				t.Errorf("fact %q is not registered under a valid key", fact.Key)
			}
		}
	})
}

const testFactsSeed = `- key: luong-co-so
  kind: money
  value: 2340000
  cite: 152/2025/NĐ-CP Điều 49
  confidence: likely
  checked: 2026-11-30
- key: he-so.ldtt
  kind: coefficient
  value: 0.3
  cite: 152/2025/NĐ-CP Điều 50
  confidence: confirmed
  checked: 2026-11-30
- key: thuong.ldtt
  kind: money
  times: he-so.ldtt
  of: luong-co-so
  cite: 152/2025/NĐ-CP Điều 49, Điều 50
  confidence: confirmed
  checked: 2026-11-30
`

func FuzzLoadRegister(f *testing.F) {
	f.Add(fuzzReadContent(f, RegisterFile))
	f.Add([]byte(""))
	f.Add([]byte("- number: \"1\"\n  title: a\n  status: replaced\n  replaced_by: \"1\"\n  replaced_on: 2025-07-01\n- number: \"1\"\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		reg, probs := loadRegister(fstest.MapFS{RegisterFile: {Data: src}})
		checkProblems(t, probs, RegisterFile, src)
		if reg == nil {
			if len(probs) == 0 {
				t.Fatal("a register file gave no register and no problem")
			}
			return
		}
		seen := map[string]bool{}
		for _, d := range reg.Documents {
			if d.Number == "" || seen[d.Number] || reg.Doc(d.Number) != d {
				t.Errorf("document %q is empty, repeated or not found by its number", d.Number)
			}
			seen[d.Number] = true
		}
	})
}
