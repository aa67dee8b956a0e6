package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/model"
)

type userRow struct {
	User model.User
	Unit model.Unit
}

// listUsers shows every account, sorted by Vietnamese given name.
func (h *handler) listUsers(c *gin.Context) {
	ctx := c.Request.Context()
	users, err := h.auth.Users(ctx)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	tree, err := h.auth.UnitTree(ctx)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	units := map[int64]model.Unit{}
	for _, n := range tree {
		units[n.ID] = n.Unit
	}
	rows := make([]userRow, len(users))
	for i, u := range users {
		rows[i] = userRow{User: u, Unit: units[u.UnitID]}
	}
	v := h.newView(c, tr(langOf(c.Request), "users.title"))
	if c.Query("saved") == "1" {
		v.Notice = tr(v.Lang, "users.saved")
	}
	v.D = rows
	h.render(c, http.StatusOK, "user_list", v)
}
