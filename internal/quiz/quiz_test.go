package quiz

import (
	"html/template"
	"strings"
	"testing"
)

func plain(md string, block bool) template.HTML { return template.HTML(template.HTMLEscapeString(md)) }

var known = map[string]bool{"06/2022/QH15": true, "152/2025/NĐ-CP": true}

const goodBank = `---
module: nhung-van-de-chung
---

## nguyen-tac-01
type: single
difficulty: easy
tags: nguyen-tac, luat-2022
cite: 06/2022/QH15 Điều 5

Nguyên tắc nào là nguyên tắc **thi đua**?

- [x] Tự nguyện, tự giác, công khai, minh bạch
- [ ] Thành tích đến đâu khen thưởng đến đó
- [ ] Chính xác, kịp thời

> Khoản 1 Điều 5 Luật Thi đua, khen thưởng.

## hinh-thuc-02
type: multiple
difficulty: medium
tags: hinh-thuc
cite: 06/2022/QH15 Điều 9

Hình thức nào là hình thức khen thưởng?

- [x] Bằng khen
- [x] Giấy khen
- [ ] Huy hiệu
- [ ] Lao động tiên tiến

> Điều 9 Luật. Huy hiệu không còn; Lao động tiên tiến là danh hiệu thi đua.

## hieu-luc-03
type: truefalse
difficulty: easy
tags: van-ban
cite: 152/2025/NĐ-CP Điều 4
answer: sai

Nghị định 98/2023/NĐ-CP vẫn còn hiệu lực.

> Đã được Nghị định 152/2025/NĐ-CP thay thế từ 01/7/2025.

## quy-trinh-04
type: ordering
difficulty: hard
tags: thu-tuc
cite: 06/2022/QH15 Điều 84

Sắp xếp các bước.

1. Lập danh sách
2. Họp hội đồng
3. Công khai
4. Trình cấp trên

> Theo trình tự.

## tham-quyen-05
type: matching
difficulty: medium
tags: tham-quyen
cite: 06/2022/QH15 Điều 80

Ghép hình thức với người quyết định.

- Giấy khen của Chủ tịch UBND cấp xã => Chủ tịch UBND cấp xã
- Bằng khen của Chủ tịch UBND tỉnh => Chủ tịch UBND tỉnh
- => Thủ tướng Chính phủ

> Điều 80.

## luong-co-so-06
type: short
difficulty: easy
tags: quy
cite: 06/2022/QH15 Điều 15
match: number

Mức lương cơ sở (đồng/tháng)?

= 2.340.000

> 2.340.000 đồng.

## ten-luat-07
type: short
difficulty: easy
tags: van-ban
cite: 06/2022/QH15 Điều 1

Luật số 06/2022/QH15 có tên là gì?

= Luật Thi đua, khen thưởng
= Luật Thi đua khen thưởng

> Tên luật.

## tinh-huong-08
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
cite: 152/2025/NĐ-CP Điều 4

Chủ tịch UBND xã công nhận danh hiệu này.

> Theo phân cấp.
`

func TestParseGoodBank(t *testing.T) {
	b, probs := ParseBank("q.md", []byte(goodBank), plain, known)
	if len(probs) > 0 {
		t.Fatalf("problems: %v", probs)
	}
	if b.Module != "nhung-van-de-chung" || len(b.Questions) != 8 {
		t.Fatalf("bank = module %q, %d questions", b.Module, len(b.Questions))
	}
	q := b.Questions[0]
	if q.Type != Single || q.Difficulty != Easy || len(q.Options) != 3 || q.Correct[0] != "a" || q.Cite[0].Document != "06/2022/QH15" || q.Cite[0].Articles[0] != "Điều 5" {
		t.Errorf("single = %+v", q)
	}
	if !strings.Contains(string(q.Stem), "thi đua") || !strings.Contains(string(q.Explain), "Khoản 1") || q.Line != 5 {
		t.Errorf("stem/explain/line = %q %q %d", q.Stem, q.Explain, q.Line)
	}
	if m := b.Questions[4]; len(m.Left) != 2 || len(m.Right) != 3 {
		t.Errorf("matching = %d left, %d right", len(m.Left), len(m.Right))
	}
	c := b.Questions[7]
	if len(c.Parts) != 2 || c.Parts[0].ID != "tinh-huong-08/danh-hieu" || c.Points != 1 {
		t.Fatalf("case = %+v", c)
	}
	if c.Parts[0].Cite[0].Articles[0] != "Điều 24" || c.Parts[1].Cite[0].Document != "152/2025/NĐ-CP" || !c.Parts[1].Answer {
		t.Errorf("case parts: %+v / %+v", c.Parts[0].Cite, c.Parts[1])
	}
}

