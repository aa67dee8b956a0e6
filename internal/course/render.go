package course

import (
	"bytes"
	"fmt"
	"html/template"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// TOCEntry is one heading of a module, for the table of contents.
type TOCEntry struct {
	Level int
	Text  string
	ID    string
}

// markdown is configured once: GFM tables and footnotes. Raw HTML is left
// out by goldmark's default (unsafe off), so authors cannot inject markup
// into pages. Heading anchors are set by render from the heading's text.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.GFM, extension.Footnote),
)

// ReservedIDs are anchors the module page uses for its own sections; a
// heading in the text with the same words gets a numbered anchor instead.
var ReservedIDs = []string{"muc-tieu-bai-hoc", "van-ban-can-cu", "module", "module-end", "main", "course-progress", "course-progress-text", "complete", "complete-form", "complete-btn", "complete-state", "complete-status", "next-link"}

// ids hands out unique, readable heading anchors for one document.
type ids map[string]bool

func (s ids) unique(text string) string {
	base := Slug(text)
	if base == "" {
		base = "muc"
	}
	id := base
	for n := 1; s[id]; n++ {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	s[id] = true
	return id
}

// rendered is the result of rendering one Markdown body.
type rendered struct {
	HTML     template.HTML
	TOC      []TOCEntry
	Words    int
	Problems []Problem
}

// render converts body (which starts at line firstLine of file) to HTML and
// collects its headings; it reports content that would not show as the
// author meant (raw HTML, a level-1 heading).
func render(file string, body []byte, firstLine int, reg *Register) rendered {
	return renderWith(file, body, firstLine, reg, nil)
}

// renderWith is render where pictures (![…](hinh/a.png)) are resolved by
// pics; without pics a picture is a problem.
func renderWith(file string, body []byte, firstLine int, reg *Register, pics *pictures) rendered {
	var out rendered
	doc := markdown.Parser().Parse(text.NewReader(body))
	linkCitations(doc, body, reg)
	anchors := ids{}
	for _, r := range ReservedIDs {
		anchors[r] = true
	}
	lineOf := func(n ast.Node) int {
		// An inline (a picture) has no lines of its own: its first text
		// (the alternative text) tells where it is, else its block.
		if n != nil && n.Type() == ast.TypeInline {
			for c := n.FirstChild(); c != nil; c = c.FirstChild() {
				if t, ok := c.(*ast.Text); ok {
					return firstLine + bytes.Count(body[:t.Segment.Start], []byte("\n"))
				}
			}
			for n != nil && n.Type() == ast.TypeInline {
				n = n.Parent()
			}
		}
		for ; n != nil; n = n.Parent() {
			if n.Type() == ast.TypeInline {
				continue
			}
			if l := n.Lines(); l != nil && l.Len() > 0 {
				return firstLine + bytes.Count(body[:l.At(0).Start], []byte("\n"))
			}
			if t, ok := n.(*ast.Text); ok {
				return firstLine + bytes.Count(body[:t.Segment.Start], []byte("\n"))
			}
		}
		return firstLine
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			txt := plainText(n, body)
			id := anchors.unique(txt)
			n.SetAttributeString("id", []byte(id))
			if n.Level == 1 {
				out.Problems = append(out.Problems, Problem{file, lineOf(n), "level-1 heading \"# " + txt + "\": the title comes from the front matter; use ## for sections", false})
			}
			if n.Level == 2 || n.Level == 3 {
				out.TOC = append(out.TOC, TOCEntry{Level: n.Level, Text: txt, ID: id})
			}
		case *ast.Image:
			if pics == nil {
				out.Problems = append(out.Problems, Problem{file, lineOf(n), "pictures are not shown here", false})
				break
			}
			if strings.TrimSpace(plainText(n, body)) == "" {
				out.Problems = append(out.Problems, Problem{file, lineOf(n), "picture " + strconv.Quote(string(n.Destination)) + " has no description: write what it shows between the brackets, ![Sơ đồ …](…), for readers who cannot see it", false})
				break
			}
			addr, size, msg := pics.resolve(string(n.Destination))
			if msg != "" {
				out.Problems = append(out.Problems, Problem{file, lineOf(n), msg, false})
				break
			}
			n.Destination = []byte(addr)
			// Its size keeps the text from jumping as it arrives; below the
			// first screen it is loaded only when the reader gets near it.
			n.SetAttributeString("width", []byte(strconv.Itoa(size.Width)))
			n.SetAttributeString("height", []byte(strconv.Itoa(size.Height)))
			n.SetAttributeString("loading", []byte("lazy"))
			n.SetAttributeString("decoding", []byte("async"))
		case *ast.HTMLBlock:
			out.Problems = append(out.Problems, Problem{file, lineOf(n), "raw HTML is not rendered; use Markdown instead", false})
		case *ast.RawHTML:
			line := firstLine
			if n.Segments.Len() > 0 {
				line += bytes.Count(body[:n.Segments.At(0).Start], []byte("\n"))
			}
			out.Problems = append(out.Problems, Problem{file, line, "raw HTML is not rendered; use Markdown instead", false})
		case *ast.Text:
			out.Words += len(strings.Fields(string(n.Segment.Value(body))))
		}
		return ast.WalkContinue, nil
	})
	var buf bytes.Buffer
	if err := markdown.Renderer().Render(&buf, body, doc); err != nil {
		out.Problems = append(out.Problems, Problem{file, firstLine, "cannot render Markdown: " + err.Error(), false})
	}
	out.HTML = template.HTML(buf.String()) // goldmark escapes text and drops raw HTML
	return out
}

// plainText concatenates the text under n.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
			if c.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}
