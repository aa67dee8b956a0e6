package course

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// FactsFile is the register of facts, beside the register of documents.
const FactsFile = "facts.yaml"

// Fact is one figure the course states: a base salary, a coefficient, an
// amount, a date or a time limit, written once in facts.yaml with its legal
// ground and inserted in the text as {{fact:KEY}}, so that a new base salary
// is one edit and every amount follows it.
type Fact struct {
	Key        string
	Label      string
	Kind       string // money, coefficient, date, number, text
	Text       string // as shown in a page
	Unrounded  string // a computed amount before rounding, as shown ({{fact:KEY|raw}})
	Raw        string // the value for computing: digits of đồng, a decimal coefficient
	Cite       string
	Docs       []string // document numbers the citation names
	Confidence string   // confirmed, likely, unverified
	Checked    time.Time
	Changed    time.Time
	Stale      []string
	line       int
}

// Facts is the register of facts, by key.
type Facts struct {
	ByKey map[string]*Fact
	List  []*Fact // in file order

	typed   map[string][]string // a money figure as shown → the keys that give it
	typedRe []typedFigure
}

var (
	factKey    = regexp.MustCompile(`^[a-z0-9]+([.-][a-z0-9]+)*$`)
	factMarker = regexp.MustCompile(`\{\{fact:([^}|\s]*)(\|[a-z]+)?\}\}`)
)

// loadFacts reads facts.yaml; a missing file is an empty register. Every
// fact is checked: a known kind, a value of that kind, a citation of a
// registered document. A fact whose document is no longer in force is
// flagged for review, as content citing one is.
func loadFacts(fsys fs.FS, reg *Register) (*Facts, []Problem) {
	f := &Facts{ByKey: map[string]*Fact{}}
	src, err := fs.ReadFile(fsys, FactsFile)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	var probs []Problem
	add := func(line int, review bool, format string, args ...any) {
		probs = append(probs, Problem{FactsFile, line, fmt.Sprintf(format, args...), review})
	}
	if err != nil {
		add(1, false, "cannot read file: %v", err)
		return f, probs
	}
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		add(1, false, "not valid YAML: %v", err)
		return f, probs
	}
	if len(root.Content) == 0 {
		return f, nil
	}
	list := root.Content[0]
	if list.Kind != yaml.SequenceNode {
		add(list.Line, false, "the register of facts must be a list of facts")
		return f, probs
	}
	type pending struct {
		fact      *Fact
		times, of string
	}
	var computed []pending
	for _, item := range list.Content {
		if item.Kind != yaml.MappingNode {
			add(item.Line, false, "each fact must be a mapping with key, kind, value and cite")
			continue
		}
		fact := &Fact{line: item.Line}
		var value *yaml.Node
		var times, of string
		for i := 0; i+1 < len(item.Content); i += 2 {
			k, v := item.Content[i], item.Content[i+1]
			switch k.Value {
			case "key":
				fact.Key = v.Value
			case "label":
				fact.Label = v.Value
			case "kind":
				fact.Kind = v.Value
			case "value":
				value = v
			case "times":
				times = v.Value
			case "of":
				of = v.Value
			case "cite":
				fact.Cite = v.Value
			case "confidence":
				fact.Confidence = v.Value
			case "checked", "changed":
				d, err := time.Parse("2006-01-02", v.Value)
				if err != nil {
					add(v.Line, false, "%s must be a date like 2026-11-30, got %q", k.Value, v.Value)
				} else if k.Value == "checked" {
					fact.Checked = d
				} else {
					fact.Changed = d
				}
			case "stale":
				if err := v.Decode(&fact.Stale); err != nil {
					add(v.Line, false, "stale must be a list of earlier values")
				}
			default:
				add(k.Line, false, "unknown field %q in a fact", k.Value)
			}
		}
		switch {
		case !factKey.MatchString(fact.Key):
			add(item.Line, false, "fact key %q must be lower-case ASCII words joined by - or .", fact.Key)
			continue
		case f.ByKey[fact.Key] != nil:
			add(item.Line, false, "fact %s is defined twice (first on line %d)", fact.Key, f.ByKey[fact.Key].line)
			continue
		}
		switch fact.Confidence {
		case "confirmed", "likely", "unverified":
		default:
			add(item.Line, false, "fact %s: confidence must be confirmed, likely or unverified, got %q", fact.Key, fact.Confidence)
		}
		if fact.Checked.IsZero() {
			add(item.Line, false, "fact %s: checked (the date it was last checked against the law) is missing", fact.Key)
		}
		if fact.Cite == "" {
			add(item.Line, false, "fact %s: cite (its legal ground) is missing", fact.Key)
		}
		for _, part := range strings.Split(fact.Cite, ";") {
			num, _, _ := strings.Cut(strings.TrimSpace(part), " ")
			if num == "" {
				continue
			}
			fact.Docs = append(fact.Docs, num)
			d := reg.Doc(num)
			switch {
			case d == nil:
				add(item.Line, false, "fact %s cites %s, which is not in the register of documents", fact.Key, num)
			case !d.InForce():
				add(item.Line, true, "fact %s rests on %s, which is %s: check the figure against the law in force", fact.Key, num, d.StatusText())
			}
		}
		if times != "" || of != "" {
			if fact.Kind != "money" || value != nil {
				add(item.Line, false, "fact %s: times/of compute a money amount and replace value", fact.Key)
			}
			computed = append(computed, pending{fact, times, of})
		} else if value == nil {
			add(item.Line, false, "fact %s: value is missing", fact.Key)
		} else if msg := fact.setValue(value.Value); msg != "" {
			add(value.Line, false, "fact %s: %s", fact.Key, msg)
		}
		f.ByKey[fact.Key] = fact
		f.List = append(f.List, fact)
	}
	for _, c := range computed {
		coef, base := f.ByKey[c.times], f.ByKey[c.of]
		if coef == nil || coef.Kind != "coefficient" || coef.Raw == "" || base == nil || base.Kind != "money" || base.Raw == "" {
			add(c.fact.line, false, "fact %s: times must name a coefficient and of a money fact (defined above it)", c.fact.Key)
			continue
		}
		var paid int64
		c.fact.Text, c.fact.Unrounded, paid = amount(coef.Raw, base.Raw)
		c.fact.Raw = strconv.FormatInt(paid, 10)
		if c.fact.Changed.Before(base.Changed) {
			c.fact.Changed = base.Changed // a new base salary changes every amount
		}
	}
	return f, probs
}

