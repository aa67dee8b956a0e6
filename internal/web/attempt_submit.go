package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/exam"
)

// submitAttempt saves any answers sent with the form, then grades and closes
// the attempt and shows the result.
func (h *handler) submitAttempt(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok || !h.parseForm(c) {
		return
	}
	_, err := h.storeAnswers(c, id)
	if errors.Is(err, exam.ErrLate) && !wantsJSON(c) {
		// Time ran out as the trainee pressed submit: the attempt was closed
		// at its deadline with the answers saved in time; show that result.
		c.Redirect(http.StatusSeeOther, "/attempts/"+strconv.FormatInt(id, 10)+"?late=1")
		return
	}
	if err != nil {
		h.attemptError(c, err)
		return
	}
	u, _ := currentUser(c)
	a, err := h.exams.Submit(c.Request.Context(), u.ID, id)
	if err != nil {
		h.attemptError(c, err)
		return
	}
	if co := h.exams.Course(a); co != nil {
		h.issueIfEligible(c, u, co)
	}
	if wantsJSON(c) {
		c.JSON(http.StatusOK, gin.H{"submitted": true, "attempt": a.ID})
		return
	}
	c.Redirect(http.StatusSeeOther, "/attempts/"+strconv.FormatInt(a.ID, 10))
}
