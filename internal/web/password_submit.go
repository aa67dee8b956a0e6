package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/model"
)

// submitPasswordChange checks and saves a new password.
func (h *handler) submitPasswordChange(c *gin.Context) {
	if !h.parseForm(c) {
		return
	}
	u, _ := currentUser(c)
	f := c.Request.PostForm
	token, err := h.auth.ChangePassword(c.Request.Context(), u, currentSession(c), f.Get("current"), f.Get("new"), f.Get("confirm"))
	var verr model.ValidationError
	if errors.As(err, &verr) {
		v := h.newView(c, tr(langOf(c.Request), "password.title"))
		v.Errors = verr
		h.render(c, http.StatusUnprocessableEntity, "password", v)
		return
	}
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	h.setSessionCookie(c, token) // the old token ended with the old password
	c.Redirect(http.StatusSeeOther, "/?changed=1")
}
