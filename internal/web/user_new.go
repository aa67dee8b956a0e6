package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// newUser shows an empty account form.
func (h *handler) newUser(c *gin.Context) {
	h.showUserForm(c, http.StatusOK, 0, map[string]string{"role": "trainee", "unit": c.Query("unit")}, nil, "")
}
