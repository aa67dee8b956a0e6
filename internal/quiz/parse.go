package quiz

import (
	"bytes"
	"fmt"
	"html/template"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Problem is one thing wrong in a bank, printed as file:line: message.
type Problem struct {
	File string
	Line int
	Msg  string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg) }

// Renderer turns Markdown into HTML; block is false for one-line option text.
type Renderer func(md string, block bool) template.HTML

var (
	idPattern   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	metaLine    = regexp.MustCompile(`^([a-z_]+):\s*(.*)$`)
	choiceLine  = regexp.MustCompile(`^[-*] \[([ xX])\] (.+)$`)
	orderLine   = regexp.MustCompile(`^\d+[.)] (.+)$`)
	pairLine    = regexp.MustCompile(`^[-*] (.*?)\s*=>\s*(.+)$`)
	acceptLine  = regexp.MustCompile(`^= ?(.+)$`)
	explainLine = regexp.MustCompile(`^> ?(.*)$`)
	letters     = "abcdefghijklmnopqrstuvwxyz"
)

var metaKeys = map[string]bool{"type": true, "difficulty": true, "tags": true, "cite": true, "points": true,
	"shuffle": true, "partial": true, "match": true, "answer": true}

type line struct {
	n    int
	text string
}

// ParseBank reads one bank file. known lists the legal documents that may be
// cited; a citation of any other is reported as dangling.
func ParseBank(file string, src []byte, render Renderer, known map[string]bool) (*Bank, []Problem) {
	p := &parser{file: file, render: render, known: known}
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	lines := strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n")
	bank := &Bank{File: file}
	start := 0
	if len(lines) > 0 && strings.TrimSpace(lines[0]) == "---" {
		end := -1
		for i := 1; i < len(lines); i++ {
			if strings.TrimSpace(lines[i]) == "---" {
				end = i
				break
			}
		}
		if end < 0 {
			p.add(1, "front matter is not closed: add a line \"---\" after it")
			return bank, p.probs
		}
		var fm struct {
			Module string `yaml:"module"`
		}
		dec := yaml.NewDecoder(strings.NewReader(strings.Join(lines[1:end], "\n")))
		dec.KnownFields(true)
		if err := dec.Decode(&fm); err != nil && err.Error() != "EOF" {
			p.add(2, "front matter: %s (allowed: module)", strings.TrimPrefix(err.Error(), "yaml: "))
		}
		bank.Module = strings.TrimSpace(fm.Module)
		start = end + 1
	}
	var cur []line
	curID, curLine := "", 0
	flush := func() {
		if curLine == 0 {
			return
		}
		if q := p.question(curID, curLine, cur, false); q != nil {
			q.Module = bank.Module
			for _, sub := range q.Parts {
				sub.Module = bank.Module
			}
			bank.Questions = append(bank.Questions, q)
		}
	}
	for i := start; i < len(lines); i++ {
		t := strings.TrimRight(lines[i], " \t")
		if id, ok := strings.CutPrefix(t, "## "); ok {
			flush()
			curID, curLine, cur = strings.TrimSpace(id), i+1, nil
			continue
		}
		if curLine == 0 {
			if strings.TrimSpace(t) != "" && !strings.HasPrefix(t, "# ") {
				p.add(i+1, "text before the first question: each question starts with a line \"## question-id\"")
			}
			continue
		}
		cur = append(cur, line{i + 1, t})
	}
	flush()
	if len(bank.Questions) == 0 && len(p.probs) == 0 {
		p.add(1, "bank has no questions: each question starts with a line \"## question-id\"")
	}
	return bank, p.probs
}

type parser struct {
	file   string
	render Renderer
	known  map[string]bool
	probs  []Problem
}

func (p *parser) add(n int, format string, args ...any) {
	p.probs = append(p.probs, Problem{p.file, n, fmt.Sprintf(format, args...)})
}

