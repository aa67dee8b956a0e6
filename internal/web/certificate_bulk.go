package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/model"
)

// bulkIssueCertificates issues the course certificate to every trainee of a
// unit (and the units below it) who meets the rules, and says how many.
func (h *handler) bulkIssueCertificates(c *gin.Context) {
	if !h.parseForm(c) {
		return
	}
	ctx := c.Request.Context()
	lang := langOf(c.Request)
	co := h.cat.Course(c.Request.PostForm.Get("course"))
	if co == nil || co.Cert == nil {
		h.fail(c, http.StatusUnprocessableEntity, "cert.bad_course", nil)
		return
	}
	sc, err := h.scopeOf(c)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	// One unit (and those below it) within the scope, or the whole scope.
	roots := sc.Roots
	if code := c.Request.PostForm.Get("unit"); code != "" {
		unit, err := h.auth.UnitByCode(ctx, code)
		if err != nil || !sc.Has(unit.ID) {
			h.fail(c, http.StatusUnprocessableEntity, "cert.bad_unit", nil)
			return
		}
		roots = []int64{unit.ID}
	} else if sc.All {
		roots = []int64{0}
	}
	var users []model.User
	seen := map[int64]bool{}
	for _, root := range roots {
		found, _, err := h.auth.FindUsers(ctx, auth.UserFilter{Role: model.RoleTrainee, UnitID: root})
		if err != nil {
			h.fail(c, http.StatusInternalServerError, "error.internal", err)
			return
		}
		for _, u := range found {
			if !seen[u.ID] && sc.Has(u.UnitID) {
				seen[u.ID] = true
				users = append(users, u)
			}
		}
	}
	me, _ := currentUser(c)
	r, err := h.certs.BulkIssue(ctx, co, users, me.ID)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	h.renderCertificates(c, co.ID, trf(lang, "cert.bulk_done", r.Issued, r.Already, r.NotEligible, r.Withdrawn))
}
