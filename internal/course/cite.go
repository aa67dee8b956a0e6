package course

import (
	"bytes"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// citeIndex finds mentions of registered documents in text.
type citeIndex struct {
	re       *regexp.Regexp
	mentions []mention // longest first
}

type mention struct {
	text string
	doc  *Document
}

var citeIndexes sync.Map // *Register → *citeIndex

func (r *Register) index() *citeIndex {
	if ix, ok := citeIndexes.Load(r); ok {
		return ix.(*citeIndex)
	}
	ix := &citeIndex{}
	for _, d := range r.Documents {
		for _, m := range append([]string{d.Number}, d.Aliases...) {
			if m = strings.TrimSpace(m); m != "" {
				ix.mentions = append(ix.mentions, mention{m, d})
			}
		}
	}
	sort.SliceStable(ix.mentions, func(i, j int) bool { return len(ix.mentions[i].text) > len(ix.mentions[j].text) })
	alts := make([]string, len(ix.mentions))
	for i, m := range ix.mentions {
		alts[i] = regexp.QuoteMeta(m.text)
	}
	// An article reference before the document is part of the citation:
	// "điểm a khoản 2 Điều 23 Luật Thi đua, khen thưởng".
	prefix := `(?:(?:[Đđ]iểm [a-zđ] )?(?:[Kk]hoản \d+ )?Điều \d+[a-z]?,? (?:của )?)?`
	ix.re = regexp.MustCompile(prefix + `(?:` + strings.Join(alts, "|") + `)`)
	citeIndexes.Store(r, ix)
	return ix
}

// doc returns the document a matched citation names.
func (ix *citeIndex) doc(match []byte) *Document {
	for _, m := range ix.mentions {
		if bytes.HasSuffix(match, []byte(m.text)) {
			return m.doc
		}
	}
	return nil
}

// explained reports whether the text right after a mention already says the
// document is no longer in force, so no marker is added twice.
var explained = regexp.MustCompile(`^.{0,80}?(thay thế|hết hiệu lực|lịch sử|không còn hiệu lực)`)

// explainedBefore reports the same of the text right before it: "thay thế
// Nghị định 98/2023/NĐ-CP từ 01/7/2025" needs no "(đã được thay thế)".
var explainedBefore = regexp.MustCompile(`(thay thế|thay cho|bãi bỏ|hết hiệu lực|không còn hiệu lực)[^.;:!?]{0,24}$`)

// precededByExplanation looks at up to 80 bytes before a mention, cut at a
// character boundary.
func precededByExplanation(before []byte) bool {
	if len(before) > 80 {
		before = before[len(before)-80:]
		for len(before) > 0 && before[0]&0xC0 == 0x80 {
			before = before[1:] // not in the middle of a character
		}
	}
	return explainedBefore.Match(before)
}

// linkCitations turns each citation of a registered document in the text of
// doc into a link to the document's references page. A citation of a
// document no longer in force is followed by its status, so no page presents
// a replaced decree as current.
func linkCitations(doc ast.Node, src []byte, reg *Register) {
	if reg == nil || len(reg.Documents) == 0 {
		return
	}
	ix := reg.index()
	var texts []*ast.Text
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link, *ast.AutoLink, *ast.CodeSpan, *ast.CodeBlock, *ast.FencedCodeBlock, *ast.Heading, *ast.Image:
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			texts = append(texts, n)
		}
		return ast.WalkContinue, nil
	})
	for _, t := range texts {
		if t.Parent() == nil {
			continue // merged into the text before it
		}
		mergeFollowing(t)
		seg := t.Segment
		value := seg.Value(src)
		locs := ix.re.FindAllIndex(value, -1)
		if len(locs) == 0 {
			continue
		}
		parent := t.Parent()
		pos := 0
		for _, loc := range locs {
			d := ix.doc(value[loc[0]:loc[1]])
			if d == nil {
				continue
			}
			if loc[0] > pos {
				parent.InsertBefore(parent, t, ast.NewTextSegment(text.NewSegment(seg.Start+pos, seg.Start+loc[0])))
			}
			link := ast.NewLink()
			link.Destination = []byte("/documents/" + d.Slug)
			link.Title = []byte(d.Number + ": " + d.StatusText())
			link.AppendChild(link, ast.NewTextSegment(text.NewSegment(seg.Start+loc[0], seg.Start+loc[1])))
			parent.InsertBefore(parent, t, link)
			if !d.InForce() && !explained.Match(value[loc[1]:]) && !precededByExplanation(value[:loc[0]]) {
				parent.InsertBefore(parent, t, ast.NewString([]byte(" ("+d.ShortStatus()+")")))
			}
			pos = loc[1]
		}
		rest := ast.NewTextSegment(text.NewSegment(seg.Start+pos, seg.Stop))
		rest.SetSoftLineBreak(t.SoftLineBreak())
		rest.SetHardLineBreak(t.HardLineBreak())
		parent.InsertBefore(parent, t, rest)
		parent.RemoveChild(parent, t)
	}
}

// mergeFollowing joins the text nodes that directly continue t: the
// parser splits a line where an autolink could start, which can cut a
// citation such as "Nghị định 98/2023/NĐ-CP" in two.
func mergeFollowing(t *ast.Text) {
	for {
		n, ok := t.NextSibling().(*ast.Text)
		if !ok || t.SoftLineBreak() || t.HardLineBreak() || t.Segment.Stop != n.Segment.Start || n.IsRaw() != t.IsRaw() {
			return
		}
		t.Segment = t.Segment.WithStop(n.Segment.Stop)
		t.SetSoftLineBreak(n.SoftLineBreak())
		t.SetHardLineBreak(n.HardLineBreak())
		t.Parent().RemoveChild(t.Parent(), n)
	}
}
