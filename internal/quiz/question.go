// Package quiz owns assessment: the question-bank format and its checks,
// shuffling, and grading. Everything here is pure: no database, no clock.
package quiz

import "html/template"

// Type is the kind of a question.
type Type string

const (
	Single    Type = "single"   // one correct option
	Multiple  Type = "multiple" // several correct options, partial credit
	TrueFalse Type = "truefalse"
	Ordering  Type = "ordering" // put the items in order (e.g. the steps of a dossier procedure)
	Matching  Type = "matching" // pair each left item with a right item (e.g. title ↔ deciding authority)
	Short     Type = "short"    // a short text or number, with accepted variants
	Case      Type = "case"     // a scenario with several sub-questions
)

var types = map[Type]bool{Single: true, Multiple: true, TrueFalse: true, Ordering: true, Matching: true, Short: true, Case: true}

// Difficulty grades a question for drawing exam papers.
type Difficulty string

const (
	Easy   Difficulty = "easy"
	Medium Difficulty = "medium"
	Hard   Difficulty = "hard"
)

// Citation is the legal ground of a question: a document and its articles.
type Citation struct {
	Document string   // e.g. "06/2022/QH15"
	Articles []string // e.g. ["Điều 5"]
}

// Option is a choice, an item to order, or one side of a matching pair.
// Its ID is the letter of its place in the source (a, b, c …), so answers
// and statistics stay attached when the bank is reloaded.
type Option struct {
	ID   string
	HTML template.HTML
	Text string // plain text, for statistics and exports
}

// Question is one item of a bank, or a sub-question of a case.
type Question struct {
	ID         string // stable id; a sub-question's is "case-id/sub-id"
	Type       Type
	Difficulty Difficulty
	Tags       []string
	Cite       []Citation
	Points     float64
	Stem       template.HTML
	StemText   string
	Explain    template.HTML

	Options []Option // single, multiple: choices; ordering: items in the correct order
	Correct []string // single, multiple: ids of the correct options
	Answer  bool     // truefalse
	Left    []Option // matching: left items; Right[i] is the match of Left[i]
	Right   []Option // matching: right items, including distractors after the pairs
	Accept  []string // short: accepted answers
	Match   string   // short: "fold" (ignore case and diacritics), "exact", or "number"
	Partial bool     // multiple, ordering: partial credit (the default)
	Shuffle bool     // shuffle options in an attempt (the default)
	Parts   []*Question

	File     string
	Line     int
	Module   string // module id the bank belongs to; "" for course-wide banks
	Outdated bool   // cites a document no longer in force: drawn no more until reviewed
}

// Bank is the questions of one file.
type Bank struct {
	File      string
	Module    string
	Questions []*Question
}
