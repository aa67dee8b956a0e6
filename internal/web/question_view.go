package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/quiz"
)

// qview is a question as one attempt shows it: options in the attempt's
// order, the trainee's saved answer, and, in a review, what may be revealed.
type qview struct {
	Q        *quiz.Question
	Num      int
	Field    string // form field name: "a:" + question id
	View     quiz.View
	Ans      quiz.Answer
	Answered bool
	Pos      map[string]int    // ordering: saved position of each item
	Match    map[string]string // matching: saved right id of each left id
	Chosen   map[string]bool   // single, multiple: saved choices
	Slots    []int             // ordering: 1 … n
	Parts    []qview
	HTML     template.HTML // the question rendered ahead (attempt page)

	// Review.
	Reviewed    bool
	ShowMarks   bool
	ShowAnswers bool
	Score       float64 // share of the points, 0–1
	Correct     bool
	Partly      bool
}

func newQView(q *quiz.Question, num int, seed uint64, answers map[string]quiz.Answer) qview {
	v := qview{Q: q, Num: num, Field: "a:" + q.ID, View: quiz.Present(q, seed), Pos: map[string]int{},
		Match: map[string]string{}, Chosen: map[string]bool{}}
	if a, ok := answers[q.ID]; ok {
		v.Ans, v.Answered = a, true
		v.Chosen[a.Choice] = a.Choice != ""
		for _, c := range a.Choices {
			v.Chosen[c] = true
		}
		for i, id := range a.Order {
			v.Pos[id] = i + 1
		}
		for l, r := range a.Pairs {
			v.Match[l] = r
		}
	}
	for i := range q.Options {
		v.Slots = append(v.Slots, i+1)
	}
	for _, p := range q.Parts {
		v.Parts = append(v.Parts, newQView(p, num, seed, answers))
	}
	return v
}

// anyAnswered reports whether the question or any of its parts has a saved answer.
func (v qview) anyAnswered() bool {
	if v.Answered {
		return true
	}
	for _, p := range v.Parts {
		if p.anyAnswered() {
			return true
		}
	}
	return false
}

// Done reports whether the question counts as answered on the attempt
// page's counter, which counts questions, never case parts. A case counts
// once every one of its parts is answered (not its first): "answered 20/20"
// must mean nothing is left to do. Each rule matches what the page's script
// counts as the trainee goes (static/js/app.js, countAnswered), so the
// figure does not jump on a reload: a choice made, every item of an
// ordering placed (an ordering is only saved then), one pair of a matching
// chosen, some text typed in a short answer (a cleared box is unanswered).
func (v qview) Done() bool {
	if len(v.Parts) > 0 {
		for _, p := range v.Parts {
			if !p.Done() {
				return false
			}
		}
		return true
	}
	if !v.Answered {
		return false
	}
	a := v.Ans
	switch v.Q.Type {
	case quiz.Single:
		return a.Choice != ""
	case quiz.Multiple:
		return len(a.Choices) > 0
	case quiz.TrueFalse:
		return a.Value != nil
	case quiz.Ordering:
		return len(a.Order) > 0
	case quiz.Matching:
		return len(a.Pairs) > 0
	case quiz.Short:
		return strings.TrimSpace(a.Text) != ""
	}
	return false
}

// countDone is how many questions of a paper count as answered.
func countDone(views []qview) int {
	n := 0
	for _, v := range views {
		if v.Done() {
			n++
		}
	}
	return n
}

// orderKey names what an unanswered question's text depends on: the
// language, the question and the order its options are shown in.
func (v qview) orderKey(lang string) string {
	var b strings.Builder
	b.Grow(128)
	v.writeOrderKey(&b, lang)
	return b.String()
}

func (v qview) writeOrderKey(b *strings.Builder, lang string) {
	b.WriteString(lang)
	b.WriteByte(0)
	b.WriteString(v.Q.ID)
	for _, list := range [][]quiz.Option{v.View.Options, v.View.Left, v.View.Right} {
		b.WriteByte(1)
		for _, o := range list {
			b.WriteString(o.ID)
			b.WriteByte(0)
		}
	}
	for _, p := range v.Parts {
		b.WriteByte(2)
		p.writeOrderKey(b, lang)
	}
}

// IsTrue and IsFalse report a saved true/false answer, for the radio buttons.
func (v qview) IsTrue() bool  { return v.Ans.Value != nil && *v.Ans.Value }
func (v qview) IsFalse() bool { return v.Ans.Value != nil && !*v.Ans.Value }

