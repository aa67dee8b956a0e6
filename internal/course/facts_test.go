package course

import (
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tdkt/tdkt/content"
)

const testFacts = `- key: luong-co-so
  label: Mức lương cơ sở
  kind: money
  value: 2340000
  cite: 152/2025/NĐ-CP Điều 49
  confidence: likely
  checked: 2026-11-30
  changed: 2024-07-01
  stale: ["1.800.000"]
- key: he-so.ldtt
  label: Hệ số Lao động tiên tiến
  kind: coefficient
  value: 0.3
  cite: 152/2025/NĐ-CP Điều 50
  confidence: confirmed
  checked: 2026-11-30
- key: he-so.cstdcs
  label: Hệ số Chiến sĩ thi đua cơ sở
  kind: coefficient
  value: 1.0
  cite: 152/2025/NĐ-CP Điều 50
  confidence: confirmed
  checked: 2026-11-30
- key: thuong.ldtt
  label: Tiền thưởng Lao động tiên tiến
  kind: money
  times: he-so.ldtt
  of: luong-co-so
  cite: 152/2025/NĐ-CP Điều 49, Điều 50
  confidence: confirmed
  checked: 2026-11-30
- key: ngay-hieu-luc
  label: Ngày hiệu lực
  kind: date
  value: 2025-07-01
  cite: 152/2025/NĐ-CP Điều 59
  confidence: likely
  checked: 2026-11-30
`

func factsFS(body string) fstest.MapFS {
	files := withRegister(goodFS())
	files[FactsFile] = &fstest.MapFile{Data: []byte(testFacts)}
	files["khoa-thu/01-bai-mot.md"] = &fstest.MapFile{Data: []byte(strings.Replace(module("A", 1), "Nội dung.\n", body, 1))}
	return files
}

// A figure is written once: the text shows the fact, an amount is the
// coefficient times the base, rounded up to the ten thousand đồng.
func TestFactsFillTheText(t *testing.T) {
	cat, probs := Load(factsFS("Lương cơ sở {{fact:luong-co-so}} đồng; hệ số {{fact:he-so.cstdcs}} và {{fact:he-so.ldtt}};\n" +
		"thưởng {{fact:thuong.ldtt}} đồng (chưa làm tròn {{fact:thuong.ldtt|raw}}), từ {{fact:ngay-hieu-luc}}.\n"))
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	html := string(cat.Module("khoa-thu", "bai-mot").HTML)
	want := "Lương cơ sở 2.340.000 đồng; hệ số 1,0 và 0,3;\nthưởng 710.000 đồng (chưa làm tròn 702.000), từ 01/7/2025."
	if !strings.Contains(html, want) {
		t.Fatalf("rendered %q, want %q", html, want)
	}
	if f := cat.Facts.ByKey["thuong.ldtt"]; f.Text != "710.000" || f.Unrounded != "702.000" || !f.Changed.Equal(cat.Facts.ByKey["luong-co-so"].Changed) {
		t.Fatalf("computed fact = %+v", f)
	}
}

// content check refuses an unknown key at its file and line, and flags a
// fact resting on a replaced document.
func TestFactProblems(t *testing.T) {
	_, all := problemsOf(factsFS("Dòng một.\n\nThưởng {{fact:thuong.khong-co}} đồng.\n"))
	if !strings.Contains(all, `khoa-thu/01-bai-mot.md:16: unknown fact key "thuong.khong-co"`) {
		t.Fatalf("unknown key: %s", all)
	}
	files := factsFS("Nội dung.\n")
	files[FactsFile] = &fstest.MapFile{Data: []byte(strings.Replace(testFacts, "cite: 152/2025/NĐ-CP Điều 59", "cite: 98/2023/NĐ-CP Điều 30", 1))}
	probs, all := problemsOf(files)
	found := false
	for _, p := range probs {
		if p.File == FactsFile && p.Line == 32 && p.Review && strings.Contains(p.Msg, "fact ngay-hieu-luc rests on 98/2023/NĐ-CP") {
			found = true
		}
	}
	if !found {
		t.Fatalf("a fact on a replaced document: %s", all)
	}
	for _, tc := range []struct{ edit, want string }{
		{"value: 0.3", "value: ba"},
		{"kind: date", "kind: ngay"},
		{"times: he-so.ldtt", "times: he-so.khong-co"},
		{"confidence: confirmed", "confidence: chac"},
	} {
		files := factsFS("Nội dung.\n")
		files[FactsFile] = &fstest.MapFile{Data: []byte(strings.Replace(testFacts, tc.edit, tc.want, 1))}
		if _, all := problemsOf(files); !strings.Contains(all, "facts.yaml:") {
			t.Errorf("%s → %s: no problem reported: %s", tc.edit, tc.want, all)
		}
	}
}

// A module stating a fact that changed after the module was last checked is
// flagged for review, and says so to the reader.
func TestFreshness(t *testing.T) {
	files := factsFS("Lương cơ sở {{fact:luong-co-so}} đồng.\n")
	files[FactsFile] = &fstest.MapFile{Data: []byte(strings.Replace(testFacts, "changed: 2024-07-01", "changed: 2026-12-01", 1))}
	cat, probs := Load(files)
	m := cat.Module("khoa-thu", "bai-mot")
	if len(m.Stale) != 1 || !strings.Contains(m.Stale[0], "luong-co-so") || len(cat.Reviews) == 0 {
		t.Fatalf("stale = %v, reviews = %v, problems = %v", m.Stale, cat.Reviews, probs)
	}
	if len(Blocking(probs)) != 0 {
		t.Fatalf("a review flag must not stop the server: %v", Blocking(probs))
	}
}

// The shipped course renders no figure the register calls stale, no
// unfilled fact marker, and no doubled "replaced" marker.
func TestShippedModulesUseCurrentFigures(t *testing.T) {
	cat, probs := Load(content.FS)
	if len(probs) != 0 {
		t.Fatalf("content problems: %v", probs)
	}
	stale := cat.Facts.StaleValues()
	doubled := regexp.MustCompile(`(thay thế|thay cho)[^.;]{0,24}<a [^>]*>[^<]*</a> \((đã được thay thế|hết hiệu lực)\)`)
	tags := regexp.MustCompile(`<[^>]+>`)
	type page struct {
		file string
		html string
	}
	var pages []page
	for _, co := range cat.Courses {
		for _, m := range co.Modules {
			pages = append(pages, page{m.File, string(m.HTML)})
		}
		for _, d := range co.Decks { // slides shown in live sessions
			for _, s := range d.Slides {
				pages = append(pages, page{d.File, string(s)})
			}
		}
	}
	for _, p := range pages {
		text := tags.ReplaceAllString(p.html, "")
		if strings.Contains(text, "{{fact:") {
			t.Errorf("%s: an unfilled fact marker", p.file)
		}
		for key, values := range stale {
			for _, v := range values {
				if regexp.MustCompile(`(^|[^0-9.])` + regexp.QuoteMeta(v) + `($|[^0-9])`).MatchString(text) {
					t.Errorf("%s shows %s, a stale value of %s", p.file, v, key)
				}
			}
		}
		if loc := doubled.FindStringIndex(p.html); loc != nil {
			t.Errorf("%s: a doubled marker: %q", p.file, p.html[loc[0]:loc[1]])
		}
	}
	if len(pages) == 0 {
		t.Fatal("no page rendered")
	}
}
