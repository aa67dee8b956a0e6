package web

import (
	"html"
	"html/template"
	"strconv"
	"strings"
	"sync"

	"github.com/tdkt/tdkt/internal/quiz"
	"github.com/tdkt/tdkt/internal/viet"
)

// questionHTML renders one question. It is Go rather than a template because
// an attempt page holds twenty questions and every option of each: as a
// template that was three quarters of a millisecond of reflection per page,
// which an exam-start storm multiplies by thousands.
func questionHTML(v qview, lang string) template.HTML {
	var b strings.Builder
	b.Grow(2048)
	b.WriteString(string(questionHead(v, lang)))
	questionRest(&b, v, lang)
	return template.HTML(b.String()) // every text is escaped; stems and options are goldmark output
}

// questionHead is the start of a question up to its number, the part of it
// that depends on its place in the paper.
func questionHead(v qview, lang string) template.HTML {
	esc := html.EscapeString
	cls := "q"
	if v.Reviewed {
		cls = "q reviewed"
	}
	return template.HTML(`<fieldset class="` + cls + `" id="q-` + esc(v.Q.ID) + `" data-q="` + esc(v.Q.ID) + `">` + "\n<legend>" +
		esc(tr(lang, "quiz.question")) + " " + strconv.Itoa(v.Num) + "</legend>\n")
}

// questionRest is the rest of a question: stem, options (in the attempt's
// order, with its saved answer) and the end of the fieldset.
func questionRest(b *strings.Builder, v qview, lang string) {
	esc := html.EscapeString
	// Stems, options and explanations are Vietnamese on an English page too:
	// lang="vi" has a screen reader read them with a Vietnamese voice.
	b.WriteString(`<div class="stem" lang="vi">` + overPage(string(v.Q.Stem)) + "</div>\n")
	if len(v.Parts) > 0 {
		for _, p := range v.Parts {
			b.WriteString(`<div class="part" data-q="` + esc(p.Q.ID) + `"><div class="stem" lang="vi">` + overPage(string(p.Q.Stem)) + "</div>")
			questionBody(b, p, lang)
			b.WriteString("</div>\n")
		}
	} else {
		questionBody(b, v, lang)
	}
	b.WriteString("<p class=\"saved meta\" role=\"status\"></p>\n</fieldset>\n")
}

// overPage makes the links of a question's text (citations of the register
// of documents, mostly) open in a new tab: following one must not take the
// trainee off an exam whose clock is running, nor off their practice.
// The text is goldmark's output, whose links all start with <a href=.
func overPage(s string) string {
	if !strings.Contains(s, "<a href=") {
		return s
	}
	return strings.ReplaceAll(s, "<a href=", `<a target="_blank" rel="noopener" href=`)
}

