package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/exam"
	"github.com/tdkt/tdkt/internal/model"
)

// showStats shows trainers how each question of a course was answered,
// hardest first, with how often each option was chosen.
func (h *handler) showStats(c *gin.Context) {
	co := h.course(c)
	if co == nil {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	kind := c.Query("kind")
	if kind != model.AttemptPractice {
		kind = model.AttemptExam
	}
	sc, err := h.scopeOf(c)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	stats, err := h.exams.Stats(c.Request.Context(), co, kind, sc)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	v := h.newView(c, tr(langOf(c.Request), "stats.title")+": "+co.Title)
	v.D = struct {
		Course *course.Course
		Kind   string
		Stats  []exam.ItemStat
	}{co, kind, stats}
	h.render(c, http.StatusOK, "stats", v)
}
