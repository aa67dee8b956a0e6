package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/certificate"
	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
)

// showCertificate shows a trainee what the course's certificate needs, what
// is done and what is missing; once everything is done the certificate is
// issued on the spot and offered for download.
func (h *handler) showCertificate(c *gin.Context) {
	co := h.course(c)
	if co == nil || co.Cert == nil {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	u, _ := currentUser(c)
	h.issueIfEligible(c, u, co)
	st, err := h.certs.Status(c.Request.Context(), u.ID, co)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	v := h.newView(c, tr(langOf(c.Request), "cert.title")+": "+co.Title)
	v.D = st
	h.render(c, http.StatusOK, "certificate", v)
}

// issueIfEligible issues the certificate of co when u has just met its rules;
// a failure is logged, since the trainee's own action has succeeded.
func (h *handler) issueIfEligible(c *gin.Context, u model.User, co *course.Course) {
	if h.certs == nil || co.Cert == nil || u.Role != model.RoleTrainee {
		return
	}
	if _, issued, err := h.certs.IssueIfEligible(c.Request.Context(), u, co, 0); err == nil && issued {
		slog.Info("certificate issued", "user", u.Username, "course", co.ID)
	} else if err != nil && !errors.Is(err, certificate.ErrNotEligible) && !errors.Is(err, certificate.ErrWithdrawn) {
		slog.Error("issue certificate", "user", u.Username, "course", co.ID, "err", err)
	}
}
