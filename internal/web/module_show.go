package web

import (
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/course"
)

// showModule is the reader: the rendered module with its table of contents,
// progress in the course and the way to the previous and next modules.
func (h *handler) showModule(c *gin.Context) {
	m := h.module(c)
	if m == nil {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	u, _ := currentUser(c)
	// A course downloaded for offline reading asks for every module; that is
	// not reading, and the reading done offline is reported later.
	if c.GetHeader("X-Tdkt-Download") == "" {
		h.tracker.Visit(u.ID, m, h.now())
	}
	p, err := h.tracker.Progress(c.Request.Context(), u.ID)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	done, total, pct := p.CourseStats(m.Course)
	v := h.newView(c, m.Title)
	v.body = h.bodies[bodyKey{v.Lang, m}]
	v.D = struct {
		Module                *course.Module
		Body                  template.HTML
		Done                  bool
		DoneN, Total, Percent int
	}{m, fragmentMarker, p.Module(m).Done(), done, total, pct}
	h.render(c, http.StatusOK, "module", v)
}
