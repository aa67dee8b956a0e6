package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// showPasswordChange shows the password form; it is forced after first login.
func (h *handler) showPasswordChange(c *gin.Context) {
	v := h.newView(c, tr(langOf(c.Request), "password.title"))
	if v.User.MustChangePassword {
		v.Notice = tr(v.Lang, "password.must_change")
	}
	h.render(c, http.StatusOK, "password", v)
}
