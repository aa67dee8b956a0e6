package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/model"
)

type userFormData struct {
	ID       int64
	Roles    []model.Role
	Units    []auth.UnitNode
	Password string // shown once after create or reset
}

// showUserForm renders the user form shared by the new and edit pages.
func (h *handler) showUserForm(c *gin.Context, status int, id int64, form map[string]string, verr model.ValidationError, password string) {
	tree, err := h.auth.UnitTree(c.Request.Context())
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	title := "users.new"
	if id != 0 {
		title = "users.edit"
	}
	v := h.newView(c, tr(langOf(c.Request), title))
	v.Form, v.Errors = form, verr
	v.D = userFormData{ID: id, Roles: model.Roles, Units: tree, Password: password}
	h.render(c, status, "user_form", v)
}

func userInput(c *gin.Context) (auth.UserInput, map[string]string) {
	f := c.Request.PostForm
	in := auth.UserInput{Username: f.Get("username"), FullName: f.Get("full_name"), Role: f.Get("role"),
		UnitCode: f.Get("unit"), Disabled: f.Get("disabled") == "1", InCharge: f.Get("in_charge")}
	me, _ := currentUser(c)
	in.Actor = me.ID // for the audit log
	form := map[string]string{"username": in.Username, "full_name": in.FullName, "role": in.Role, "unit": in.UnitCode, "in_charge": in.InCharge}
	if in.Disabled {
		form["disabled"] = "1"
	}
	return in, form
}
