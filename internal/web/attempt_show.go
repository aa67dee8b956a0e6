package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/exam"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/quiz"
)

// questionScale is a submitted attempt's score on the scale of its
// questions: "14/20" for a 20-question paper, a case counting as one
// question whatever its parts. Attempts graded before cases counted as one
// stored their score out of the parts (22 for a paper with two three-part
// cases); their percent, which decided pass or fail and any certificate,
// stands, and is what is carried over to the question scale.
func questionScale(paper []*quiz.Question, a model.Attempt) (points, of float64) {
	for _, q := range paper {
		of += q.Points
	}
	if of == 0 { // every question since removed from the banks
		return a.Score, a.MaxScore
	}
	return a.Percent() * of / 100, of
}

// showAttempt shows an open attempt to answer, with its answers and the
// time left restored, or a submitted one under the course's review policy.
func (h *handler) showAttempt(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	u, _ := currentUser(c)
	ctx := c.Request.Context()
	a, err := h.exams.Attempt(ctx, u.ID, id)
	if errors.Is(err, exam.ErrNotFound) {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	co := h.exams.Course(a)
	if co == nil || a.Kind != model.AttemptExam {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	answers, rows, err := h.exams.Answers(ctx, a)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	views := paperViews(h.exams.Paper(a), a, answers)
	v := h.newView(c, tr(langOf(c.Request), "exam.title")+": "+co.Title)
	if a.Open() {
		if n := c.Query("saved"); n != "" {
			v.Notice = tr(v.Lang, "exam.saved")
		}
		h.renderPaper(views, v.Lang)
		v.D = struct {
			Course   *course.Course
			Attempt  model.Attempt
			Views    []qview
			Answered int
			Now      time.Time
		}{co, a, views, countDone(views), h.now()}
		h.render(c, http.StatusOK, "attempt", v)
		return
	}
	hist, err := h.exams.History(ctx, u.ID, co.ID)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	if c.Query("late") == "1" {
		v.Notice = tr(v.Lang, "exam.late")
	}
	level := exam.Review(co, hist)
	markReview(views, rows, level)
	if level == course.ReviewScore {
		views = nil // nothing of the paper is shown yet
	}
	points, of := questionScale(h.exams.Paper(a), a)
	v.D = struct {
		Course     *course.Course
		Attempt    model.Attempt
		Views      []qview
		Level      string
		Points, Of float64
	}{co, a, views, level, points, of}
	h.render(c, http.StatusOK, "attempt_review", v)
}
