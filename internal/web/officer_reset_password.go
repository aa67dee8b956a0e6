package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/model"
)

// resetOfficerPassword lets a trainer give an officer in their charge a new
// first password, printed on a slip: officers forget passwords, and the
// administrator is far away.
func (h *handler) resetOfficerPassword(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	u, err := h.auth.User(ctx, id)
	var sc model.Scope
	if err == nil {
		sc, err = h.scopeOf(c)
	}
	// Only trainees in scope: another trainer's or an admin's password is
	// the administrator's business.
	if err != nil || !sc.Has(u.UnitID) || u.Role != model.RoleTrainee {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
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
	h.renderSlips(c, []auth.Slip{{Username: u.Username, Password: pw, FullName: u.FullName, Unit: unit.Name}}, "phieu-dang-nhap-"+u.Username, false)
}
