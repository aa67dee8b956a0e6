package loadtest

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"sync"
	"time"
)

// CapacityStep is one rate tried by --find-capacity.
type CapacityStep struct {
	StartsPerS  float64 `json:"starts_per_s"` // offered: trainees starting each second
	Trainees    int     `json:"trainees"`
	DurationS   float64 `json:"duration_s"` // first start to last submission
	AnswersPerS float64 `json:"answers_per_s"`
	Requests    int     `json:"requests"`
	P50Ms       float64 `json:"p50_ms"`
	P99Ms       float64 `json:"p99_ms"` // from each request's first try

	MaxMs       float64 `json:"max_ms"`
	WaitAnswers int64   `json:"waiting_room_answers"`
	Errors      int64   `json:"errors"`
	Passed      bool    `json:"passed"`
	Why         string  `json:"why,omitempty"`
}

// CapacityReport is what --find-capacity found: the highest start rate
// whose requests (start, paper, twenty answers, submission) were all served
// without errors and with p99 under the target, each timed from its first
// try, so time spent in the waiting room counts: a server that turns work
// away is no faster for it.
type CapacityReport struct {
	TargetP99Ms            float64        `json:"target_p99_ms"`
	Steps                  []CapacityStep `json:"steps"`
	SustainableStartsPerS  float64        `json:"sustainable_starts_per_s"`
	SustainableAnswersPerS float64        `json:"sustainable_answers_per_s"`
	Stopped                string         `json:"stopped"`
}

// findCapacity raises the start rate step by step: each step starts
// Rate×Step trainees evenly over Step, each answering back to back, and
// waits for all of them to finish before the next. A step that fails is
// tried once more (a machine has its moments); two failures end the search.
func findCapacity(ctx context.Context, cfg ExamConfig, client *http.Client, base, course string, sessions []string,
	logf func(string, ...any)) (CapacityReport, error) {
	rate, growth, step, target := cfg.Rate, cfg.Growth, cfg.Step, cfg.Target
	if rate <= 0 {
		rate = 20
	}
	if growth <= 1 {
		growth = 1.25
	}
	if step <= 0 {
		step = 5 * time.Second
	}
	if target <= 0 {
		target = 300 * time.Millisecond
	}
	rep := CapacityReport{TargetP99Ms: ms(target)}
	next, retried := 0, false
	for ctx.Err() == nil {
		n := int(math.Ceil(rate * step.Seconds()))
		if next+n > len(sessions) {
			rep.Stopped = fmt.Sprintf("ran out of trainees at %.0f starts/s (seed more with --trainees)", rate)
			return rep, nil
		}
		st := capacityStep(ctx, client, base, course, sessions[next:next+n], rate, step, target, cfg.Submit)
		next += n
		rep.Steps = append(rep.Steps, st)
		logf("%.1f starts/s: p99 %.1f ms, %.0f answers/s, waiting room %d, errors %d: %s",
			st.StartsPerS, st.P99Ms, st.AnswersPerS, st.WaitAnswers, st.Errors, map[bool]string{true: "ok", false: st.Why}[st.Passed])
		switch {
		case st.Passed:
			rep.SustainableStartsPerS, rep.SustainableAnswersPerS = st.StartsPerS, st.AnswersPerS
			rate *= growth
			retried = false
		case !retried:
			retried = true // the same rate once more
		default:
			rep.Stopped = fmt.Sprintf("%.1f starts/s failed twice: %s", rate, st.Why)
			return rep, nil
		}
		select { // let the last step's writes settle
		case <-time.After(time.Second):
		case <-ctx.Done():
		}
	}
	return rep, ctx.Err()
}

func capacityStep(ctx context.Context, client *http.Client, base, course string, sessions []string, rate float64,
	step, target time.Duration, submit bool) CapacityStep {
	run := newExamRun()
	begin := time.Now()
	var wg sync.WaitGroup
	for i, tok := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			at := begin.Add(time.Duration(float64(i) / rate * float64(time.Second)))
			select {
			case <-time.After(time.Until(at)):
			case <-ctx.Done():
				return
			}
			run.trainee(ctx, trainee{client: client, base: base, cookie: &http.Cookie{Name: "tdkt_session", Value: tok}, waits: run.waits, whole: true},
				course, 0, submit)
		}()
	}
	wg.Wait()
	took := time.Since(begin)
	var sum ExamSummary
	run.summarize(&sum)
	st := CapacityStep{StartsPerS: round(rate), Trainees: len(sessions), DurationS: round(took.Seconds()),
		AnswersPerS: round(float64(sum.AnswersSaved) / took.Seconds()), Requests: len(run.all),
		P99Ms: sum.AdmittedP99Ms, MaxMs: sum.AdmittedMaxMs, WaitAnswers: sum.WaitAnswers, Errors: sum.Errors}
	st.P50Ms = pct(run.all, 50)
	switch {
	case sum.Errors > 0:
		st.Why = fmt.Sprintf("%d errors (%s)", sum.Errors, sum.FirstError)
	case st.P99Ms > ms(target):
		st.Why = fmt.Sprintf("p99 %.1f ms over %.0f ms", st.P99Ms, ms(target))
	default:
		st.Passed = true
	}
	return st
}
