package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// logout ends the session on the server as well as in the browser.
func (h *handler) logout(c *gin.Context) {
	if ck, err := c.Request.Cookie(sessionCookie); err == nil {
		if err := h.auth.Logout(c.Request.Context(), ck.Value); err != nil {
			h.fail(c, http.StatusInternalServerError, "error.internal", err)
			return
		}
	}
	h.clearSessionCookie(c)
	c.Redirect(http.StatusSeeOther, "/login")
}
