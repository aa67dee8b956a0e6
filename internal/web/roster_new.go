package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/model"
)

// newRoster shows the upload form for a roster of officers or of units,
// the templates, and the latest uploads (one's own; all for admins).
func (h *handler) newRoster(c *gin.Context) {
	h.showRosterForm(c, http.StatusOK, "")
}

func (h *handler) showRosterForm(c *gin.Context, status int, problem string) {
	ctx := c.Request.Context()
	u, _ := currentUser(c)
	actor := u.ID
	if u.Role == model.RoleAdmin {
		actor = 0
	}
	if err := h.auth.WipeOldSlips(ctx, h.now()); err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	list, err := h.auth.RosterImports(ctx, actor, 50)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	v := h.newView(c, tr(langOf(c.Request), "roster.title"))
	v.Notice = problem
	v.D = struct {
		Imports []model.RosterImport
		Users   []auth.RosterColumn
		Units   []auth.RosterColumn
	}{list, auth.RosterColumns[auth.RosterUsers], auth.RosterColumns[auth.RosterUnits]}
	h.render(c, status, "roster", v)
}
