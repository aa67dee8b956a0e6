package course

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Problem is one thing wrong in the content tree, printed as file:line: message.
type Problem struct {
	File string
	Line int
	Msg  string
	// Review marks content that rests on a document no longer in force: an
	// author must fix it (content check fails), but a running server keeps
	// serving it with a notice and lists it for review.
	Review bool
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg) }

// LegalRef is a legal document a module rests on, with the articles it cites.
type LegalRef struct {
	Number   string
	Articles []string
}

// frontMatter holds the fields of a course or module file, with the line of
// each key so problems can point at it.
type frontMatter struct {
	Title            string
	Summary          string
	Order            int
	EstimatedMinutes int
	Objectives       []string
	LegalDocuments   []LegalRef
	LastReviewed     time.Time
	Exam             *ExamConfig
	Cert             *CertRules
	Audience         string
	lines            map[string]int
	start            int // line of the opening ---
}

func (fm *frontMatter) line(key string) int {
	if l, ok := fm.lines[key]; ok {
		return l
	}
	return fm.start
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// splitFrontMatter separates the YAML between the two --- lines from the
// Markdown body; bodyLine is the file line where the body starts.
func splitFrontMatter(src []byte) (fm []byte, body []byte, bodyLine int, err error) {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	first, rest, _ := bytes.Cut(src, []byte("\n"))
	if strings.TrimRight(string(first), " \t") != "---" {
		return nil, nil, 0, fmt.Errorf("missing front matter: the file must start with a line \"---\"")
	}
	start := len(first) + 1
	line := 2
	for {
		i := bytes.IndexByte(rest, '\n')
		var l []byte
		if i < 0 {
			l = rest
		} else {
			l = rest[:i]
		}
		if strings.TrimRight(string(l), " \t") == "---" {
			fm = src[start : len(src)-len(rest)]
			if i < 0 {
				return fm, nil, line + 1, nil
			}
			return fm, rest[i+1:], line + 1, nil
		}
		if i < 0 {
			return nil, nil, 0, fmt.Errorf("front matter is not closed: add a line \"---\" after it")
		}
		rest = rest[i+1:]
		line++
	}
}

// parseFrontMatter decodes the YAML of file, reporting every problem with its
// line; allowed lists the keys this kind of file may use.
func parseFrontMatter(file string, src []byte, allowed map[string]bool) (*frontMatter, []byte, int, []Problem) {
	raw, body, bodyLine, err := splitFrontMatter(src)
	if err != nil {
		return nil, nil, 0, []Problem{{file, 1, err.Error(), false}}
	}
	fm := &frontMatter{lines: map[string]int{}, start: 1}
	var probs []Problem
	add := func(line int, format string, args ...any) {
		probs = append(probs, Problem{file, line, fmt.Sprintf(format, args...), false})
	}
	var root yaml.Node
	if err := yaml.Unmarshal(raw, &root); err != nil {
		line := 1
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			n, _ := strconv.Atoi(m[1])
			line = n + 1 // the YAML starts on line 2
		}
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		msg = yamlLine.ReplaceAllString(msg, "")
		add(line, "front matter is not valid YAML: %s", strings.Trim(strings.TrimSpace(msg), ": "))
		return nil, nil, 0, probs
	}
	if len(root.Content) == 0 {
		add(1, "front matter is empty")
		return fm, body, bodyLine, probs
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		add(m.Line+1, "front matter must be a list of key: value lines")
		return nil, nil, 0, probs
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		line := k.Line + 1
		if _, dup := fm.lines[k.Value]; dup {
			add(line, "field %q is given twice", k.Value)
			continue
		}
		fm.lines[k.Value] = line
		if !allowed[k.Value] {
			add(line, "unknown field %q (allowed: %s)", k.Value, keys(allowed))
			continue
		}
		switch k.Value {
		case "title", "summary":
			var s string
			if v.Kind != yaml.ScalarNode || v.Decode(&s) != nil {
				add(line, "%s must be text", k.Value)
				continue
			}
			s = strings.TrimSpace(s)
			if k.Value == "title" {
				fm.Title = s
			} else {
				fm.Summary = s
			}
		case "order", "estimated_minutes":
			var n int
			if v.Kind != yaml.ScalarNode || v.Decode(&n) != nil || n <= 0 {
				add(line, "%s must be a positive whole number, got %q", k.Value, v.Value)
				continue
			}
			if k.Value == "order" {
				fm.Order = n
			} else {
				fm.EstimatedMinutes = n
			}
		case "objectives":
			if v.Kind != yaml.SequenceNode {
				add(line, "objectives must be a list (lines starting with \"- \")")
				continue
			}
			if len(v.Content) == 0 {
				add(line, "objectives must list at least one objective")
			}
			for _, item := range v.Content {
				var s string
				if item.Kind != yaml.ScalarNode || item.Decode(&s) != nil || strings.TrimSpace(s) == "" {
					add(item.Line+1, "each objective must be a non-empty line of text")
					continue
				}
				fm.Objectives = append(fm.Objectives, strings.TrimSpace(s))
			}
		case "legal_documents":
			if v.Kind != yaml.SequenceNode {
				add(line, "legal_documents must be a list of entries with number and articles")
				continue
			}
			for _, item := range v.Content {
				var ref struct {
					Number   string   `yaml:"number"`
					Articles []string `yaml:"articles"`
				}
				if item.Kind != yaml.MappingNode || item.Decode(&ref) != nil {
					add(item.Line+1, "each legal document needs \"number\" (text) and \"articles\" (a list)")
					continue
				}
				bad := false
				for j := 0; j+1 < len(item.Content); j += 2 {
					if f := item.Content[j]; f.Value != "number" && f.Value != "articles" {
						add(f.Line+1, "unknown field %q in a legal document entry (allowed: number, articles)", f.Value)
						bad = true
					}
				}
				if bad {
					continue
				}
				if strings.TrimSpace(ref.Number) == "" {
					add(item.Line+1, "legal document entry has no number")
					continue
				}
				fm.LegalDocuments = append(fm.LegalDocuments, LegalRef{Number: strings.TrimSpace(ref.Number), Articles: ref.Articles})
			}
		case "last_reviewed":
			t, err := time.Parse("2006-01-02", strings.TrimSpace(v.Value))
			if v.Kind != yaml.ScalarNode || err != nil {
				add(line, "last_reviewed must be a date like 2026-11-20, got %q", v.Value)
				continue
			}
			fm.LastReviewed = t
		case "audience":
			if v.Value != "all" && v.Value != "trainers" {
				add(line, "audience must be all or trainers, got %q", v.Value)
				continue
			}
			fm.Audience = v.Value
		case "exam":
			fm.Exam = decodeExam(line, v, add)
		case "certificate":
			fm.Cert = decodeCert(line, v, add)
		}
	}
	return fm, body, bodyLine, probs
}

func keys(m map[string]bool) string {
	var out []string
	for _, k := range fieldOrder {
		if m[k] {
			out = append(out, k)
		}
	}
	return strings.Join(out, ", ")
}

var fieldOrder = []string{"title", "summary", "order", "audience", "estimated_minutes", "objectives", "legal_documents", "last_reviewed", "exam", "certificate"}
