package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/exam"
)

// startExam opens an attempt (or resumes the open one) and goes to it.
func (h *handler) startExam(c *gin.Context) {
	u, _ := currentUser(c)
	a, err := h.exams.StartExam(c.Request.Context(), u.ID, c.Param("course"))
	switch {
	case errors.Is(err, exam.ErrNoExam):
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	case errors.Is(err, exam.ErrNoAttemptsLeft):
		h.fail(c, http.StatusConflict, "exam.no_attempts", nil)
		return
	case err != nil:
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	if wantsJSON(c) {
		c.JSON(http.StatusOK, gin.H{"attempt": a.ID, "deadline_ms": a.DeadlineAt.UnixMilli(), "questions": len(a.Questions)})
		return
	}
	c.Redirect(http.StatusSeeOther, "/attempts/"+strconv.FormatInt(a.ID, 10))
}
