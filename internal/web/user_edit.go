package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// editUser shows the form for an existing account.
func (h *handler) editUser(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	u, err := h.auth.User(c.Request.Context(), id)
	if err != nil {
		h.saveResult(c, err, nil)
		return
	}
	unit, err := h.auth.Unit(c.Request.Context(), u.UnitID)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	inCharge, err := h.auth.InCharge(c.Request.Context(), u)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	form := map[string]string{"username": u.Username, "full_name": u.FullName, "role": string(u.Role), "unit": unit.Code, "in_charge": inCharge}
	if u.Disabled {
		form["disabled"] = "1"
	}
	h.showUserForm(c, http.StatusOK, id, form, nil, "")
}
