package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/exam"
	"github.com/tdkt/tdkt/internal/model"
)

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
		}{co, a, views, len(answers), h.now()}
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
	v.D = struct {
		Course  *course.Course
		Attempt model.Attempt
		Views   []qview
		Level   string
	}{co, a, views, level}
	h.render(c, http.StatusOK, "attempt_review", v)
}
