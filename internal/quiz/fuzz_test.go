package quiz

import (
	"html/template"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Fuzz tests of the question-bank parser and of ParseNumber. Seeds: the
// banks of the shipped content tree (../../content/*/questions) and the
// checked-in corpora under testdata/fuzz/<FuzzName>/.

func fuzzRender(md string, block bool) template.HTML {
	return template.HTML(template.HTMLEscapeString(md))
}

// fuzzKnown reads the document numbers of the shipped register, so that
// the shipped banks parse without problems and the fuzzer starts from
// clean banks.
func fuzzKnown(f *testing.F) map[string]bool {
	src, err := os.ReadFile("../../content/van-ban.yaml")
	if err != nil {
		f.Fatal(err)
	}
	known := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^- number: "([^"]+)"`).FindAllStringSubmatch(string(src), -1) {
		known[m[1]] = true
	}
	if !known["06/2022/QH15"] {
		f.Fatal("the register has no 06/2022/QH15")
	}
	return known
}

const fuzzBank = `---
module: nhung-van-de-chung
---

## nguyen-tac-01
type: single
difficulty: easy
tags: nguyen-tac
cite: 06/2022/QH15 Điều 5

Nguyên tắc nào là nguyên tắc **thi đua**?

- [x] Tự nguyện, tự giác, công khai, minh bạch
- [ ] Chính xác, kịp thời

> Khoản 1 Điều 5 Luật Thi đua, khen thưởng.

## tinh-huong-02
type: case
difficulty: hard
tags: tinh-huong
cite: 06/2022/QH15 Điều 24

Chị Lan, công chức xã, hoàn thành tốt nhiệm vụ năm 2025.

### danh-hieu
type: single

Chị đủ tiêu chuẩn danh hiệu nào?

- [x] Lao động tiên tiến
- [ ] Chiến sĩ thi đua toàn quốc

> Khoản 1 Điều 24.

### tham-quyen
type: truefalse
answer: đúng

Chủ tịch UBND xã công nhận danh hiệu này.

> Theo phân cấp.
`

func FuzzParseBank(f *testing.F) {
	known := fuzzKnown(f)
	files, err := filepath.Glob("../../content/*/questions/*.md")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed bank in ../../content: %v", err)
	}
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte(fuzzBank))
	f.Add([]byte(""))
	f.Add([]byte("---\nmodule: a\n"))
	f.Add([]byte(strings.ReplaceAll(fuzzBank, "### tham-quyen", "### danh-hieu")))
	f.Fuzz(func(t *testing.T, src []byte) {
		b, probs := ParseBank("q.md", src, fuzzRender, known)
		if b == nil {
			t.Fatal("no bank")
		}
		// Lines as the parser counts them: \r\n is one line end.
		last := strings.Count(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n") + 1
		for _, p := range probs {
			if p.File != "q.md" || p.Line < 1 || p.Line > last || p.Msg == "" {
				t.Errorf("problem outside the file's %d lines: %s", last, p)
			}
		}
		if len(b.Questions) == 0 && len(probs) == 0 {
			t.Fatal("no question and no problem")
		}
		for _, q := range b.Questions {
			if q.Line < 1 || q.Line > last {
				t.Errorf("question %q at line %d, outside 1..%d", q.ID, q.Line, last)
			}
		}
		if len(probs) > 0 {
			return
		}
		// A clean bank: every question and part has an id, and the parts
		// of a case are told apart, since answers are saved by id. Two
		// top-level questions with one id are reported by the course
		// loader, which checks ids across all the banks of a course.
		for _, q := range b.Questions {
			if q.ID == "" || !idPattern.MatchString(q.ID) {
				t.Errorf("question at line %d has id %q", q.Line, q.ID)
			}
			seen := map[string]bool{}
			for _, p := range q.Parts {
				sub, ok := strings.CutPrefix(p.ID, q.ID+"/")
				if !ok || sub == "" {
					t.Errorf("part at line %d of %s has id %q", p.Line, q.ID, p.ID)
				}
				if seen[p.ID] {
					t.Errorf("two parts of %s have the id %q", q.ID, p.ID)
				}
				seen[p.ID] = true
			}
		}
	})
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"2.340.000", "2,340,000", "0,3", "0.3", "2.340", "702.000 đồng", "2 340 000", "2.340,5",
		"70%", "Điều 80", "khoảng 1.500 đồng", "", "hai", "1.2.3,4,5", "NaN", "Inf", "1e400", "0x1p-2", "-0", "١٢٣"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := ParseNumber(s)
		if ok && (math.IsNaN(v) || math.IsInf(v, 0)) {
			t.Fatalf("ParseNumber(%q) = %v, accepted", s, v)
		}
		// Spaces around the number mean nothing.
		if v2, ok2 := ParseNumber(" \t" + s + " "); ok2 != ok || ok && v2 != v {
			t.Fatalf("ParseNumber(%q) = %v, %v but with spaces around = %v, %v", s, v, ok, v2, ok2)
		}
	})
}
