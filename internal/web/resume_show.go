package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// resumeReading sends the user back to the module they read last, or to the
// catalog when they have not started.
func (h *handler) resumeReading(c *gin.Context) {
	u, _ := currentUser(c)
	p, err := h.tracker.Progress(c.Request.Context(), u.ID)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	if m := p.Resume(h.cat); m != nil {
		c.Redirect(http.StatusSeeOther, "/courses/"+m.Course.ID+"/modules/"+m.ID)
		return
	}
	c.Redirect(http.StatusSeeOther, "/")
}
