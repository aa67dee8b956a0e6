package course

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/yuin/goldmark/text"

	"github.com/tdkt/tdkt/internal/quiz"
)

// renderQuiz renders question text with the same Markdown rules as modules;
// option text is rendered without its wrapping paragraph.
func renderQuiz(md string, block bool, reg *Register) template.HTML {
	var buf bytes.Buffer
	src := []byte(md)
	doc := markdown.Parser().Parse(text.NewReader(src))
	linkCitations(doc, src, reg)
	if err := markdown.Renderer().Render(&buf, src, doc); err != nil {
		return template.HTML(template.HTMLEscapeString(md))
	}
	out := strings.TrimSpace(buf.String())
	if !block {
		if inner, ok := strings.CutPrefix(out, "<p>"); ok {
			if inner, ok := strings.CutSuffix(inner, "</p>"); ok && !strings.Contains(inner, "<p>") {
				out = inner
			}
		}
	}
	return template.HTML(out) // goldmark escapes text and drops raw HTML
}

// loadBanks reads the question banks of co from its questions/ folder.
// Citations are checked against the register, or, without one, against the
// documents the course's modules list.
func loadBanks(fsys fs.FS, co *Course, reg *Register) []Problem {
	dir := path.Join(co.ID, "questions")
	entries, err := fs.ReadDir(fsys, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return []Problem{{dir, 1, "cannot read the questions folder: " + err.Error(), false}}
	}
	known := map[string]bool{}
	if reg != nil {
		for _, d := range reg.Documents {
			known[d.Number] = true
		}
	} else {
		for _, m := range co.Modules {
			for _, d := range m.LegalDocuments {
				known[d.Number] = true
			}
		}
	}
	render := func(md string, block bool) template.HTML { return renderQuiz(md, block, reg) }
	var probs []Problem
	seen := map[string]*quiz.Question{}
	co.Questions = map[string]*quiz.Question{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".md") || strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".") || strings.EqualFold(name, "README.md") {
			continue
		}
		file := path.Join(dir, name)
		src, err := fs.ReadFile(fsys, file)
		if err != nil {
			probs = append(probs, Problem{file, 1, "cannot read file: " + err.Error(), false})
			continue
		}
		b, qp := quiz.ParseBank(file, src, render, known)
		for _, p := range qp {
			probs = append(probs, Problem{p.File, p.Line, p.Msg, false})
		}
		var mod *Module
		if b.Module != "" {
			if mod = co.module(b.Module); mod == nil {
				probs = append(probs, Problem{file, 2, fmt.Sprintf("module %q is not a module of course %s", b.Module, co.ID), false})
			}
		}
		for _, q := range b.Questions {
			if first, dup := seen[q.ID]; dup {
				probs = append(probs, Problem{file, q.Line, fmt.Sprintf("question id %q is already used at %s:%d", q.ID, first.File, first.Line), false})
				continue
			}
			if d := outdatedCite(q, reg); d != nil {
				// Kept for attempts already holding it, but drawn no more.
				q.Outdated = true
				probs = append(probs, Problem{file, q.Line, fmt.Sprintf("question %s cites %s, which is %s; review it", q.ID, d.Number, d.StatusText()), true})
			}
			seen[q.ID] = q
			co.Questions[q.ID] = q
			for _, p := range q.Parts {
				co.Questions[p.ID] = p
			}
			if q.Outdated {
				continue
			}
			co.Bank = append(co.Bank, q)
			if mod != nil {
				mod.Questions = append(mod.Questions, q)
			}
		}
	}
	sort.SliceStable(co.Bank, func(i, j int) bool { return co.Bank[i].File < co.Bank[j].File })
	return probs
}

// outdatedCite returns a document q (or one of its parts) cites that is no
// longer in force.
func outdatedCite(q *quiz.Question, reg *Register) *Document {
	if reg == nil {
		return nil
	}
	for _, p := range append([]*quiz.Question{q}, q.Parts...) {
		for _, c := range p.Cite {
			if d := reg.Doc(c.Document); d != nil && !d.InForce() {
				return d
			}
		}
	}
	return nil
}

func (co *Course) module(id string) *Module {
	for _, m := range co.Modules {
		if m.ID == id {
			return m
		}
	}
	return nil
}
