package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/model"
)

const usersPerPage = 50

type userRow struct {
	User model.User
	Unit model.Unit
}

type userListData struct {
	Base        string // /admin/users, or /manage/users for a trainer's officers
	Admin       bool
	Rows        []userRow
	Units       []auth.UnitNode
	Roles       []model.Role
	Total       int
	Page, Pages int
	PrevURL     string
	NextURL     string
}

// listUsers shows the accounts, searchable by name, unit and role, sorted by
// Vietnamese given name, a page at a time: a province has thousands.
func (h *handler) listUsers(c *gin.Context) {
	h.renderUsers(c, "/admin/users", model.Scope{All: true})
}

// listOfficers shows a trainer the officers (trainees) of the units in
// their charge, to find one and reset a forgotten password.
func (h *handler) listOfficers(c *gin.Context) {
	sc, err := h.scopeOf(c)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	h.renderUsers(c, "/manage/users", sc)
}

func (h *handler) renderUsers(c *gin.Context, base string, sc model.Scope) {
	ctx := c.Request.Context()
	admin := base == "/admin/users"
	tree, err := h.scopedTree(ctx, sc)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	units := map[int64]model.Unit{}
	byCode := map[string]int64{}
	for _, n := range tree {
		units[n.ID] = n.Unit
		byCode[n.Code] = n.ID
	}
	q, unitCode, role := c.Query("q"), c.Query("unit"), c.Query("role")
	f := auth.UserFilter{Query: q, Role: model.Role(role), Limit: usersPerPage, Scope: &sc}
	if !admin {
		role = string(model.RoleTrainee) // a trainer looks after the officers, not other staff
	}
	f.Role = model.Role(role)
	if unitCode != "" {
		if f.UnitID = byCode[unitCode]; f.UnitID == 0 {
			f.UnitID = -1 // an unknown unit matches nobody rather than everybody
		}
	}
	if !f.Role.Valid() {
		f.Role, role = "", ""
	}
	page, _ := strconv.Atoi(c.Query("page"))
	page = max(page, 1)
	f.Offset = (page - 1) * usersPerPage
	users, total, err := h.auth.FindUsers(ctx, f)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	d := userListData{Base: base, Admin: admin, Units: tree, Roles: model.Roles, Total: total, Page: page, Pages: max(1, (total+usersPerPage-1)/usersPerPage)}
	for _, u := range users {
		d.Rows = append(d.Rows, userRow{User: u, Unit: units[u.UnitID]})
	}
	link := func(p int) string {
		v := url.Values{}
		for k, val := range map[string]string{"q": q, "unit": unitCode, "role": role} {
			if val != "" {
				v.Set(k, val)
			}
		}
		v.Set("page", strconv.Itoa(p))
		return base + "?" + v.Encode()
	}
	if page > 1 {
		d.PrevURL = link(page - 1)
	}
	if page < d.Pages {
		d.NextURL = link(page + 1)
	}
	title := "users.title"
	if !admin {
		title = "users.officers"
	}
	v := h.newView(c, tr(langOf(c.Request), title))
	if c.Query("saved") == "1" {
		v.Notice = tr(v.Lang, "users.saved")
	}
	v.Form = map[string]string{"q": q, "unit": unitCode, "role": role}
	v.D = d
	h.render(c, http.StatusOK, "user_list", v)
}
