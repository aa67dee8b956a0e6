package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func (h *handler) notFound(c *gin.Context) {
	h.fail(c, http.StatusNotFound, "error.notfound", nil)
}

func (h *handler) methodNotAllowed(c *gin.Context) {
	h.fail(c, http.StatusMethodNotAllowed, "error.method", nil)
}
