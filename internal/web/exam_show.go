package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
)

// showExam shows a course exam's rules, the trainee's attempts and the way in.
func (h *handler) showExam(c *gin.Context) {
	co := h.course(c)
	if co == nil || co.Exam == nil {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	u, _ := currentUser(c)
	hist, err := h.exams.History(c.Request.Context(), u.ID, co.ID)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	var open *model.Attempt
	passed := false
	for i := range hist {
		if hist[i].Open() {
			open = &hist[i]
		}
		passed = passed || hist[i].Passed
	}
	left := -1
	if co.Exam.MaxAttempts > 0 {
		left = max(0, co.Exam.MaxAttempts-len(hist))
	}
	v := h.newView(c, tr(langOf(c.Request), "exam.title")+": "+co.Title)
	v.D = struct {
		Course  *course.Course
		Exam    *course.ExamConfig
		History []model.Attempt
		Open    *model.Attempt
		Left    int
		Passed  bool
		Minutes int
	}{co, co.Exam, hist, open, left, passed, int(co.Exam.TimeLimit.Minutes())}
	h.render(c, http.StatusOK, "exam", v)
}
