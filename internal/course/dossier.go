package course

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Dossier is a practice case on a real dossier: a person or a collective
// with their year's results; the trainee chooses the title or form, who
// proposes and who decides it, the report form, writes the report and
// attaches the evidence. docs/dossier-format.md describes the file.
type Dossier struct {
	ID               string
	Title            string
	Level            string // xa or tinh
	Order            int
	File             string
	Situation        template.HTML
	Results          []DossierResult
	ClaimsInnovation bool
	Steps            []DossierStep // award, proposer, decider, form
	Report           []DossierSection
	Evidence         DossierEvidence
}

// DossierResult is one of the year's results.
type DossierResult struct {
	Label    string  `yaml:"label"`
	Unit     string  `yaml:"unit"`
	Target   float64 `yaml:"target"`
	Actual   float64 `yaml:"actual"`
	Previous float64 `yaml:"previous"`
}

// DossierOption is a choice offered.
type DossierOption struct {
	ID   string `yaml:"id"`
	Text string `yaml:"text"`
}

// DossierStep is one of the four choices.
type DossierStep struct {
	Key      string
	Question string          `yaml:"question"`
	Options  []DossierOption `yaml:"options"`
	Correct  string          `yaml:"correct"`
	Explain  string          `yaml:"explain"`
	Cite     string          `yaml:"cite"`
}

// DossierSection is a section of the report the trainee writes.
type DossierSection struct {
	ID         string `yaml:"id"`
	Title      string `yaml:"title"`
	Hint       string `yaml:"hint"`
	MinWords   int    `yaml:"min_words"`
	Figures    bool   `yaml:"figures"`
	Innovation bool   `yaml:"innovation"`
	Cite       string `yaml:"cite"`
}

// DossierWrong is evidence that does not belong, and why.
type DossierWrong struct {
	ID      string `yaml:"id"`
	Explain string `yaml:"explain"`
}

// DossierEvidence is the list of documents to attach.
type DossierEvidence struct {
	Options    []DossierOption `yaml:"options"`
	Required   []string        `yaml:"required"`
	Innovation []string        `yaml:"innovation"`
	Wrong      []DossierWrong  `yaml:"wrong"`
	Explain    string          `yaml:"explain"`
	Cite       string          `yaml:"cite"`
}

// DossierSteps are the four choices, in the order a form asks them.
var DossierSteps = []string{"award", "proposer", "decider", "form"}

type rawDossier struct {
	ID               string                 `yaml:"id"`
	Title            string                 `yaml:"title"`
	Level            string                 `yaml:"level"`
	Order            int                    `yaml:"order"`
	Situation        string                 `yaml:"situation"`
	Results          []DossierResult        `yaml:"results"`
	ClaimsInnovation bool                   `yaml:"claims_innovation"`
	Steps            map[string]DossierStep `yaml:"steps"`
	Report           []DossierSection       `yaml:"report"`
	Evidence         DossierEvidence        `yaml:"evidence"`
}

