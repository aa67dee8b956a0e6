package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

type unitFormData struct {
	ID     int64
	Kinds  []model.UnitKind
	Parent []auth.UnitNode
}

// showUnitForm renders the unit form shared by the new and edit pages.
func (h *handler) showUnitForm(c *gin.Context, status int, id int64, form map[string]string, verr model.ValidationError) {
	tree, err := h.auth.UnitTree(c.Request.Context())
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	title := "units.new"
	if id != 0 {
		title = "units.edit"
	}
	v := h.newView(c, tr(langOf(c.Request), title))
	v.Form, v.Errors = form, verr
	v.D = unitFormData{ID: id, Kinds: model.UnitKinds, Parent: tree}
	h.render(c, status, "unit_form", v)
}

func unitInput(c *gin.Context) (auth.UnitInput, map[string]string) {
	f := c.Request.PostForm
	in := auth.UnitInput{Code: f.Get("code"), Name: f.Get("name"), Kind: f.Get("kind"), ParentCode: f.Get("parent")}
	me, _ := currentUser(c)
	in.Actor = me.ID // for the audit log
	return in, map[string]string{"code": in.Code, "name": in.Name, "kind": in.Kind, "parent": in.ParentCode}
}

// pathID reads a numeric :id, answering 404 for anything else.
func (h *handler) pathID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return 0, false
	}
	return id, true
}

// saveResult handles the outcome of a create or update: field errors go back
// to the form, a missing record is a 404, anything else a 500.
func (h *handler) saveResult(c *gin.Context, err error, reshow func(model.ValidationError)) bool {
	var verr model.ValidationError
	switch {
	case err == nil:
		return true
	case errors.As(err, &verr):
		reshow(verr)
	case errors.Is(err, store.ErrNotFound):
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
	default:
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
	}
	return false
}
