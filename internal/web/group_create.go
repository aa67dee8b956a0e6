package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/model"
)

// createGroup makes a named group of officers in the user's charge, to
// enrol together.
func (h *handler) createGroup(c *gin.Context) {
	if !h.parseForm(c) {
		return
	}
	f := c.Request.PostForm
	form := map[string]string{"name": f.Get("name"), "members": f.Get("members")}
	sc, err := h.scopeOf(c)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	u, _ := currentUser(c)
	g, err := h.enrol.CreateGroup(c.Request.Context(), f.Get("name"), f.Get("members"), u.ID, sc, h.now())
	if h.saveResult(c, err, func(verr model.ValidationError) { h.showEnrolments(c, http.StatusUnprocessableEntity, form, verr, "") }) {
		h.showEnrolments(c, http.StatusOK, map[string]string{}, nil, trf(langOf(c.Request), "group.done", g.Name, len(g.Members)))
	}
}