var dossierID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// loadDossiers reads the cases of a course (dir/ho-so/*.yaml) and checks
// each: known fields, ids, the right answers among the options, citations
// of registered documents in force.
func loadDossiers(fsys fs.FS, dir string, reg *Register) ([]*Dossier, []Problem) {
	names, _ := fs.Glob(fsys, path.Join(dir, "ho-so", "*.yaml"))
	var out []*Dossier
	var probs []Problem
	seen := map[string]string{}
	for _, file := range names {
		src, err := fs.ReadFile(fsys, file)
		if err != nil {
			probs = append(probs, Problem{file, 1, "cannot read file: " + err.Error(), false})
			continue
		}
		var root yaml.Node
		if err := yaml.Unmarshal(src, &root); err != nil {
			probs = append(probs, Problem{file, 1, "not valid YAML: " + err.Error(), false})
			continue
		}
		var raw rawDossier
		if len(root.Content) == 0 {
			probs = append(probs, Problem{file, 1, "the file is empty", false})
			continue
		}
		dec := root.Content[0]
		if err := dec.Decode(&raw); err != nil {
			probs = append(probs, Problem{file, dec.Line, "cannot read the case: " + err.Error(), false})
			continue
		}
		add := func(keys []string, format string, args ...any) {
			probs = append(probs, Problem{file, lineOf(dec, keys...), fmt.Sprintf(format, args...), false})
		}
		for i := 0; i+1 < len(dec.Content); i += 2 {
			switch k := dec.Content[i].Value; k {
			case "id", "title", "level", "order", "situation", "results", "claims_innovation", "steps", "report", "evidence":
			default:
				probs = append(probs, Problem{file, dec.Content[i].Line, fmt.Sprintf("unknown field %q in a dossier case", k), false})
			}
		}
		d := &Dossier{ID: raw.ID, Title: raw.Title, Level: raw.Level, Order: raw.Order, File: file, Results: raw.Results,
			ClaimsInnovation: raw.ClaimsInnovation, Report: raw.Report, Evidence: raw.Evidence}
		if !dossierID.MatchString(d.ID) {
			add([]string{"id"}, "id must be lower-case ASCII words joined by hyphens, got %q", d.ID)
		} else if other, dup := seen[d.ID]; dup {
			add([]string{"id"}, "id %s is already used by %s", d.ID, other)
		}
		seen[d.ID] = file
		if strings.TrimSpace(d.Title) == "" {
			add([]string{"title"}, "title is missing")
		}
		if d.Level != "xa" && d.Level != "tinh" {
			add([]string{"level"}, "level must be xa or tinh, got %q", d.Level)
		}
		var buf bytes.Buffer
		if err := markdown.Convert([]byte(raw.Situation), &buf); err != nil || strings.TrimSpace(raw.Situation) == "" {
			add([]string{"situation"}, "situation (the case in Markdown) is missing")
		}
		d.Situation = template.HTML(buf.String()) // goldmark escapes raw HTML
		if len(d.Results) == 0 {
			add([]string{"results"}, "results (the year's figures) are missing")
		}
		cite := func(keys []string, c string) {
			if strings.TrimSpace(c) == "" {
				add(keys, "cite (the article it rests on) is missing")
				return
			}
			if reg == nil {
				return // a content tree without a register checks no citations
			}
			for _, part := range strings.Split(c, ";") {
				num, _, _ := strings.Cut(strings.TrimSpace(part), " ")
				doc := reg.Doc(num)
				switch {
				case doc == nil:
					add(keys, "cites %s, which is not in the register of documents", num)
				case !doc.InForce():
					add(keys, "cites %s, which is %s", num, doc.StatusText())
				}
			}
		}
		for _, key := range DossierSteps {
			st, ok := raw.Steps[key]
			if !ok {
				add([]string{"steps"}, "step %s is missing (a case has award, proposer, decider and form)", key)
				continue
			}
			st.Key = key
			keys := []string{"steps", key}
			if len(st.Options) < 2 {
				add(keys, "step %s needs at least two options", key)
			}
			if !hasOption(st.Options, st.Correct) {
				add(keys, "step %s: correct %q is not one of its options", key, st.Correct)
			}
			if strings.TrimSpace(st.Question) == "" || strings.TrimSpace(st.Explain) == "" {
				add(keys, "step %s needs a question and an explanation", key)
			}
			cite(keys, st.Cite)
			d.Steps = append(d.Steps, st)
		}
		for k := range raw.Steps {
			if !contains(DossierSteps, k) {
				add([]string{"steps", k}, "unknown step %q", k)
			}
		}
		secs := map[string]bool{}
		innovation := false
		for _, s := range d.Report {
			if !dossierID.MatchString(s.ID) || secs[s.ID] || strings.TrimSpace(s.Title) == "" {
				add([]string{"report"}, "report section %q needs a unique lower-case id and a title", s.ID)
			}
			secs[s.ID] = true
			innovation = innovation || s.Innovation
			cite([]string{"report"}, s.Cite)
		}
		if len(d.Report) == 0 {
			add([]string{"report"}, "report (the sections to write) is missing")
		}
		if d.ClaimsInnovation && !innovation {
			add([]string{"report"}, "claims_innovation needs a report section with innovation: true")
		}
		ev := d.Evidence
		for _, list := range [][]string{ev.Required, ev.Innovation} {
			for _, id := range list {
				if !hasOption(ev.Options, id) {
					add([]string{"evidence"}, "evidence %q is not one of the options", id)
				}
			}
		}
		for _, w := range ev.Wrong {
			if !hasOption(ev.Options, w.ID) || strings.TrimSpace(w.Explain) == "" {
				add([]string{"evidence"}, "wrong evidence %q must be one of the options, with why", w.ID)
			}
			if contains(ev.Required, w.ID) || contains(ev.Innovation, w.ID) {
				add([]string{"evidence"}, "evidence %q is both required and wrong", w.ID)
			}
		}
		if len(ev.Required) == 0 {
			add([]string{"evidence"}, "evidence needs the documents required")
		}
		cite([]string{"evidence"}, ev.Cite)
		out = append(out, d)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Order < out[j].Order })
	return out, probs
}

func hasOption(opts []DossierOption, id string) bool {
	for _, o := range opts {
		if o.ID == id {
			return true
		}
	}
	return false
}

// lineOf finds the line of a key path in a YAML mapping, or the mapping's.
func lineOf(n *yaml.Node, keys ...string) int {
	for _, k := range keys {
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				n, found = n.Content[i+1], true
				break
			}
		}
		if !found {
			return n.Line
		}
	}
	return n.Line
}