// question parses the lines under a "## id" (or "### id" for a case part).
func (p *parser) question(id string, at int, lines []line, isPart bool) *Question {
	q := &Question{ID: id, File: p.file, Line: at, Points: 1, Partial: true, Shuffle: true, Match: "fold"}
	if !idPattern.MatchString(id) {
		p.add(at, "question id %q must be lower-case ASCII words joined by hyphens, like nguyen-tac-01", id)
	}
	i := 0
	for i < len(lines) && lines[i].text == "" {
		i++
	}
	meta := map[string]line{}
	for ; i < len(lines); i++ {
		m := metaLine.FindStringSubmatch(lines[i].text)
		if m == nil {
			break
		}
		if !metaKeys[m[1]] {
			p.add(lines[i].n, "unknown field %q (allowed: type, difficulty, tags, cite, points, shuffle, partial, match, answer)", m[1])
			continue
		}
		if _, dup := meta[m[1]]; dup {
			p.add(lines[i].n, "field %q is given twice", m[1])
		}
		meta[m[1]] = line{lines[i].n, strings.TrimSpace(m[2])}
	}
	p.meta(q, meta, at, isPart)

	var stem, explain []string
	var answersAt int
	var parts [][]line
	var partIDs []string
	var partLines []int
	for ; i < len(lines); i++ {
		l := lines[i]
		t := l.text
		if sub, ok := strings.CutPrefix(t, "### "); ok {
			if q.Type != Case {
				p.add(l.n, "\"### %s\": sub-questions belong to a question of type case", strings.TrimSpace(sub))
				continue
			}
			parts = append(parts, nil)
			partIDs = append(partIDs, strings.TrimSpace(sub))
			partLines = append(partLines, l.n)
			continue
		}
		if len(parts) > 0 {
			parts[len(parts)-1] = append(parts[len(parts)-1], l)
			continue
		}
		if m := explainLine.FindStringSubmatch(t); m != nil {
			explain = append(explain, m[1])
			continue
		}
		if q.Type != Case && p.answerLine(q, l) {
			if answersAt == 0 {
				answersAt = l.n
			}
			continue
		}
		if t == "" {
			if answersAt == 0 && len(explain) == 0 {
				stem = append(stem, t)
			}
			continue
		}
		if answersAt != 0 || len(explain) > 0 {
			p.add(l.n, "text after the answers: put the question text before the answers and the explanation (lines starting with \"> \") after them")
			continue
		}
		stem = append(stem, t)
	}
	stemMD := strings.TrimSpace(strings.Join(stem, "\n"))
	q.StemText = stemMD
	if stemMD == "" {
		p.add(at, "question %s has no text", id)
	} else {
		q.Stem = p.render(stemMD, true)
	}
	if ex := strings.TrimSpace(strings.Join(explain, "\n")); ex != "" {
		q.Explain = p.render(ex, true)
	} else if q.Type != Case {
		p.add(at, "question %s has no explanation: add lines starting with \"> \" after the answers", id)
	}
	if q.Type == Case {
		if len(parts) == 0 {
			p.add(at, "case %s has no sub-questions: add \"### sub-id\" sections", id)
		}
		// A case is one question of the paper: it is worth its own points
		// (1 unless it says otherwise), which its parts share in proportion to
		// theirs, so a 20-question exam is marked out of 20 however many parts
		// its cases have.
		partAt := map[string]int{} // answers are saved by part id: two parts cannot share one
		for k, pl := range parts {
			if first, dup := partAt[partIDs[k]]; dup {
				p.add(partLines[k], "sub-question id %q is already used in case %s at line %d", partIDs[k], id, first)
				continue
			}
			partAt[partIDs[k]] = partLines[k]
			sub := p.question(partIDs[k], partLines[k], pl, true)
			if sub == nil {
				continue
			}
			if sub.Type == Case {
				p.add(partLines[k], "a case cannot contain another case")
				continue
			}
			if len(sub.Cite) == 0 {
				sub.Cite = q.Cite
			}
			if len(sub.Cite) == 0 {
				p.add(partLines[k], "sub-question %s has no citation: add \"cite:\" to it or to the case", sub.ID)
			}
			sub.ID = id + "/" + sub.ID
			q.Parts = append(q.Parts, sub)
		}
	} else {
		p.checkAnswers(q, at, answersAt)
		if len(q.Cite) == 0 && !isPart { // a case part may take its case's citation
			p.add(at, "question %s has no citation: add a line like \"cite: 06/2022/QH15 Điều 5\"", id)
		}
	}
	return q
}