// CorrectText says the right answer in words, for the review.
func (v qview) CorrectText(lang string) string {
	q := v.Q
	switch q.Type {
	case quiz.Single, quiz.Multiple:
		var out []string
		for _, o := range q.Options {
			for _, c := range q.Correct {
				if o.ID == c {
					out = append(out, o.Text)
				}
			}
		}
		return strings.Join(out, "; ")
	case quiz.TrueFalse:
		if q.Answer {
			return tr(lang, "quiz.true")
		}
		return tr(lang, "quiz.false")
	case quiz.Ordering:
		var out []string
		for i, o := range q.Options {
			out = append(out, fmt.Sprintf("%d. %s", i+1, o.Text))
		}
		return strings.Join(out, " → ")
	case quiz.Matching:
		var out []string
		for i, l := range q.Left {
			out = append(out, l.Text+" → "+q.Right[i].Text)
		}
		return strings.Join(out, "; ")
	case quiz.Short:
		return strings.Join(q.Accept, " / ")
	}
	return ""
}

// CiteText is the legal ground of a question in words.
func (v qview) CiteText() string {
	var out []string
	for _, c := range v.Q.Cite {
		out = append(out, strings.Join(c.Articles, ", ")+" "+c.Document)
	}
	return strings.Join(out, "; ")
}

// paperViews builds the views of an attempt's questions.
func paperViews(paper []*quiz.Question, a model.Attempt, answers map[string]quiz.Answer) []qview {
	out := make([]qview, len(paper))
	for i, q := range paper {
		out[i] = newQView(q, i+1, a.Seed, answers)
	}
	return out
}

// markReview fills in the review fields under the level the policy allows.
func markReview(views []qview, rows map[string]model.SavedAnswer, level string) {
	for i := range views {
		v := &views[i]
		v.Reviewed = true
		v.ShowMarks = level == course.ReviewMarks || level == course.ReviewAnswers
		v.ShowAnswers = level == course.ReviewAnswers
		if len(v.Parts) > 0 {
			markReview(v.Parts, rows, level)
			continue
		}
		r := rows[v.Q.ID]
		v.Score = r.Score
		v.Correct = r.Graded && r.Score >= 1-1e-9
		v.Partly = r.Graded && r.Score > 0 && !v.Correct
	}
}

var errFormAnswer = errors.New("web: answer form")

// answersFromForm reads the answers present in a form, for the questions of
// a paper (case parts included). A question with no field is left out; a
// malformed one is an error naming its number. With only set, the form is
// known to answer that question alone (the exam page's script sends one at
// a time) and the rest of the paper is not searched for fields.
func answersFromForm(form url.Values, paper []*quiz.Question, only string) (map[string]quiz.Answer, error) {
	out := map[string]quiz.Answer{}
	var walk func(q *quiz.Question, num int) error
	walk = func(q *quiz.Question, num int) error {
		for _, p := range q.Parts {
			if err := walk(p, num); err != nil {
				return err
			}
		}
		field := "a:" + q.ID
		var a quiz.Answer
		switch q.Type {
		case quiz.Single:
			if a.Choice = form.Get(field); a.Choice == "" {
				return nil
			}
		case quiz.Multiple:
			// The hidden marker says the question was on the form, so clearing
			// every box saves an empty answer instead of keeping the old one.
			if _, on := form[field+":shown"]; !on && len(form[field]) == 0 {
				return nil
			}
			a.Choices = form[field]
		case quiz.TrueFalse:
			switch form.Get(field) {
			case "":
				return nil
			case "true":
				a.Value = new(bool)
				*a.Value = true
			case "false":
				a.Value = new(bool)
			default:
				return fmt.Errorf("%w: question %d: answer true or false", errFormAnswer, num)
			}
		case quiz.Ordering:
			type item struct {
				id  string
				pos int
			}
			var items []item
			for _, o := range q.Options {
				v := form.Get(field + ":" + o.ID)
				if v == "" {
					continue
				}
				pos, err := strconv.Atoi(v)
				if err != nil {
					return fmt.Errorf("%w: question %d: positions are numbers", errFormAnswer, num)
				}
				items = append(items, item{o.ID, pos})
			}
			// An ordering counts once every item has its place; until then
			// nothing is saved for it (the trainee is still numbering).
			if len(items) < len(q.Options) {
				return nil
			}
			sort.SliceStable(items, func(i, j int) bool { return items[i].pos < items[j].pos })
			for i, it := range items {
				if i > 0 && items[i-1].pos == it.pos {
					return fmt.Errorf("%w: question %d: give each item a different position", errFormAnswer, num)
				}
				a.Order = append(a.Order, it.id)
			}
		case quiz.Matching:
			a.Pairs = map[string]string{}
			for _, l := range q.Left {
				if r := form.Get(field + ":" + l.ID); r != "" {
					a.Pairs[l.ID] = r
				}
			}
			if len(a.Pairs) == 0 {
				return nil
			}
		case quiz.Short:
			vals, ok := form[field]
			if !ok {
				return nil
			}
			a.Text = strings.TrimSpace(vals[0])
		default:
			return nil
		}
		out[q.ID] = a
		return nil
	}
	for i, q := range paper {
		if only != "" && q.ID != only {
			continue
		}
		if err := walk(q, i+1); err != nil {
			return nil, err
		}
	}
	return out, nil
}
