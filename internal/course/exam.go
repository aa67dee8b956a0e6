package course

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/tdkt/tdkt/internal/quiz"
)

// Review policies: what a trainee sees of a submitted exam attempt.
const (
	ReviewScore   = "score"   // the score and pass or fail only
	ReviewMarks   = "marks"   // also which questions were right or wrong
	ReviewAnswers = "answers" // also the correct answers, explanations and citations

	ReviewAfterSubmit      = "submit"       // as soon as the attempt is submitted
	ReviewAfterLastAttempt = "last_attempt" // once no attempt is left or the exam is passed; the score before
)

// ExamConfig is the course exam, from the exam: block of course.md.
type ExamConfig struct {
	Questions   int
	TimeLimit   time.Duration
	MaxAttempts int // 0: unlimited
	PassPercent float64
	Mix         map[quiz.Difficulty]int // percent of questions per difficulty; empty: any
	Tags        []string                // draw only questions with one of these tags; empty: all
	Review      string
	ReviewAfter string
	line        int
}

// CertRules says what earns the course certificate, from the certificate:
// block of course.md.
type CertRules struct {
	Hours                 float64
	RequireModules        []string // module ids; all modules when the block says "all"
	ExamMinPercent        float64  // 0: the exam's pass mark
	LiveAttendancePercent float64  // share of required live sessions attended; 0: none required
}

func decodeExam(keyLine int, v *yaml.Node, add func(int, string, ...any)) *ExamConfig {
	e := &ExamConfig{Review: ReviewAnswers, ReviewAfter: ReviewAfterLastAttempt, line: keyLine}
	if v.Kind != yaml.MappingNode {
		add(v.Line+1, "exam must be a block of key: value lines")
		return nil
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		line := k.Line + 1
		num := func(min, max float64) (float64, bool) {
			var f float64
			if val.Kind != yaml.ScalarNode || val.Decode(&f) != nil || f < min || f > max {
				add(line, "exam %s must be a number from %g to %g, got %q", k.Value, min, max, val.Value)
				return 0, false
			}
			return f, true
		}
		switch k.Value {
		case "questions":
			if f, ok := num(1, 500); ok {
				e.Questions = int(f)
			}
		case "time_limit_minutes":
			if f, ok := num(1, 600); ok {
				e.TimeLimit = time.Duration(f * float64(time.Minute))
			}
		case "max_attempts":
			if f, ok := num(0, 100); ok {
				e.MaxAttempts = int(f)
			}
		case "pass_percent":
			if f, ok := num(0, 100); ok {
				e.PassPercent = f
			}
		case "difficulty_mix":
			var mix map[string]int
			if val.Decode(&mix) != nil {
				add(line, "exam difficulty_mix must map easy, medium, hard to percentages")
				continue
			}
			e.Mix = map[quiz.Difficulty]int{}
			sum := 0
			for d, p := range mix {
				if d != "easy" && d != "medium" && d != "hard" || p < 0 {
					add(line, "exam difficulty_mix: %q: use easy, medium, hard with percentages", d)
					continue
				}
				e.Mix[quiz.Difficulty(d)] = p
				sum += p
			}
			if sum != 100 {
				add(line, "exam difficulty_mix must add up to 100, got %d", sum)
			}
		case "tags":
			if val.Decode(&e.Tags) != nil {
				add(line, "exam tags must be a list like [tham-quyen, thu-tuc]")
			}
		case "review":
			e.Review = val.Value
			if !slices.Contains([]string{ReviewScore, ReviewMarks, ReviewAnswers}, e.Review) {
				add(line, "exam review must be score, marks or answers, got %q", val.Value)
			}
		case "review_after":
			e.ReviewAfter = val.Value
			if e.ReviewAfter != ReviewAfterSubmit && e.ReviewAfter != ReviewAfterLastAttempt {
				add(line, "exam review_after must be submit or last_attempt, got %q", val.Value)
			}
		default:
			add(line, "unknown exam field %q (allowed: questions, time_limit_minutes, max_attempts, pass_percent, difficulty_mix, tags, review, review_after)", k.Value)
		}
	}
	if e.Questions == 0 {
		add(e.line, "exam needs questions: the number of questions drawn for each attempt")
	}
	if e.TimeLimit == 0 {
		add(e.line, "exam needs time_limit_minutes")
	}
	return e
}

