package course

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// RegisterFile is the register of legal documents at the top of the content tree.
const RegisterFile = "van-ban.yaml"

// Document statuses.
const (
	InForce    = "in_force"
	Replaced   = "replaced"
	Historical = "historical"
)

// Document is one entry of the register of legal documents.
type Document struct {
	Number     string
	Kind       string
	Title      string
	Issuer     string
	Issued     time.Time
	Effective  time.Time
	Status     string
	ReplacedBy string
	ReplacedOn time.Time
	Note       string
	Aliases    []string
	Slug       string // URL of its references page: /documents/<slug>
	line       int
}

// InForce reports whether the document may be cited as a legal basis.
func (d *Document) InForce() bool { return d.Status == InForce }

// Register is the set of legal documents the content may cite.
type Register struct {
	Documents []*Document
	byNumber  map[string]*Document
}

// Doc returns the document with a number, or nil.
func (r *Register) Doc(number string) *Document {
	if r == nil {
		return nil
	}
	return r.byNumber[number]
}

// loadRegister reads the register; a content tree without one has none (nil).
func loadRegister(fsys fs.FS) (*Register, []Problem) {
	src, err := fs.ReadFile(fsys, RegisterFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, []Problem{{RegisterFile, 1, "cannot read file: " + err.Error(), false}}
	}
	var probs []Problem
	add := func(line int, format string, args ...any) {
		probs = append(probs, Problem{RegisterFile, line, fmt.Sprintf(format, args...), false})
	}
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		line := 1
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			fmt.Sscan(m[1], &line)
		}
		add(line, "register is not valid YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
		return nil, probs
	}
	reg := &Register{byNumber: map[string]*Document{}}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.SequenceNode {
		add(1, "register must be a list of documents (lines starting with \"- number:\")")
		return reg, probs
	}
	for _, item := range root.Content[0].Content {
		var raw struct {
			Number     string   `yaml:"number"`
			Kind       string   `yaml:"kind"`
			Title      string   `yaml:"title"`
			Issuer     string   `yaml:"issuer"`
			Issued     string   `yaml:"issued"`
			Effective  string   `yaml:"effective"`
			Status     string   `yaml:"status"`
			ReplacedBy string   `yaml:"replaced_by"`
			ReplacedOn string   `yaml:"replaced_on"`
			Note       string   `yaml:"note"`
			Aliases    []string `yaml:"aliases"`
		}
		if err := item.Decode(&raw); err != nil {
			add(item.Line, "document entry: %s", strings.TrimPrefix(err.Error(), "yaml: "))
			continue
		}
		for i := 0; i+1 < len(item.Content); i += 2 {
			switch k := item.Content[i]; k.Value {
			case "number", "kind", "title", "issuer", "issued", "effective", "status", "replaced_by", "replaced_on", "note", "aliases":
			default:
				add(k.Line, "unknown field %q in a document entry", k.Value)
			}
		}
		d := &Document{Number: strings.TrimSpace(raw.Number), Kind: raw.Kind, Title: strings.TrimSpace(raw.Title), Issuer: raw.Issuer,
			Status: raw.Status, ReplacedBy: raw.ReplacedBy, Note: raw.Note, Aliases: raw.Aliases, line: item.Line}
		d.Slug = Slug(d.Number)
		for _, f := range []struct {
			name, v string
			dst     *time.Time
		}{{"issued", raw.Issued, &d.Issued}, {"effective", raw.Effective, &d.Effective}, {"replaced_on", raw.ReplacedOn, &d.ReplacedOn}} {
			if f.v == "" {
				continue
			}
			t, err := time.Parse("2006-01-02", f.v)
			if err != nil {
				add(item.Line, "%s of %s must be a date like 2025-07-01, got %q", f.name, d.Number, f.v)
			}
			*f.dst = t
		}
		switch {
		case d.Number == "":
			add(item.Line, "document entry has no number")
			continue
		case d.Title == "":
			add(item.Line, "document %s has no title", d.Number)
		}
		switch d.Status {
		case InForce, Historical:
		case Replaced:
			if d.ReplacedBy == "" || d.ReplacedOn.IsZero() {
				add(item.Line, "replaced document %s needs replaced_by and replaced_on", d.Number)
			}
		default:
			add(item.Line, "document %s: status must be in_force, replaced or historical, got %q", d.Number, d.Status)
		}
		if reg.byNumber[d.Number] != nil {
			add(item.Line, "document %s is registered twice", d.Number)
			continue
		}
		reg.byNumber[d.Number] = d
		reg.Documents = append(reg.Documents, d)
	}
	for _, d := range reg.Documents {
		if d.ReplacedBy != "" && reg.byNumber[d.ReplacedBy] == nil {
			add(d.line, "document %s is replaced by %s, which is not registered", d.Number, d.ReplacedBy)
		}
	}
	sort.SliceStable(reg.Documents, func(i, j int) bool {
		if a, b := reg.Documents[i].InForce(), reg.Documents[j].InForce(); a != b {
			return a
		}
		return false
	})
	return reg, probs
}

// StatusText says in Vietnamese where a document stands, for pages and notices.
func (d *Document) StatusText() string {
	switch d.Status {
	case InForce:
		return "còn hiệu lực"
	case Replaced:
		return fmt.Sprintf("đã được thay thế bởi %s từ %s", d.ReplacedBy, d.ReplacedOn.Format("02/01/2006"))
	default:
		return "văn bản lịch sử, không dùng làm căn cứ"
	}
}

// ShortStatus is the status in a few words, for titles and markers.
func (d *Document) ShortStatus() string {
	switch d.Status {
	case InForce:
		return "còn hiệu lực"
	case Replaced:
		return "đã được thay thế"
	default:
		return "văn bản lịch sử"
	}
}
