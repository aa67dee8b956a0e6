package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/model"
)

// createUser stores a new account with a generated one-time password, shown
// once to the admin, that must be changed at first login.
func (h *handler) createUser(c *gin.Context) {
	if !h.parseForm(c) {
		return
	}
	in, form := userInput(c)
	in.Password = auth.GeneratePassword()
	u, err := h.auth.CreateUser(c.Request.Context(), in, true)
	if h.saveResult(c, err, func(verr model.ValidationError) {
		h.showUserForm(c, http.StatusUnprocessableEntity, 0, form, verr, "")
	}) {
		form["username"] = u.Username
		form["full_name"] = u.FullName
		h.showUserForm(c, http.StatusCreated, u.ID, form, nil, in.Password)
	}
}
