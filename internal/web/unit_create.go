package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/model"
)

// createUnit validates and stores a new unit.
func (h *handler) createUnit(c *gin.Context) {
	if !h.parseForm(c) {
		return
	}
	in, form := unitInput(c)
	_, err := h.auth.CreateUnit(c.Request.Context(), in)
	if h.saveResult(c, err, func(verr model.ValidationError) {
		h.showUnitForm(c, http.StatusUnprocessableEntity, 0, form, verr)
	}) {
		c.Redirect(http.StatusSeeOther, "/admin/units?saved=1")
	}
}
