package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// showLogin shows the login form; a logged-in user goes straight on.
func (h *handler) showLogin(c *gin.Context) {
	if _, ok := currentUser(c); ok {
		c.Redirect(http.StatusSeeOther, "/")
		return
	}
	v := h.newView(c, tr(langOf(c.Request), "login.title"))
	v.Form = map[string]string{"next": localPath(c.Query("next"))}
	h.render(c, http.StatusOK, "login", v)
}