// meta applies the metadata lines to q.
func (p *parser) meta(q *Question, meta map[string]line, at int, isPart bool) {
	if l, ok := meta["type"]; !ok {
		p.add(at, "question %s has no type: add \"type: single\" (or multiple, truefalse, ordering, matching, short, case)", q.ID)
	} else if q.Type = Type(l.text); !types[q.Type] {
		p.add(l.n, "unknown question type %q (use single, multiple, truefalse, ordering, matching, short or case)", l.text)
	}
	if l, ok := meta["difficulty"]; !ok {
		if !isPart {
			p.add(at, "question %s has no difficulty: add \"difficulty: easy\" (or medium, hard)", q.ID)
		}
	} else if q.Difficulty = Difficulty(l.text); q.Difficulty != Easy && q.Difficulty != Medium && q.Difficulty != Hard {
		p.add(l.n, "difficulty must be easy, medium or hard, got %q", l.text)
	}
	if l, ok := meta["tags"]; ok {
		for _, t := range strings.Split(strings.Trim(l.text, "[]"), ",") {
			if t = strings.TrimSpace(t); t != "" {
				if !idPattern.MatchString(t) {
					p.add(l.n, "tag %q must be lower-case ASCII words joined by hyphens", t)
				}
				q.Tags = append(q.Tags, t)
			}
		}
	}
	if len(q.Tags) == 0 && !isPart {
		p.add(at, "question %s has no tags: add a line like \"tags: nguyen-tac\"", q.ID)
	}
	if l, ok := meta["cite"]; ok {
		q.Cite = p.citations(l)
	}
	if l, ok := meta["points"]; ok {
		v, err := strconv.ParseFloat(l.text, 64)
		if err != nil || v <= 0 || v > 100 {
			p.add(l.n, "points must be a number above 0, got %q", l.text)
		} else {
			q.Points = v
		}
	}
	if l, ok := meta["shuffle"]; ok {
		q.Shuffle = p.yesNo(l, "shuffle")
	}
	if l, ok := meta["partial"]; ok {
		q.Partial = p.yesNo(l, "partial")
	}
	if l, ok := meta["match"]; ok {
		if l.text != "fold" && l.text != "exact" && l.text != "number" {
			p.add(l.n, "match must be fold, exact or number, got %q", l.text)
		}
		q.Match = l.text
	}
	if l, ok := meta["answer"]; ok {
		switch strings.ToLower(l.text) {
		case "true", "đúng", "dung":
			q.Answer = true
		case "false", "sai":
			q.Answer = false
		default:
			p.add(l.n, "answer must be đúng or sai (true or false), got %q", l.text)
		}
	} else if q.Type == TrueFalse {
		p.add(at, "true/false question %s has no answer: add \"answer: đúng\" or \"answer: sai\"", q.ID)
	}
}

func (p *parser) yesNo(l line, key string) bool {
	switch strings.ToLower(l.text) {
	case "yes", "true", "có", "co":
		return true
	case "no", "false", "không", "khong":
		return false
	}
	p.add(l.n, "%s must be yes or no, got %q", key, l.text)
	return true
}

