package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// listDocuments shows the register of legal documents with their status.
func (h *handler) listDocuments(c *gin.Context) {
	v := h.newView(c, tr(langOf(c.Request), "docs.title"))
	v.D = h.cat.Register
	h.render(c, http.StatusOK, "document_list", v)
}