// setValue reads a fact's value as its kind requires, and says what is wrong.
func (f *Fact) setValue(v string) string {
	switch f.Kind {
	case "money":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return fmt.Sprintf("a money value is a whole number of đồng, got %q", v)
		}
		f.Raw = strconv.FormatInt(n, 10)
		f.Text = groupThousands(n)
	case "coefficient":
		if _, ok := new(big.Rat).SetString(v); !ok {
			return fmt.Sprintf("a coefficient is a number like 1.5, got %q", v)
		}
		f.Raw = v
		f.Text = strings.ReplaceAll(v, ".", ",") // Vietnamese decimal comma, as the law writes it
	case "date":
		d, err := time.Parse("2006-01-02", v)
		if err != nil {
			return fmt.Sprintf("a date is written like 2025-07-01, got %q", v)
		}
		f.Raw = v
		f.Text = fmt.Sprintf("%02d/%d/%d", d.Day(), int(d.Month()), d.Year()) // 01/7/2025, as Vietnamese texts write dates
	case "number", "text":
		f.Raw, f.Text = v, v
	default:
		return fmt.Sprintf("kind must be money, coefficient, date, number or text, got %q", f.Kind)
	}
	return ""
}

// amount is coefficient × base, exactly, and rounded up to the ten
// thousand đồng (Điều 49 Nghị định 152/2025/NĐ-CP): the figure as paid and
// as computed before rounding.
func amount(coef, base string) (text, unrounded string, paid int64) {
	c, _ := new(big.Rat).SetString(coef)
	b, _ := new(big.Rat).SetString(base)
	p := new(big.Rat).Mul(c, b)
	exact := new(big.Int).Quo(p.Num(), p.Denom()) // đồng; the fraction of a đồng goes
	step := big.NewInt(10000)
	q, r := new(big.Int).QuoRem(p.Num(), new(big.Int).Mul(p.Denom(), step), new(big.Int))
	if r.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	paid = q.Mul(q, step).Int64()
	return groupThousands(paid), groupThousands(exact.Int64()), paid
}

// groupThousands writes 2340000 as 2.340.000.
func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// factFS reads course files with every {{fact:KEY}} replaced by the fact's
// figure ({{fact:KEY|raw}}: a computed amount before rounding). An unknown
// key is a problem at its file and line; the marker stays in the text.
type factFS struct {
	fs.FS
	facts *Facts
	probs *[]Problem
	used  map[string][]string // file → keys used, for the freshness check
}

func (f factFS) ReadFile(name string) ([]byte, error) {
	src, err := fs.ReadFile(f.FS, name)
	if err != nil || !strings.HasSuffix(name, ".md") {
		return src, err
	}
	f.typedFigures(name, src)
	if bytes.Contains(src, []byte("{{fact:")) {
		src = f.substitute(name, src)
	}
	// {{so:18.720.000}} is a figure written on purpose that happens to equal
	// a registered one (a total, a product): shown as written.
	return literalMarker.ReplaceAll(src, []byte("$1")), nil
}

// literalMarker marks a typed figure that is not a registered fact.
var literalMarker = regexp.MustCompile(`\{\{so:([0-9.,]+)\}\}`)

