package course

import (
	"strings"
	"testing"
	"testing/fstest"
)

const testRegister = `- number: "06/2022/QH15"
  kind: "Luật"
  title: "Luật Thi đua, khen thưởng"
  status: in_force
  aliases: ["Luật Thi đua, khen thưởng"]
- number: "152/2025/NĐ-CP"
  kind: "Nghị định"
  title: "Nghị định 152"
  status: in_force
- number: "98/2023/NĐ-CP"
  kind: "Nghị định"
  title: "Nghị định 98"
  status: replaced
  replaced_by: "152/2025/NĐ-CP"
  replaced_on: 2025-07-01
  aliases: ["Nghị định 98/2023/NĐ-CP"]
`

func withRegister(files fstest.MapFS) fstest.MapFS {
	files[RegisterFile] = &fstest.MapFile{Data: []byte(testRegister)}
	return files
}

func problemsOf(files fstest.MapFS) ([]Problem, string) {
	_, probs := Load(files)
	var all []string
	for _, p := range probs {
		all = append(all, p.String())
	}
	return probs, strings.Join(all, "\n")
}

func TestRegisterChecks(t *testing.T) {
	q := func(cite string) string {
		return "## cau-1\ntype: truefalse\ndifficulty: easy\ntags: a\n" + cite + "answer: đúng\n\nĐúng?\n\n> Vì.\n"
	}
	cases := []struct {
		name   string
		edit   func(fstest.MapFS)
		want   string
		review bool
	}{
		{"unregistered citation in a module", func(f fstest.MapFS) {
			f["khoa-thu/01-bai-mot.md"] = &fstest.MapFile{Data: []byte(strings.Replace(module("A", 1), `"06/2022/QH15"`, `"99/2099/NĐ-CP"`, 1))}
		}, "khoa-thu/01-bai-mot.md:7: legal document 99/2099/NĐ-CP is not in the register (van-ban.yaml)", false},
		{"replaced document cited as current", func(f fstest.MapFS) {
			f["khoa-thu/01-bai-mot.md"] = &fstest.MapFile{Data: []byte(strings.Replace(module("A", 1), `"06/2022/QH15"`, `"98/2023/NĐ-CP"`, 1))}
		}, "khoa-thu/01-bai-mot.md:7: cites 98/2023/NĐ-CP as a legal basis, but it is đã được thay thế bởi 152/2025/NĐ-CP từ 01/07/2025", true},
		{"question without a citation", func(f fstest.MapFS) {
			f["khoa-thu/questions/q.md"] = &fstest.MapFile{Data: []byte(q(""))}
		}, "khoa-thu/questions/q.md:1: question cau-1 has no citation", false},
		{"question citing an unregistered document", func(f fstest.MapFS) {
			f["khoa-thu/questions/q.md"] = &fstest.MapFile{Data: []byte(q("cite: 01/2024/TT-BNV Điều 3\n"))}
		}, "khoa-thu/questions/q.md:5: citation of 01/2024/TT-BNV, which is not a registered legal document", false},
		{"question citing a replaced document", func(f fstest.MapFS) {
			f["khoa-thu/questions/q.md"] = &fstest.MapFile{Data: []byte(q("cite: 98/2023/NĐ-CP Điều 30\n"))}
		}, "khoa-thu/questions/q.md:1: question cau-1 cites 98/2023/NĐ-CP, which is đã được thay thế", true},
		{"replacement not registered", func(f fstest.MapFS) {
			f[RegisterFile] = &fstest.MapFile{Data: []byte(strings.Replace(testRegister, `replaced_by: "152/2025/NĐ-CP"`, `replaced_by: "1/2026/NĐ-CP"`, 1))}
		}, "van-ban.yaml:10: document 98/2023/NĐ-CP is replaced by 1/2026/NĐ-CP, which is not registered", false},
		{"bad status", func(f fstest.MapFS) {
			f[RegisterFile] = &fstest.MapFile{Data: []byte(strings.Replace(testRegister, "status: in_force", "status: active", 1))}
		}, `document 06/2022/QH15: status must be in_force, replaced or historical, got "active"`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			files := withRegister(goodFS())
			tc.edit(files)
			probs, all := problemsOf(files)
			found := false
			for _, p := range probs {
				if strings.Contains(p.String(), tc.want) {
					found = true
					if p.Review != tc.review {
						t.Errorf("review = %v, want %v", p.Review, tc.review)
					}
				}
			}
			if !found {
				t.Fatalf("want %q in:\n%s", tc.want, all)
			}
		})
	}
}

func TestReviewedContentIsServedButFlagged(t *testing.T) {
	files := withRegister(goodFS())
	files["khoa-thu/01-bai-mot.md"] = &fstest.MapFile{Data: []byte(strings.Replace(module("A", 1), `"06/2022/QH15"`, `"98/2023/NĐ-CP"`, 1))}
	files["khoa-thu/questions/q.md"] = &fstest.MapFile{Data: []byte("---\nmodule: bai-mot\n---\n## cu\ntype: truefalse\ndifficulty: easy\ntags: a\ncite: 98/2023/NĐ-CP Điều 30\nanswer: đúng\n\nĐúng?\n\n> Vì.\n\n## moi\ntype: truefalse\ndifficulty: easy\ntags: a\ncite: 06/2022/QH15 Điều 5\nanswer: đúng\n\nĐúng?\n\n> Vì.\n")}
	cat, probs := Load(files)
	if len(Blocking(probs)) != 0 || len(cat.Reviews) != 2 {
		t.Fatalf("blocking %v, reviews %v", Blocking(probs), cat.Reviews)
	}
	m := cat.Module("khoa-thu", "bai-mot")
	if len(m.Outdated) != 1 || m.Outdated[0].Number != "98/2023/NĐ-CP" {
		t.Fatalf("outdated = %+v", m.Outdated)
	}
	if len(m.Questions) != 1 || m.Questions[0].ID != "moi" || cat.Course("khoa-thu").Questions["cu"] == nil {
		t.Fatalf("the outdated question must leave practice and the exam pool but stay known: %+v", m.Questions)
	}
}

func TestCitationsBecomeLinks(t *testing.T) {
	reg, probs := loadRegister(fstest.MapFS{RegisterFile: {Data: []byte(testRegister)}})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	body := "Theo khoản 2 Điều 23 Luật Thi đua, khen thưởng và 152/2025/NĐ-CP, trước đây là Nghị định 98/2023/NĐ-CP.\n\n" +
		"Nghị định 98/2023/NĐ-CP đã hết hiệu lực từ 01/7/2025.\n\n`06/2022/QH15` trong mã thì không.\n"
	html := string(render("x.md", []byte(body), 1, reg).HTML)
	for _, want := range []string{
		`<a href="/documents/06-2022-qh15" title="06/2022/QH15: còn hiệu lực">khoản 2 Điều 23 Luật Thi đua, khen thưởng</a>`,
		`<a href="/documents/152-2025-nd-cp" title="152/2025/NĐ-CP: còn hiệu lực">152/2025/NĐ-CP</a>`,
		`Nghị định 98/2023/NĐ-CP</a> (đã được thay thế).`,
		`Nghị định 98/2023/NĐ-CP</a> đã hết hiệu lực`,
		`<code>06/2022/QH15</code>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("rendered text lacks %q:\n%s", want, html)
		}
	}
	if strings.Count(html, "(đã được thay thế)") != 1 {
		t.Errorf("the status marker must be added once, not where the text says so already:\n%s", html)
	}
}
