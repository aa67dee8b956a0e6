package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// completeModule marks a module as done: from the button (a form post that
// moves on to the next module) or from the reader's script when the end of
// the text is reached (JSON). Repeating it is harmless.
func (h *handler) completeModule(c *gin.Context) {
	m := h.module(c)
	if m == nil {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	u, _ := currentUser(c)
	if err := h.tracker.Complete(c.Request.Context(), u.ID, m, h.now()); err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	h.issueIfEligible(c, u, m.Course)
	if wantsJSON(c) {
		p, err := h.tracker.Progress(c.Request.Context(), u.ID)
		if err != nil {
			h.fail(c, http.StatusInternalServerError, "error.internal", err)
			return
		}
		done, total, pct := p.CourseStats(m.Course)
		c.JSON(http.StatusOK, gin.H{"done": true, "course_done": done, "course_total": total, "course_percent": pct})
		return
	}
	next := "/courses/" + m.Course.ID
	if n := m.Next(); n != nil {
		next += "/modules/" + n.ID
	}
	c.Redirect(http.StatusSeeOther, next)
}