func questionBody(b *strings.Builder, v qview, lang string) {
	esc := html.EscapeString
	dis := ""
	if v.Reviewed {
		dis = " disabled"
	}
	name := esc(v.Field)
	checked := func(on bool) string {
		if on {
			return " checked"
		}
		return ""
	}
	selected := func(on bool) string {
		if on {
			return " selected"
		}
		return ""
	}
	switch v.Q.Type {
	case quiz.Single, quiz.Multiple:
		kind := "radio"
		if v.Q.Type == quiz.Multiple {
			kind = "checkbox"
			b.WriteString(`<input type="hidden" name="` + name + `:shown" value="1">` + "\n")
			b.WriteString(`<p class="hint">` + esc(tr(lang, "quiz.choose_all")) + "</p>\n")
		}
		b.WriteString(`<ul class="opts" lang="vi">`)
		for _, o := range v.View.Options {
			b.WriteString(`<li><label><input type="` + kind + `" name="` + name + `" value="` + esc(o.ID) + `"` + checked(v.Chosen[o.ID]) + dis + `> <span>` + overPage(string(o.HTML)) + `</span></label></li>`)
		}
		b.WriteString("</ul>\n")
	case quiz.TrueFalse:
		b.WriteString(`<ul class="opts tf"><li><label><input type="radio" name="` + name + `" value="true"` + checked(v.IsTrue()) + dis + `> ` + esc(tr(lang, "quiz.true")) +
			`</label></li><li><label><input type="radio" name="` + name + `" value="false"` + checked(v.IsFalse()) + dis + `> ` + esc(tr(lang, "quiz.false")) + "</label></li></ul>\n")
	case quiz.Ordering:
		b.WriteString(`<p class="hint">` + esc(tr(lang, "quiz.order_hint")) + "</p>\n<ul class=\"opts order\" lang=\"vi\">")
		for _, o := range v.View.Options {
			b.WriteString(`<li><label><select name="` + name + ":" + esc(o.ID) + `"` + dis + `><option value="">–</option>`)
			for _, n := range v.Slots {
				s := strconv.Itoa(n)
				b.WriteString(`<option value="` + s + `"` + selected(v.Pos[o.ID] == n) + `>` + s + `</option>`)
			}
			b.WriteString(`</select> <span>` + overPage(string(o.HTML)) + `</span></label></li>`)
		}
		b.WriteString("</ul>\n")
	case quiz.Matching:
		b.WriteString(`<p class="hint">` + esc(tr(lang, "quiz.match_hint")) + "</p>\n<ul class=\"opts match\" lang=\"vi\">")
		for _, l := range v.View.Left {
			b.WriteString(`<li><label><span>` + overPage(string(l.HTML)) + `</span><select name="` + name + ":" + esc(l.ID) + `"` + dis + `><option value="">–</option>`)
			for _, r := range v.View.Right {
				b.WriteString(`<option value="` + esc(r.ID) + `"` + selected(v.Match[l.ID] == r.ID) + `>` + esc(r.Text) + `</option>`)
			}
			b.WriteString(`</select></label></li>`)
		}
		b.WriteString("</ul>\n")
	case quiz.Short:
		b.WriteString(`<input class="short" type="text" name="` + name + `" value="` + esc(v.Ans.Text) + `" maxlength="500" autocomplete="off" aria-label="` +
			esc(tr(lang, "quiz.your_answer")) + `"` + dis + ">\n")
	}
	if !v.Reviewed {
		return
	}
	if v.ShowMarks {
		class, text := "bad", "✗ "+tr(lang, "quiz.unanswered")
		switch {
		case v.Correct:
			class, text = "good", "✓ "+tr(lang, "quiz.right")
		case v.Partly:
			class, text = "part", "◐ "+tr(lang, "quiz.partly")+" ("+viet.Pct(v.Score*100, lang)+")"
		case v.Answered:
			text = "✗ " + tr(lang, "quiz.wrong")
		}
		b.WriteString(`<p class="mark ` + class + `">` + esc(text) + "</p>\n")
	}
	if v.ShowAnswers {
		b.WriteString(`<div class="explain"><p><strong>` + esc(tr(lang, "quiz.correct_answer")) + `:</strong> ` + esc(v.CorrectText(lang)) + `</p>` +
			`<div lang="vi">` + string(v.Q.Explain) + `</div><p class="cite">` + esc(tr(lang, "quiz.cite")) + `: ` + esc(v.CiteText()) + "</p></div>\n")
	}
}

// restCache keeps the rest of unanswered questions (after their number) as
// attempt pages show them: the same question in the same order of options
// is the same text on every paper, so a storm of starts renders each once.
// The key names all the text depends on (see orderKey); the catalog does
// not change while the server runs. Past max entries nothing is added.
type restCache struct {
	mu  sync.RWMutex
	m   map[string]string
	max int
}

func newRestCache(max int) *restCache { return &restCache{m: map[string]string{}, max: max} }

// get returns the text of key, rendering it the first time.
func (rc *restCache) get(key string, render func() string) string {
	rc.mu.RLock()
	text, ok := rc.m[key]
	rc.mu.RUnlock()
	if ok {
		return text
	}
	text = render()
	rc.mu.Lock()
	if len(rc.m) < rc.max {
		rc.m[key] = text
	}
	rc.mu.Unlock()
	return text
}

// renderPaper renders every question of an open attempt into its HTML
// field, unanswered ones from the cache.
func (h *handler) renderPaper(views []qview, lang string) {
	var b strings.Builder
	for i := range views {
		qv := &views[i]
		rest := func() string {
			var rb strings.Builder
			rb.Grow(4096)
			questionRest(&rb, *qv, lang)
			return rb.String()
		}
		b.Reset()
		b.WriteString(string(questionHead(*qv, lang)))
		if qv.anyAnswered() {
			b.WriteString(rest())
		} else {
			b.WriteString(h.rests.get(qv.orderKey(lang), rest))
		}
		qv.HTML = template.HTML(b.String()) // escaped by questionHead and questionRest
	}
}
