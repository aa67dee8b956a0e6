package course

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tdkt/tdkt/content"
	"github.com/tdkt/tdkt/internal/viet"
)

const testDossier = `id: cstdcs-xa
title: "Đề nghị danh hiệu cho một công chức xã"
level: xa
order: 1
situation: |
  Chị **Lan** là công chức văn phòng xã.
results:
  - label: "Hồ sơ một cửa đúng hạn"
    unit: "%"
    target: 98
    actual: 100
    previous: 97
  - label: "Số văn bản tham mưu"
    unit: "văn bản"
    target: 1200
    actual: 1350
    previous: 1100
claims_innovation: true
steps:
  award:
    question: "Danh hiệu nào?"
    options: [{id: cstdcs, text: "Chiến sĩ thi đua cơ sở"}, {id: ldtt, text: "Lao động tiên tiến"}]
    correct: cstdcs
    explain: "Đủ Lao động tiên tiến và có sáng kiến."
    cite: "06/2022/QH15 Điều 23"
  proposer:
    question: "Ai trình?"
    options: [{id: hd-xa, text: "Hội đồng thi đua xã"}, {id: tinh, text: "Sở Nội vụ"}]
    correct: hd-xa
    explain: "Cấp xã trình."
    cite: "06/2022/QH15 Điều 23"
  decider:
    question: "Ai quyết định?"
    options: [{id: ct-xa, text: "Chủ tịch UBND xã"}, {id: ct-tinh, text: "Chủ tịch UBND tỉnh"}]
    correct: ct-xa
    explain: "Chủ tịch UBND xã."
    cite: "06/2022/QH15 Điều 23"
  form:
    question: "Mẫu báo cáo nào?"
    options: [{id: ca-nhan, text: "Báo cáo thành tích cá nhân"}, {id: tap-the, text: "Báo cáo thành tích tập thể"}]
    correct: ca-nhan
    explain: "Cá nhân."
    cite: "06/2022/QH15 Điều 23"
report:
  - id: thanh-tich
    title: "Thành tích"
    hint: "Nêu số liệu."
    min_words: 10
    figures: true
    cite: "06/2022/QH15 Điều 23"
  - id: sang-kien
    title: "Sáng kiến"
    hint: "Tên sáng kiến."
    min_words: 5
    innovation: true
    cite: "06/2022/QH15 Điều 23"
evidence:
  options: [{id: bien-ban, text: "Biên bản họp"}, {id: qd-sang-kien, text: "Quyết định công nhận sáng kiến"}, {id: giay-khen-cu, text: "Giấy khen cũ"}]
  required: [bien-ban]
  innovation: [qd-sang-kien]
  wrong: [{id: giay-khen-cu, explain: "Không cần."}]
  explain: "Hồ sơ cần biên bản."
  cite: "06/2022/QH15 Điều 23"
`

func dossierFS(yaml string) fstest.MapFS {
	files := withRegister(goodFS())
	files["khoa-thu/ho-so/01-cstdcs-xa.yaml"] = &fstest.MapFile{Data: []byte(yaml)}
	return files
}

func TestDossierCheck(t *testing.T) {
	cat, probs := Load(dossierFS(testDossier))
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	d := cat.Course("khoa-thu").Dossier("cstdcs-xa")
	if d == nil || len(d.Steps) != 4 || !strings.Contains(string(d.Situation), "<strong>Lan</strong>") {
		t.Fatalf("case = %+v", d)
	}
	good := DossierAnswer{
		Choices: map[string]string{"award": "cstdcs", "proposer": "hd-xa", "decider": "ct-xa", "form": "ca-nhan"},
		Sections: map[string]string{
			"thanh-tich": "Năm 2026 giải quyết đúng hạn 100% hồ sơ, chỉ tiêu 98%; tham mưu 1.350 văn bản, năm trước 1.100 văn bản, vượt chỉ tiêu.",
			"sang-kien":  "Sáng kiến số hóa sổ hộ tịch được Hội đồng xã công nhận.",
		},
		Evidence: []string{"bien-ban", "qd-sang-kien"},
	}
	for _, c := range d.Check(good) {
		if !c.OK {
			t.Fatalf("a right report fails %q: %s", c.What, c.Explain)
		}
	}
	bad := DossierAnswer{
		Choices:  map[string]string{"award": "ldtt", "proposer": "hd-xa", "decider": "ct-tinh", "form": "ca-nhan"},
		Sections: map[string]string{"thanh-tich": "Chị Lan hoàn thành tốt nhiệm vụ được giao trong năm, đạt 100% hồ sơ đúng hạn và nhiều văn bản."},
		Evidence: []string{"bien-ban", "giay-khen-cu"},
	}
	misses := map[string]bool{}
	for _, c := range d.Check(bad) {
		if !c.OK {
			misses[c.What] = true
			if c.Explain == "" || c.Cite == "" {
				t.Errorf("a miss without its explanation or article: %+v", c)
			}
		}
	}
	for _, want := range []string{"Danh hiệu nào?", "Ai quyết định?", "Mục “Sáng kiến”", "Số liệu trong mục “Thành tích”",
		"Minh chứng sáng kiến: Quyết định công nhận sáng kiến", "Không kèm: Giấy khen cũ"} {
		if !misses[want] {
			t.Errorf("not caught: %s (caught %v)", want, misses)
		}
	}
	if misses["Ai trình?"] || misses["Mẫu báo cáo nào?"] || misses["Kèm theo: Biên bản họp"] {
		t.Errorf("a right part counted as wrong: %v", misses)
	}
}

