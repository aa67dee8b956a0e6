package course

import (
	"bytes"
	"html/template"
	"strings"
)

// Slides are a live session's slides: a title slide, then the course's
// deck when the session names one, or else its modules cut into one slide
// per ## section (text before a module's first section belongs to no
// slide; no modules named means all of the course's). The live room shows
// them and bounds the trainer's goto by their number.
func (c *Catalog) Slides(title, courseID, deck string, modules []string) []template.HTML {
	out := []template.HTML{template.HTML("<h2>" + template.HTMLEscapeString(title) + "</h2>")}
	if co := c.Course(courseID); co != nil && deck != "" {
		if d := co.Deck(deck); d != nil {
			return append(out, d.Slides...)
		}
	}
	if co := c.Course(courseID); co != nil && len(modules) == 0 {
		for _, m := range co.Modules {
			modules = append(modules, m.ID)
		}
	}
	for _, id := range modules {
		m := c.Module(courseID, id)
		if m == nil {
			continue
		}
		parts := strings.Split(string(m.HTML), "<h2 ")
		for _, p := range parts[1:] {
			out = append(out, template.HTML("<h2 "+p)) // goldmark output, split at tag boundaries
		}
	}
	return out
}

// Inline renders one line of Markdown (a question's stem or option) to
// inline HTML: bold, italics, code and links, without the paragraph around
// it. Raw HTML is escaped, as everywhere goldmark renders here, so the
// result is safe to insert into a page.
func Inline(md string) string {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(md), &buf); err != nil {
		return template.HTMLEscapeString(md)
	}
	s := strings.TrimSpace(buf.String())
	if strings.HasPrefix(s, "<p>") && strings.HasSuffix(s, "</p>") && strings.Count(s, "<p>") == 1 {
		s = s[len("<p>") : len(s)-len("</p>")]
	}
	return s
}
