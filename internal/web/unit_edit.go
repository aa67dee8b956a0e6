package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// editUnit shows the form for an existing unit.
func (h *handler) editUnit(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	u, err := h.auth.Unit(c.Request.Context(), id)
	if err != nil {
		h.saveResult(c, err, nil)
		return
	}
	parent := ""
	if u.ParentID != 0 {
		if p, err := h.auth.Unit(c.Request.Context(), u.ParentID); err == nil {
			parent = p.Code
		}
	}
	h.showUnitForm(c, http.StatusOK, id, map[string]string{"code": u.Code, "name": u.Name, "kind": string(u.Kind), "parent": parent}, nil)
}