func TestDossierFileProblems(t *testing.T) {
	for _, tc := range []struct{ edit, want, msg string }{
		{"    correct: ct-xa\n", "    correct: ct-huyen\n", `khoa-thu/ho-so/01-cstdcs-xa.yaml:33: step decider: correct "ct-huyen" is not one of its options`},
		{"level: xa", "level: huyen", "level must be xa or tinh"},
		{`  required: [bien-ban]`, `  required: [bien-ban, to-trinh]`, `evidence "to-trinh" is not one of the options`},
		{`    cite: "06/2022/QH15 Điều 23"
  proposer:`, `    cite: "98/2023/NĐ-CP Điều 30"
  proposer:`, "cites 98/2023/NĐ-CP, which is đã được thay thế"},
	} {
		_, all := problemsOf(dossierFS(strings.Replace(testDossier, tc.edit, tc.want, 1)))
		if !strings.Contains(all, tc.msg) {
			t.Errorf("%s → %s: want %q in\n%s", tc.edit, tc.want, tc.msg, all)
		}
	}
}

func TestNumbersReadTheVietnameseWay(t *testing.T) {
	got := numbers("đạt 1.350 văn bản, 98,5% và 100 %, năm 2026")
	want := []float64{1350, 98.5, 100, 2026}
	if len(got) != len(want) {
		t.Fatalf("numbers = %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("numbers = %v, want %v", got, want)
		}
	}
}

// Every shipped case can be done right: its own right answers pass every
// check, and each wrong option of each step is caught.
func TestShippedDossiersAreConsistent(t *testing.T) {
	cat, probs := Load(content.FS)
	if len(probs) != 0 {
		t.Fatalf("content problems: %v", probs)
	}
	n := 0
	for _, co := range cat.Courses {
		for _, d := range co.Dossiers {
			n++
			a := DossierAnswer{Choices: map[string]string{}, Sections: map[string]string{}}
			for _, st := range d.Steps {
				a.Choices[st.Key] = st.Correct
			}
			for _, s := range d.Report {
				if s.Innovation && !d.ClaimsInnovation {
					continue
				}
				text := strings.Repeat("nội dung ", max(s.MinWords, 1))
				if s.Figures {
					for _, r := range d.Results {
						text += fmt.Sprintf(" %s: %v, chỉ tiêu %v, năm trước %v.", r.Label, viet.Num(r.Actual, -1, "vi"), viet.Num(r.Target, -1, "vi"), viet.Num(r.Previous, -1, "vi"))
					}
				}
				a.Sections[s.ID] = text
			}
			a.Evidence = append(append([]string{}, d.Evidence.Required...), d.Evidence.Innovation...)
			for _, c := range d.Check(a) {
				if !c.OK {
					t.Errorf("%s: its own right answer fails %q", d.File, c.What)
				}
			}
			for _, st := range d.Steps {
				for _, o := range st.Options {
					if o.ID == st.Correct {
						continue
					}
					wrong := DossierAnswer{Choices: map[string]string{}, Sections: a.Sections, Evidence: a.Evidence}
					for k, v := range a.Choices {
						wrong.Choices[k] = v
					}
					wrong.Choices[st.Key] = o.ID
					caught := false
					for _, c := range d.Check(wrong) {
						caught = caught || !c.OK
					}
					if !caught {
						t.Errorf("%s: the wrong option %s of %s is not caught", d.File, o.ID, st.Key)
					}
				}
			}
		}
	}
	if n < 3 {
		t.Fatalf("%d dossier cases shipped, want at least 3", n)
	}
}
