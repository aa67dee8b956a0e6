package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// newUnit shows an empty unit form; ?parent=CODE preselects the parent.
func (h *handler) newUnit(c *gin.Context) {
	h.showUnitForm(c, http.StatusOK, 0, map[string]string{"parent": c.Query("parent"), "kind": c.Query("kind")}, nil)
}
