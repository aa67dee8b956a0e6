package web

import (
	"fmt"
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
	f := auth.UserFilter{Role: model.RoleTrainee}
	if code := c.Request.PostForm.Get("unit"); code != "" {
		unit, err := h.auth.UnitByCode(ctx, code)
		if err != nil {
			h.fail(c, http.StatusUnprocessableEntity, "cert.bad_unit", nil)
			return
		}
		f.UnitID = unit.ID
	}
	users, _, err := h.auth.FindUsers(ctx, f)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	me, _ := currentUser(c)
	r, err := h.certs.BulkIssue(ctx, co, users, me.ID)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	h.renderCertificates(c, co.ID, fmt.Sprintf(tr(lang, "cert.bulk_done"), r.Issued, r.Already, r.NotEligible, r.Withdrawn))
}