// citations parses "06/2022/QH15 Điều 5, Điều 6; 152/2025/NĐ-CP Điều 4".
func (p *parser) citations(l line) []Citation {
	var out []Citation
	for _, part := range strings.Split(l.text, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		doc, rest, _ := strings.Cut(part, " ")
		doc = strings.TrimSuffix(doc, ",")
		c := Citation{Document: doc}
		for _, a := range strings.Split(rest, ",") {
			if a = strings.TrimSpace(a); a != "" {
				c.Articles = append(c.Articles, a)
			}
		}
		switch {
		case len(c.Articles) == 0:
			p.add(l.n, "citation %q names no article: write it like \"06/2022/QH15 Điều 5\"", part)
		case p.known != nil && !p.known[doc]:
			p.add(l.n, "citation of %s, which is not a registered legal document", doc)
		}
		for _, a := range c.Articles {
			if !strings.Contains(strings.ToLower(a), "điều") {
				p.add(l.n, "article %q in citation %q should read like \"Điều 5\" or \"khoản 2 Điều 5\"", a, part)
			}
		}
		out = append(out, c)
	}
	return out
}

// answerLine takes a line of the answer block for q's type; it reports
// whether the line was one.
func (p *parser) answerLine(q *Question, l line) bool {
	t := l.text
	switch q.Type {
	case Single, Multiple:
		m := choiceLine.FindStringSubmatch(t)
		if m == nil {
			return false
		}
		o := p.option(len(q.Options), m[2], l)
		q.Options = append(q.Options, o)
		if m[1] != " " {
			q.Correct = append(q.Correct, o.ID)
		}
	case Ordering:
		m := orderLine.FindStringSubmatch(t)
		if m == nil {
			return false
		}
		q.Options = append(q.Options, p.option(len(q.Options), m[1], l))
	case Matching:
		m := pairLine.FindStringSubmatch(t)
		if m == nil {
			return false
		}
		if m[1] == "" {
			q.Right = append(q.Right, p.option(len(q.Right), m[2], l)) // a distractor
			return true
		}
		if len(q.Right) > len(q.Left) {
			p.add(l.n, "put distractors (\"- => text\") after all the pairs")
		}
		q.Left = append(q.Left, p.option(len(q.Left), m[1], l))
		q.Right = append(q.Right, p.option(len(q.Right), m[2], l))
	case Short:
		m := acceptLine.FindStringSubmatch(t)
		if m == nil {
			return false
		}
		a := strings.TrimSpace(m[1])
		if q.Match == "number" {
			if _, ok := ParseNumber(a); !ok {
				p.add(l.n, "accepted answer %q is not a number", a)
			}
		}
		q.Accept = append(q.Accept, a)
	default:
		return false
	}
	return true
}

func (p *parser) option(i int, md string, l line) Option {
	if i >= len(letters) {
		p.add(l.n, "too many options (at most %d)", len(letters))
		i = len(letters) - 1
	}
	md = strings.TrimSpace(md)
	return Option{ID: letters[i : i+1], HTML: p.render(md, false), Text: md}
}

// checkAnswers reports an answer block that cannot be graded.
func (p *parser) checkAnswers(q *Question, at, answersAt int) {
	where := at
	if answersAt != 0 {
		where = answersAt
	}
	switch q.Type {
	case Single, Multiple:
		switch {
		case len(q.Options) < 2:
			p.add(where, "choice question %s needs at least two options (\"- [ ] text\", \"- [x] text\" for a correct one)", q.ID)
		case len(q.Correct) == 0:
			p.add(where, "choice question %s has no correct option: mark one with \"- [x]\"", q.ID)
		case q.Type == Single && len(q.Correct) > 1:
			p.add(where, "single-choice question %s marks %d options correct; use type multiple, or mark one", q.ID, len(q.Correct))
		}
	case Ordering:
		if len(q.Options) < 2 {
			p.add(where, "ordering question %s needs at least two items (\"1. first\", \"2. second\")", q.ID)
		}
	case Matching:
		if len(q.Left) < 2 {
			p.add(where, "matching question %s needs at least two pairs (\"- left => right\")", q.ID)
		}
	case Short:
		if len(q.Accept) == 0 {
			p.add(where, "short-answer question %s has no accepted answer: add lines \"= answer\"", q.ID)
		}
	}
	if q.Type != Single && q.Type != Multiple && len(q.Correct) > 0 {
		p.add(where, "options marked [x] belong to single or multiple questions")
	}
}
