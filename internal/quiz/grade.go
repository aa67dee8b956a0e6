package quiz

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tdkt/tdkt/internal/viet"
)

// MaxTextAnswer bounds a short answer; longer input is refused, not cut.
const MaxTextAnswer = 500

// Answer is what a trainee gives to one question (or one case part). Only
// the field of the question's type is used.
type Answer struct {
	Choice  string            `json:"choice,omitempty"`  // single
	Choices []string          `json:"choices,omitempty"` // multiple
	Value   *bool             `json:"value,omitempty"`   // truefalse
	Order   []string          `json:"order,omitempty"`   // ordering: option ids, first to last
	Pairs   map[string]string `json:"pairs,omitempty"`   // matching: left id → right id
	Text    string            `json:"text,omitempty"`    // short
}

// ErrInvalidAnswer wraps every reason an answer does not fit its question.
var ErrInvalidAnswer = errors.New("quiz: invalid answer")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidAnswer, fmt.Sprintf(format, args...))
}

// Check reports whether a fits q: the right field for the type, option ids
// that exist, no repeats, text within bounds. Grading assumes a checked answer.
func Check(q *Question, a Answer) error {
	has := func(opts []Option, id string) bool {
		return slices.ContainsFunc(opts, func(o Option) bool { return o.ID == id })
	}
	switch q.Type {
	case Single:
		if a.Choice == "" {
			return invalid("choose one option")
		}
		if !has(q.Options, a.Choice) {
			return invalid("option %q does not exist in question %s", a.Choice, q.ID)
		}
	case Multiple:
		seen := map[string]bool{}
		for _, c := range a.Choices {
			if !has(q.Options, c) {
				return invalid("option %q does not exist in question %s", c, q.ID)
			}
			if seen[c] {
				return invalid("option %q is chosen twice", c)
			}
			seen[c] = true
		}
	case TrueFalse:
		if a.Value == nil {
			return invalid("answer true or false")
		}
	case Ordering:
		if len(a.Order) != len(q.Options) {
			return invalid("order all %d items", len(q.Options))
		}
		seen := map[string]bool{}
		for _, id := range a.Order {
			if !has(q.Options, id) || seen[id] {
				return invalid("item %q is unknown or repeated", id)
			}
			seen[id] = true
		}
	case Matching:
		used := map[string]bool{}
		for l, r := range a.Pairs {
			if !has(q.Left, l) {
				return invalid("left item %q does not exist in question %s", l, q.ID)
			}
			if !has(q.Right, r) {
				return invalid("right item %q does not exist in question %s", r, q.ID)
			}
			if used[r] {
				return invalid("right item %q is matched twice", r)
			}
			used[r] = true
		}
	case Short:
		if utf8.RuneCountInString(a.Text) > MaxTextAnswer {
			return invalid("the answer is longer than %d characters", MaxTextAnswer)
		}
		if !utf8.ValidString(a.Text) {
			return invalid("the answer is not valid text")
		}
	default:
		return invalid("question %s cannot be answered directly", q.ID)
	}
	return nil
}