// Option returns the text of an option of a step, or "".
func (s DossierStep) Option(id string) string {
	for _, o := range s.Options {
		if o.ID == id {
			return o.Text
		}
	}
	return ""
}

// DossierAnswer is what a trainee hands in.
type DossierAnswer struct {
	Choices  map[string]string `json:"choices"`  // step → option id
	Sections map[string]string `json:"sections"` // section id → text
	Evidence []string          `json:"evidence"` // option ids attached
}

// DossierCheck is one thing the platform checked, and what it found.
type DossierCheck struct {
	OK      bool
	What    string // what was checked, in Vietnamese
	Explain string
	Cite    string
}

var numberRe = regexp.MustCompile(`\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?`)

// numbers reads the figures a text states, the Vietnamese way: 1.200 is a
// thousand two hundred, 98,5 is ninety-eight and a half.
func numbers(text string) []float64 {
	var out []float64
	for _, m := range numberRe.FindAllString(text, -1) {
		if strings.Count(m, ".") > 0 && regexp.MustCompile(`^\d{1,3}(\.\d{3})+`).MatchString(m) {
			m = strings.ReplaceAll(m, ".", "")
		}
		m = strings.ReplaceAll(m, ",", ".")
		if f, err := strconv.ParseFloat(m, 64); err == nil {
			out = append(out, f)
		}
	}
	return out
}

func states(nums []float64, v float64) bool {
	for _, n := range nums {
		if n == v {
			return true
		}
	}
	return false
}

// Check applies the rules a platform can check to a submission: the four
// choices, the sections written, the figures stated against targets or
// last year, the sáng kiến evidence when one is claimed, the evidence list.
func (d *Dossier) Check(a DossierAnswer) []DossierCheck {
	var out []DossierCheck
	for _, st := range d.Steps {
		got := a.Choices[st.Key]
		c := DossierCheck{OK: got == st.Correct, What: st.Question, Cite: st.Cite, Explain: st.Explain}
		out = append(out, c)
	}
	wrote := func(s DossierSection) bool {
		return len(strings.Fields(a.Sections[s.ID])) >= max(s.MinWords, 1)
	}
	claimed := false
	for _, s := range d.Report {
		if s.Innovation && wrote(s) {
			claimed = true
		}
	}
	for _, s := range d.Report {
		required := !s.Innovation || d.ClaimsInnovation
		if required {
			out = append(out, DossierCheck{OK: wrote(s), What: "Mục “" + s.Title + "”", Cite: s.Cite,
				Explain: fmt.Sprintf("Mục này phải có, ít nhất %d chữ. %s", max(s.MinWords, 1), s.Hint)})
		}
		if s.Figures && wrote(s) {
			nums := numbers(a.Sections[s.ID])
			var missing []string
			for _, r := range d.Results {
				if !states(nums, r.Actual) || !states(nums, r.Target) && !states(nums, r.Previous) {
					missing = append(missing, r.Label)
				}
			}
			out = append(out, DossierCheck{OK: len(missing) == 0, What: "Số liệu trong mục “" + s.Title + "”", Cite: s.Cite,
				Explain: "Báo cáo thành tích nêu kết quả bằng số liệu, so với chỉ tiêu được giao hoặc với năm trước." +
					missingList(missing)})
		}
	}
	attached := map[string]bool{}
	for _, id := range a.Evidence {
		attached[id] = true
	}
	if claimed || d.ClaimsInnovation {
		for _, id := range d.Evidence.Innovation {
			out = append(out, DossierCheck{OK: attached[id], What: "Minh chứng sáng kiến: " + optionText(d.Evidence.Options, id), Cite: "06/2022/QH15 Điều 23",
				Explain: "Khi báo cáo dùng sáng kiến để đạt tiêu chuẩn, hồ sơ phải kèm văn bản công nhận sáng kiến."})
		}
	}
	for _, id := range d.Evidence.Required {
		out = append(out, DossierCheck{OK: attached[id], What: "Kèm theo: " + optionText(d.Evidence.Options, id), Cite: d.Evidence.Cite, Explain: d.Evidence.Explain})
	}
	for _, w := range d.Evidence.Wrong {
		out = append(out, DossierCheck{OK: !attached[w.ID], What: "Không kèm: " + optionText(d.Evidence.Options, w.ID), Cite: d.Evidence.Cite, Explain: w.Explain})
	}
	return out
}

func missingList(labels []string) string {
	if len(labels) == 0 {
		return ""
	}
	return " Còn thiếu: " + strings.Join(labels, "; ") + "."
}

func optionText(opts []DossierOption, id string) string {
	for _, o := range opts {
		if o.ID == id {
			return o.Text
		}
	}
	return id
}
