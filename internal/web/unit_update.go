package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/model"
)

// updateUnit validates and saves an existing unit.
func (h *handler) updateUnit(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok || !h.parseForm(c) {
		return
	}
	in, form := unitInput(c)
	_, err := h.auth.UpdateUnit(c.Request.Context(), id, in)
	if h.saveResult(c, err, func(verr model.ValidationError) {
		h.showUnitForm(c, http.StatusUnprocessableEntity, id, form, verr)
	}) {
		c.Redirect(http.StatusSeeOther, "/admin/units?saved=1")
	}
}