// The problems an author must be told about, with the line to look at.
func TestParseProblems(t *testing.T) {
	q := func(meta, body string) string {
		return "## cau-1\n" + meta + "\n\nCâu hỏi?\n\n" + body + "\n\n> Giải thích.\n"
	}
	base := "type: single\ndifficulty: easy\ntags: a\ncite: 06/2022/QH15 Điều 5"
	cases := []struct {
		name, src, want string
	}{
		{"unknown type", q("type: essay\ndifficulty: easy\ntags: a\ncite: 06/2022/QH15 Điều 5", "- [x] A\n- [ ] B"), `q.md:2: unknown question type "essay"`},
		{"no correct option", q(base, "- [ ] A\n- [ ] B"), "q.md:9: choice question cau-1 has no correct option"},
		{"two correct in single", q(base, "- [x] A\n- [x] B"), "marks 2 options correct"},
		{"ordering with one item", q("type: ordering\ndifficulty: easy\ntags: a\ncite: 06/2022/QH15 Điều 5", "1. Only"), "q.md:9: ordering question cau-1 needs at least two items"},
		{"dangling citation", q("type: single\ndifficulty: easy\ntags: a\ncite: 98/2023/NĐ-CP Điều 30", "- [x] A\n- [ ] B"), "q.md:5: citation of 98/2023/NĐ-CP, which is not a registered legal document"},
		{"no citation", q("type: single\ndifficulty: easy\ntags: a", "- [x] A\n- [ ] B"), "q.md:1: question cau-1 has no citation"},
		{"citation without article", q("type: single\ndifficulty: easy\ntags: a\ncite: 06/2022/QH15", "- [x] A\n- [ ] B"), "names no article"},
		{"no explanation", "## cau-1\n" + base + "\n\nCâu?\n\n- [x] A\n- [ ] B\n", "q.md:1: question cau-1 has no explanation"},
		{"duplicate field", q(base+"\ntype: multiple", "- [x] A\n- [ ] B"), `q.md:6: field "type" is given twice`},
		{"unknown field", q(base+"\nlevel: 2", "- [x] A\n- [ ] B"), `q.md:6: unknown field "level"`},
		{"bad difficulty", q("type: single\ndifficulty: very\ntags: a\ncite: 06/2022/QH15 Điều 5", "- [x] A\n- [ ] B"), "q.md:3: difficulty must be easy, medium or hard"},
		{"truefalse without answer", q("type: truefalse\ndifficulty: easy\ntags: a\ncite: 06/2022/QH15 Điều 5", ""), "has no answer"},
		{"short without accepted", q("type: short\ndifficulty: easy\ntags: a\ncite: 06/2022/QH15 Điều 5", ""), "has no accepted answer"},
		{"number that is not", q("type: short\ndifficulty: easy\ntags: a\ncite: 06/2022/QH15 Điều 5\nmatch: number", "= hai triệu"), `accepted answer "hai triệu" is not a number`},
		{"matching with one pair", q("type: matching\ndifficulty: easy\ntags: a\ncite: 06/2022/QH15 Điều 5", "- A => B"), "needs at least two pairs"},
		{"text after answers", q(base, "- [x] A\nstray\n- [ ] B"), "q.md:10: text after the answers"},
		{"bad id", "## Câu 1\n" + base + "\n\nX?\n\n- [x] A\n- [ ] B\n\n> E.\n", `question id "Câu 1" must be`},
		{"case without parts", "## tinh-huong\ntype: case\ndifficulty: hard\ntags: a\ncite: 06/2022/QH15 Điều 5\n\nTình huống.\n", "case tinh-huong has no sub-questions"},
		{"no type", q("difficulty: easy\ntags: a\ncite: 06/2022/QH15 Điều 5", "- [x] A\n- [ ] B"), "question cau-1 has no type"},
		{"text before questions", "Lời dẫn\n" + q(base, "- [x] A\n- [ ] B"), "q.md:1: text before the first question"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, probs := ParseBank("q.md", []byte(tc.src), plain, known)
			var all []string
			for _, p := range probs {
				all = append(all, p.String())
			}
			if !strings.Contains(strings.Join(all, "\n"), tc.want) {
				t.Fatalf("want %q in:\n%s", tc.want, strings.Join(all, "\n"))
			}
		})
	}
}

