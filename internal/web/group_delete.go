package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/store"
)

// deleteGroup removes a group of the user's with its enrolments; what the
// officers did stays.
func (h *handler) deleteGroup(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	sc, err := h.scopeOf(c)
	if err == nil {
		me, _ := currentUser(c)
		err = h.enrol.DeleteGroup(c.Request.Context(), id, me.ID, sc, h.now())
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
	case err != nil:
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
	default:
		c.Redirect(http.StatusSeeOther, "/manage/enrol")
	}
}
