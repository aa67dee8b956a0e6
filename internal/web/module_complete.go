package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// completeModule marks a module as done: from the button, or from the
// reader's script when the end of the text is reached (both JSON when the
// script runs). Without a script the button's form post comes back to the
// module's end, which now says it is done and links onwards: marking done
// never moves the reader on by itself. Repeating it is harmless.
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
	c.Redirect(http.StatusSeeOther, "/courses/"+m.Course.ID+"/modules/"+m.ID+"#complete")
}