func bank(t *testing.T) map[string]*Question {
	b, probs := ParseBank("q.md", []byte(goodBank), plain, known)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	m := map[string]*Question{}
	for _, q := range b.Questions {
		m[q.ID] = q
		for _, p := range q.Parts {
			m[p.ID] = p
		}
	}
	return m
}

func ptr(b bool) *bool { return &b }

func TestGradeEveryType(t *testing.T) {
	qs := bank(t)
	cases := []struct {
		q    string
		a    Answer
		want float64
	}{
		{"nguyen-tac-01", Answer{Choice: "a"}, 1},
		{"nguyen-tac-01", Answer{Choice: "b"}, 0},
		// multiple: (right − wrong) ÷ correct, floored at 0
		{"hinh-thuc-02", Answer{Choices: []string{"a", "b"}}, 1},
		{"hinh-thuc-02", Answer{Choices: []string{"a"}}, 0.5},
		{"hinh-thuc-02", Answer{Choices: []string{"a", "b", "c"}}, 0.5},
		{"hinh-thuc-02", Answer{Choices: []string{"a", "c"}}, 0},
		{"hinh-thuc-02", Answer{Choices: []string{"c", "d"}}, 0},
		{"hinh-thuc-02", Answer{}, 0},
		{"hieu-luc-03", Answer{Value: ptr(false)}, 1},
		{"hieu-luc-03", Answer{Value: ptr(true)}, 0},
		// ordering: adjacent pairs in order ÷ (n − 1)
		{"quy-trinh-04", Answer{Order: []string{"a", "b", "c", "d"}}, 1},
		{"quy-trinh-04", Answer{Order: []string{"b", "c", "d", "a"}}, 2.0 / 3},
		{"quy-trinh-04", Answer{Order: []string{"d", "c", "b", "a"}}, 0},
		{"quy-trinh-04", Answer{Order: []string{"a", "b", "d", "c"}}, 1.0 / 3},
		{"tham-quyen-05", Answer{Pairs: map[string]string{"a": "a", "b": "b"}}, 1},
		{"tham-quyen-05", Answer{Pairs: map[string]string{"a": "a", "b": "c"}}, 0.5},
		{"tham-quyen-05", Answer{Pairs: map[string]string{}}, 0},
		{"luong-co-so-06", Answer{Text: "2340000"}, 1},
		{"luong-co-so-06", Answer{Text: "2.340.000 đồng"}, 1},
		{"luong-co-so-06", Answer{Text: "2,340,000"}, 1},
		{"luong-co-so-06", Answer{Text: "1.800.000"}, 0},
		{"ten-luat-07", Answer{Text: "luat thi dua, khen thuong"}, 1},
		{"ten-luat-07", Answer{Text: "  LUẬT THI ĐUA KHEN THƯỞNG. "}, 1},
		{"ten-luat-07", Answer{Text: "Luật Khen thưởng"}, 0},
		{"ten-luat-07", Answer{Text: "luat thi dua - khen thuong!"}, 1},
		{"tinh-huong-08/danh-hieu", Answer{Choice: "a"}, 1},
		{"tinh-huong-08/tham-quyen", Answer{Value: ptr(true)}, 1},
	}
	for _, tc := range cases {
		q := qs[tc.q]
		if err := Check(q, tc.a); err != nil && !(q.Type == Multiple && len(tc.a.Choices) == 0) && !(q.Type == Matching) {
			t.Errorf("%s %+v: check: %v", tc.q, tc.a, err)
		}
		if got := Grade(q, tc.a); got < tc.want-1e-9 || got > tc.want+1e-9 {
			t.Errorf("%s %+v = %v, want %v", tc.q, tc.a, got, tc.want)
		}
	}
}

