package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// listUnits shows the unit tree.
func (h *handler) listUnits(c *gin.Context) {
	tree, err := h.auth.UnitTree(c.Request.Context())
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	v := h.newView(c, tr(langOf(c.Request), "units.title"))
	switch c.Query("saved") {
	case "1":
		v.Notice = tr(v.Lang, "units.saved")
	}
	v.D = tree
	h.render(c, http.StatusOK, "unit_list", v)
}