// Grade returns the share of q's points that a earns, from 0 to 1.
//
// Partial credit rules:
//   - multiple: (correct options chosen − wrong options chosen) ÷ correct
//     options, never below 0; with "partial: no", 1 only for the exact set.
//   - ordering: adjacent pairs in the right order ÷ (items − 1); with
//     "partial: no", 1 only for the whole order.
//   - matching: right pairs ÷ pairs.
func Grade(q *Question, a Answer) float64 {
	switch q.Type {
	case Single:
		if len(q.Correct) == 1 && a.Choice == q.Correct[0] {
			return 1
		}
	case Multiple:
		right, wrong := 0, 0
		for _, c := range a.Choices {
			if slices.Contains(q.Correct, c) {
				right++
			} else {
				wrong++
			}
		}
		if !q.Partial {
			if right == len(q.Correct) && wrong == 0 {
				return 1
			}
			return 0
		}
		return math.Max(0, float64(right-wrong)/float64(len(q.Correct)))
	case TrueFalse:
		if a.Value != nil && *a.Value == q.Answer {
			return 1
		}
	case Ordering:
		// q.Options is the correct order; item ids are their places in it.
		pos := map[string]int{}
		for i, o := range q.Options {
			pos[o.ID] = i
		}
		if len(a.Order) != len(q.Options) || len(q.Options) < 2 {
			return 0
		}
		good := 0
		for i := 1; i < len(a.Order); i++ {
			if pos[a.Order[i]] == pos[a.Order[i-1]]+1 {
				good++
			}
		}
		if !q.Partial {
			if good == len(a.Order)-1 {
				return 1
			}
			return 0
		}
		return float64(good) / float64(len(a.Order)-1)
	case Matching:
		if len(q.Left) == 0 {
			return 0
		}
		good := 0
		for i, l := range q.Left {
			if a.Pairs[l.ID] == q.Right[i].ID {
				good++
			}
		}
		return float64(good) / float64(len(q.Left))
	case Short:
		for _, acc := range q.Accept {
			if shortMatches(q.Match, acc, a.Text) {
				return 1
			}
		}
	}
	return 0
}

func shortMatches(mode, accepted, given string) bool {
	switch mode {
	case "number":
		x, ok1 := ParseNumber(accepted)
		y, ok2 := ParseNumber(given)
		return ok1 && ok2 && math.Abs(x-y) < 1e-9*math.Max(1, math.Abs(x))
	case "exact":
		return squash(accepted) == squash(given)
	default:
		return lenient(accepted) == lenient(given)
	}
}

// lenient folds s for comparison: case, diacritics and punctuation
// are dropped and spaces collapsed, since trainees typing on phones leave
// out commas and marks without meaning anything by it.
func lenient(s string) string {
	s = viet.Fold(s)
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		} else {
			b.WriteRune(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// squash trims, folds runs of space and drops a final full stop, which
// trainees add or leave out without meaning anything by it.
func squash(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.TrimRightFunc(s, func(r rune) bool { return r == '.' || unicode.IsSpace(r) })
}

// ParseNumber reads a number written the Vietnamese way ("2.340.000",
// "0,3") or the English way ("2,340,000", "0.3"), with optional spaces, a
// leading word ("Điều 80", "khoảng 70") and a trailing unit ("2.340.000
// đồng", "70%").
func ParseNumber(s string) (float64, bool) {
	s = strings.TrimLeftFunc(strings.TrimSpace(s), func(r rune) bool { return unicode.IsLetter(r) || unicode.IsSpace(r) })
	s = strings.TrimSuffix(strings.TrimSpace(s), "%")
	if i := strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) }); i > 0 {
		s = strings.TrimSpace(s[:i])
	}
	s = strings.ReplaceAll(s, " ", "")
	if s == "" {
		return 0, false
	}
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	switch {
	case dots > 1 && commas <= 1: // 2.340.000 or 2.340.000,5
		s = strings.ReplaceAll(s, ".", "")
		s = strings.Replace(s, ",", ".", 1)
	case commas > 1 && dots <= 1: // 2,340,000 or 2,340,000.5
		s = strings.ReplaceAll(s, ",", "")
	case dots == 1 && commas == 1: // 2.340,5 or 2,340.5: the later mark is the decimal one
		if strings.Index(s, ",") > strings.Index(s, ".") {
			s = strings.Replace(strings.Replace(s, ".", "", 1), ",", ".", 1)
		} else {
			s = strings.Replace(s, ",", "", 1)
		}
	case commas == 1: // 0,3
		s = strings.Replace(s, ",", ".", 1)
	case dots == 1: // 0.3, or 2.340 meaning two thousand three hundred forty
		if i := strings.Index(s, "."); len(s)-i-1 == 3 && i > 0 && i <= 3 {
			s = strings.Replace(s, ".", "", 1)
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil && !math.IsNaN(v) && !math.IsInf(v, 0)
}