func TestAllOrNothingRules(t *testing.T) {
	qs := bank(t)
	m := *qs["hinh-thuc-02"]
	m.Partial = false
	if Grade(&m, Answer{Choices: []string{"a"}}) != 0 || Grade(&m, Answer{Choices: []string{"a", "b"}}) != 1 {
		t.Error("multiple without partial credit")
	}
	o := *qs["quy-trinh-04"]
	o.Partial = false
	if Grade(&o, Answer{Order: []string{"b", "c", "d", "a"}}) != 0 {
		t.Error("ordering without partial credit")
	}
	e := *qs["ten-luat-07"]
	e.Match = "exact"
	if Grade(&e, Answer{Text: "luat thi dua, khen thuong"}) != 0 || Grade(&e, Answer{Text: "Luật Thi đua, khen thưởng."}) != 1 {
		t.Error("exact match")
	}
}

func TestCheckRefusesAnswersThatDoNotFit(t *testing.T) {
	qs := bank(t)
	cases := []struct {
		q string
		a Answer
	}{
		{"nguyen-tac-01", Answer{Choice: "z"}},
		{"nguyen-tac-01", Answer{}},
		{"hinh-thuc-02", Answer{Choices: []string{"a", "a"}}},
		{"hinh-thuc-02", Answer{Choices: []string{"q"}}},
		{"hieu-luc-03", Answer{}},
		{"quy-trinh-04", Answer{Order: []string{"a", "b", "c"}}},
		{"quy-trinh-04", Answer{Order: []string{"a", "a", "b", "c"}}},
		{"tham-quyen-05", Answer{Pairs: map[string]string{"a": "a", "b": "a"}}},
		{"tham-quyen-05", Answer{Pairs: map[string]string{"x": "a"}}},
		{"tham-quyen-05", Answer{Pairs: map[string]string{"a": "x"}}},
		{"ten-luat-07", Answer{Text: strings.Repeat("a", MaxTextAnswer+1)}},
		{"ten-luat-07", Answer{Text: "\xff"}},
		{"tinh-huong-08", Answer{Choice: "a"}},
	}
	for _, tc := range cases {
		if err := Check(qs[tc.q], tc.a); err == nil {
			t.Errorf("%s %+v accepted", tc.q, tc.a)
		}
	}
}

func TestPresentIsReproducibleAndShuffles(t *testing.T) {
	qs := bank(t)
	ord := qs["quy-trinh-04"]
	ids := func(os []Option) string {
		var s []string
		for _, o := range os {
			s = append(s, o.ID)
		}
		return strings.Join(s, "")
	}
	differs := false
	for seed := uint64(1); seed < 200; seed++ {
		v1, v2 := Present(ord, seed), Present(ord, seed)
		if ids(v1.Options) != ids(v2.Options) {
			t.Fatal("same seed, different order")
		}
		if ids(v1.Options) == "abcd" {
			t.Fatalf("seed %d shows the ordering already solved", seed)
		}
		if ids(Present(qs["nguyen-tac-01"], seed).Options) != "abc" {
			differs = true
		}
	}
	if !differs {
		t.Error("choices never shuffled")
	}
	noShuffle := *qs["nguyen-tac-01"]
	noShuffle.Shuffle = false
	if ids(Present(&noShuffle, 7).Options) != "abc" {
		t.Error("shuffle: no was ignored")
	}
	pool := []*Question{qs["nguyen-tac-01"], qs["hinh-thuc-02"], qs["hieu-luc-03"], qs["quy-trinh-04"]}
	if a, b := Draw(pool, 3, 42), Draw(pool, 3, 42); len(a) != 3 || a[0] != b[0] || a[2] != b[2] {
		t.Error("draw not reproducible")
	}
}

func TestParseNumber(t *testing.T) {
	for in, want := range map[string]float64{"2.340.000": 2340000, "2,340,000": 2340000, "0,3": 0.3, "0.3": 0.3,
		"2.340": 2340, "1.5": 1.5, "702.000 đồng": 702000, "2 340 000": 2340000, "2.340,5": 2340.5, "10": 10, "70%": 70, "Điều 80": 80, "khoảng 1.500 đồng": 1500} {
		if got, ok := ParseNumber(in); !ok || got != want {
			t.Errorf("ParseNumber(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "hai", "1.2.3,4,5", "NaN"} {
		if _, ok := ParseNumber(bad); ok {
			t.Errorf("ParseNumber(%q) accepted", bad)
		}
	}
}
