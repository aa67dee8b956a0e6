package exam

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/quiz"
)

// ItemStat is how trainees did on one question (or case part).
type ItemStat struct {
	Question  *quiz.Question
	Responses int
	Correct   int     // fully right
	MeanScore float64 // average share of the points, 0–1
	Options   []OptionStat
}

// OptionStat is how often a choice was picked.
type OptionStat struct {
	Option  quiz.Option
	Right   bool
	Chosen  int
	Percent float64
}

// Stats returns the item statistics of a course's questions from graded
// answers of the given kind ("exam" or "practice"), hardest first: the
// questions officers get wrong most often are the ones to teach again.
//
// sc limits them to trainees of the units in scope.
func (s *Service) Stats(ctx context.Context, co *course.Course, kind string, sc model.Scope) ([]ItemStat, error) {
	rows, err := s.db.ItemResponses(ctx, co.ID, kind, sc.UnitIDs())
	if err != nil {
		return nil, fmt.Errorf("exam: stats: %w", err)
	}
	by := map[string]*ItemStat{}
	for _, r := range rows {
		q := co.Questions[r.QuestionID]
		if q == nil {
			continue // removed from the banks since
		}
		st := by[q.ID]
		if st == nil {
			st = &ItemStat{Question: q}
			for _, o := range q.Options {
				if q.Type == quiz.Single || q.Type == quiz.Multiple {
					st.Options = append(st.Options, OptionStat{Option: o, Right: contains(q.Correct, o.ID)})
				}
			}
			by[q.ID] = st
		}
		st.Responses++
		st.MeanScore += r.Score
		if r.Score >= 1-1e-9 {
			st.Correct++
		}
		var a quiz.Answer
		if json.Unmarshal([]byte(r.Answer), &a) != nil {
			continue
		}
		for i := range st.Options {
			if st.Options[i].Option.ID == a.Choice || contains(a.Choices, st.Options[i].Option.ID) {
				st.Options[i].Chosen++
			}
		}
	}
	out := make([]ItemStat, 0, len(by))
	for _, st := range by {
		st.MeanScore /= float64(st.Responses)
		for i := range st.Options {
			st.Options[i].Percent = float64(st.Options[i].Chosen) * 100 / float64(st.Responses)
		}
		out = append(out, *st)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].MeanScore != out[j].MeanScore {
			return out[i].MeanScore < out[j].MeanScore
		}
		return out[i].Question.ID < out[j].Question.ID
	})
	return out, nil
}

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// TopWrong is the wrong option chosen most often, if any was chosen: the
// misreading of the rule a trainer should take up again.
func (s ItemStat) TopWrong() *OptionStat {
	var top *OptionStat
	for i := range s.Options {
		o := &s.Options[i]
		if !o.Right && o.Chosen > 0 && (top == nil || o.Chosen > top.Chosen) {
			top = o
		}
	}
	return top
}
