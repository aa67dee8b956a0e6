package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/model"
)

// updateUser saves an account's profile. Admins cannot demote or disable
// themselves, so the platform always keeps one admin who can log in.
func (h *handler) updateUser(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok || !h.parseForm(c) {
		return
	}
	in, form := userInput(c)
	me, _ := currentUser(c)
	reshow := func(verr model.ValidationError) {
		h.showUserForm(c, http.StatusUnprocessableEntity, id, form, verr, "")
	}
	if id == me.ID && (in.Role != string(model.RoleAdmin) || in.Disabled) {
		reshow(model.ValidationError{{Field: "role", Msg: model.Text{
			VI: "Bạn không thể tự bỏ quyền quản trị hoặc tự khóa tài khoản của mình.",
			EN: "You cannot remove your own admin role or disable your own account."}}})
		return
	}
	_, err := h.auth.UpdateUser(c.Request.Context(), id, in)
	if h.saveResult(c, err, reshow) {
		c.Redirect(http.StatusSeeOther, "/admin/users?saved=1")
	}
}
