package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
)

// submitAttempt saves any answers sent with the form, then grades and closes
// the attempt and shows the result.
func (h *handler) submitAttempt(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok || !h.parseForm(c) {
		return
	}
	if _, ok := h.storeAnswers(c, id); !ok {
		return
	}
	u, _ := currentUser(c)
	a, err := h.exams.Submit(c.Request.Context(), u.ID, id)
	if err != nil {
		h.attemptError(c, err)
		return
	}
	if wantsJSON(c) {
		c.JSON(http.StatusOK, gin.H{"submitted": true, "attempt": a.ID})
		return
	}
	c.Redirect(http.StatusSeeOther, "/attempts/"+strconv.FormatInt(a.ID, 10))
}
