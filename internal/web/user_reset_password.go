package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// resetUserPassword gives an account a new one-time password, shown once.
func (h *handler) resetUserPassword(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	u, err := h.auth.User(ctx, id)
	if err != nil {
		h.saveResult(c, err, nil)
		return
	}
	me, _ := currentUser(c)
	pw, err := h.auth.ResetPassword(ctx, id, me.ID)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	unit, err := h.auth.Unit(ctx, u.UnitID)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	form := map[string]string{"username": u.Username, "full_name": u.FullName, "role": string(u.Role), "unit": unit.Code}
	h.showUserForm(c, http.StatusOK, id, form, nil, pw)
}
