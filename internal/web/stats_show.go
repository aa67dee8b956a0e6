package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/auth"
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
	// Narrowed to one unit (and those below it) on request.
	ctx := c.Request.Context()
	tree, err := h.scopedTree(ctx, sc)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	unitCode := c.Query("unit")
	if unitCode != "" {
		unit, err := h.auth.UnitByCode(ctx, unitCode)
		if err != nil || !sc.Has(unit.ID) {
			h.fail(c, http.StatusNotFound, "error.notfound", nil)
			return
		}
		if sc, err = h.auth.Within(ctx, sc, unit.ID); err != nil {
			h.fail(c, http.StatusInternalServerError, "error.internal", err)
			return
		}
	}
	stats, err := h.exams.Stats(ctx, co, kind, sc)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	v := h.newView(c, tr(langOf(c.Request), "stats.title")+": "+co.Title)
	v.Form = map[string]string{"unit": unitCode, "kind": kind}
	v.D = struct {
		Course *course.Course
		Kind   string
		Stats  []exam.ItemStat
		Units  []auth.UnitNode
	}{co, kind, stats, tree}
	h.render(c, http.StatusOK, "stats", v)
}