// typedFigures reports an amount typed where the register has it: the same
// figure in two modules must come from one place, or they can disagree.
// Only amounts of a thousand đồng and more are distinctive enough to tell.
func (f factFS) typedFigures(name string, src []byte) {
	if f.facts.typed == nil {
		f.facts.typed = map[string][]string{}
		for _, fact := range f.facts.List {
			if fact.Kind != "money" {
				continue
			}
			if strings.Contains(fact.Text, ".") {
				f.facts.typed[fact.Text] = append(f.facts.typed[fact.Text], fact.Key)
			}
			if fact.Unrounded != fact.Text && strings.Contains(fact.Unrounded, ".") {
				f.facts.typed[fact.Unrounded] = append(f.facts.typed[fact.Unrounded], fact.Key+"|raw")
			}
		}
		for v := range f.facts.typed {
			f.facts.typedRe = append(f.facts.typedRe, typedFigure{v, regexp.MustCompile(`(^|[^0-9.])` + regexp.QuoteMeta(v) + `($|[^0-9])`)})
		}
		sort.Slice(f.facts.typedRe, func(i, j int) bool { return f.facts.typedRe[i].value < f.facts.typedRe[j].value })
	}
	lines := bytes.Split(src, []byte("\n"))
	for i, line := range lines {
		line = literalMarker.ReplaceAll(line, nil) // {{so:…}}: a figure that only looks like a fact
		for _, t := range f.facts.typedRe {
			if t.re.Match(line) {
				keys := f.facts.typed[t.value]
				sort.Strings(keys)
				*f.probs = append(*f.probs, Problem{name, i + 1, fmt.Sprintf("the figure %s is registered in %s: write {{fact:%s}} instead of typing it%s",
					t.value, FactsFile, keys[0], alsoKeys(keys[1:])), false})
			}
		}
	}
}

type typedFigure struct {
	value string
	re    *regexp.Regexp
}

func alsoKeys(keys []string) string {
	if len(keys) == 0 {
		return ""
	}
	return " (or " + strings.Join(keys, ", ") + ", whichever it means)"
}

func (f factFS) substitute(name string, src []byte) []byte {
	var out bytes.Buffer
	last := 0
	for _, m := range factMarker.FindAllSubmatchIndex(src, -1) {
		out.Write(src[last:m[0]])
		last = m[1]
		key := string(src[m[2]:m[3]])
		mod := ""
		if m[4] >= 0 {
			mod = string(src[m[4]+1 : m[5]])
		}
		line := 1 + bytes.Count(src[:m[0]], []byte("\n"))
		fact := f.facts.ByKey[key]
		switch {
		case fact == nil:
			*f.probs = append(*f.probs, Problem{name, line, fmt.Sprintf("unknown fact key %q: every {{fact:KEY}} must name a fact in %s", key, FactsFile), false})
			out.Write(src[m[0]:m[1]])
			continue
		case mod != "" && mod != "raw":
			*f.probs = append(*f.probs, Problem{name, line, fmt.Sprintf("unknown fact option %q in {{fact:%s|%s}}: only |raw (an amount before rounding)", mod, key, mod), false})
		}
		if f.used != nil && !contains(f.used[name], key) {
			f.used[name] = append(f.used[name], key)
		}
		if mod == "raw" && fact.Unrounded != "" {
			out.WriteString(fact.Unrounded)
		} else {
			out.WriteString(fact.Text)
		}
	}
	out.Write(src[last:])
	return out.Bytes()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// StaleValues lists, by fact, the earlier values no page may show.
func (f *Facts) StaleValues() map[string][]string {
	out := map[string][]string{}
	for _, fact := range f.List {
		if len(fact.Stale) > 0 {
			out[fact.Key] = fact.Stale
		}
	}
	return out
}

// Keys returns the registered keys, sorted.
func (f *Facts) Keys() []string {
	out := make([]string, 0, len(f.ByKey))
	for k := range f.ByKey {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// freshness flags for review every module that states a fact, or cites a
// document, that changed after the module was last checked against the
// law: the reader is told, and /admin/review lists it.
func freshness(cat *Catalog, used map[string][]string) []Problem {
	var probs []Problem
	for _, co := range cat.Courses {
		for _, m := range co.Modules {
			if m.LastReviewed.IsZero() {
				continue
			}
			flag := func(msg string) {
				m.Stale = append(m.Stale, msg)
				probs = append(probs, Problem{m.File, 1, msg, true})
			}
			for _, key := range used[m.File] {
				if f := cat.Facts.ByKey[key]; f != nil && f.Changed.After(m.LastReviewed) {
					flag(fmt.Sprintf("states %s (%s), which changed on %s, after the module was last reviewed on %s",
						key, f.Label, f.Changed.Format("2006-01-02"), m.LastReviewed.Format("2006-01-02")))
				}
			}
			if cat.Register == nil {
				continue
			}
			for _, ld := range m.LegalDocuments {
				d := cat.Register.Doc(ld.Number)
				if d == nil {
					continue
				}
				for _, when := range []time.Time{d.Effective, d.ReplacedOn} {
					if when.After(m.LastReviewed) {
						flag(fmt.Sprintf("cites %s, which changed on %s, after the module was last reviewed on %s",
							d.Number, when.Format("2006-01-02"), m.LastReviewed.Format("2006-01-02")))
						break
					}
				}
			}
		}
	}
	return probs
}