func decodeCert(keyLine int, v *yaml.Node, add func(int, string, ...any)) *CertRules {
	c := &CertRules{}
	if v.Kind != yaml.MappingNode {
		add(v.Line+1, "certificate must be a block of key: value lines")
		return nil
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		line := k.Line + 1
		pct := func() float64 {
			var f float64
			if val.Decode(&f) != nil || f < 0 || f > 100 {
				add(line, "certificate %s must be a percentage from 0 to 100, got %q", k.Value, val.Value)
			}
			return f
		}
		switch k.Value {
		case "hours":
			if val.Decode(&c.Hours) != nil || c.Hours <= 0 || c.Hours > 1000 {
				add(line, "certificate hours must be a positive number, got %q", val.Value)
			}
		case "require_modules":
			if val.Kind == yaml.ScalarNode && val.Value == "all" {
				c.RequireModules = []string{"all"}
			} else if val.Decode(&c.RequireModules) != nil {
				add(line, "certificate require_modules must be all or a list of module ids")
			}
		case "exam_min_percent":
			c.ExamMinPercent = pct()
		case "live_attendance_percent":
			c.LiveAttendancePercent = pct()
		default:
			add(line, "unknown certificate field %q (allowed: hours, require_modules, exam_min_percent, live_attendance_percent)", k.Value)
		}
	}
	if c.Hours == 0 {
		add(keyLine, "certificate needs hours: the training hours printed on it")
	}
	return c
}

// checkExam reports an exam that could not draw its paper from the banks.
func checkExam(co *Course) []Problem {
	e := co.Exam
	file := co.ID + "/course.md"
	var probs []Problem
	pool := co.ExamPool()
	for _, t := range e.Tags {
		if !slices.ContainsFunc(co.Bank, func(q *quiz.Question) bool { return slices.Contains(q.Tags, t) }) {
			probs = append(probs, Problem{file, e.line, fmt.Sprintf("exam tag %q is on no question of the course", t), false})
		}
	}
	for d, n := range e.Counts() {
		have := 0
		for _, q := range pool {
			if d == "" || q.Difficulty == d {
				have++
			}
		}
		if have < n {
			what := "questions"
			if d != "" {
				what = string(d) + " questions"
			}
			probs = append(probs, Problem{file, e.line, fmt.Sprintf("exam draws %d %s but the banks have %d", n, what, have), false})
		}
	}
	return probs
}

// ExamPool returns the questions the exam may draw from.
func (co *Course) ExamPool() []*quiz.Question {
	if co.Exam == nil || len(co.Exam.Tags) == 0 {
		return co.Bank
	}
	var out []*quiz.Question
	for _, q := range co.Bank {
		if slices.ContainsFunc(q.Tags, func(t string) bool { return slices.Contains(co.Exam.Tags, t) }) {
			out = append(out, q)
		}
	}
	return out
}

// Counts returns how many questions of each difficulty a paper has ("" for
// any difficulty), rounding so the counts add up to Questions.
func (e *ExamConfig) Counts() map[quiz.Difficulty]int {
	if len(e.Mix) == 0 {
		return map[quiz.Difficulty]int{"": e.Questions}
	}
	out := map[quiz.Difficulty]int{}
	left := e.Questions
	order := []quiz.Difficulty{quiz.Hard, quiz.Medium, quiz.Easy}
	for i, d := range order {
		if i == len(order)-1 {
			out[d] = left
			break
		}
		n := int(math.Round(float64(e.Questions*e.Mix[d]) / 100))
		n = min(n, left)
		out[d] = n
		left -= n
	}
	return out
}

// DrawPaper picks an attempt's questions, reproducibly from seed.
func (co *Course) DrawPaper(seed uint64) []*quiz.Question {
	pool := co.ExamPool()
	var paper []*quiz.Question
	counts := co.Exam.Counts()
	for _, d := range []quiz.Difficulty{"", quiz.Easy, quiz.Medium, quiz.Hard} {
		n, ok := counts[d]
		if !ok || n == 0 {
			continue
		}
		var group []*quiz.Question
		for _, q := range pool {
			if d == "" || q.Difficulty == d {
				group = append(group, q)
			}
		}
		paper = append(paper, quiz.Draw(group, n, seed+uint64(len(d)))...)
	}
	return quiz.Draw(paper, len(paper), seed) // mix the difficulties in the paper
}

// RequiredModules returns the modules a certificate needs.
func (co *Course) RequiredModules() []*Module {
	if co.Cert == nil {
		return nil
	}
	if len(co.Cert.RequireModules) == 1 && co.Cert.RequireModules[0] == "all" {
		return co.Modules
	}
	var out []*Module
	for _, id := range co.Cert.RequireModules {
		if m := co.module(strings.TrimSpace(id)); m != nil {
			out = append(out, m)
		}
	}
	return out
}
