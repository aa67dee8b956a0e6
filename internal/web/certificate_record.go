package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/certificate"
	"github.com/tdkt/tdkt/internal/model"
)

// showCertificateRecord shows one certificate with everything done to it.
func (h *handler) showCertificateRecord(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	h.renderCertificateRecord(c, id, http.StatusOK, "")
}

func (h *handler) renderCertificateRecord(c *gin.Context, id int64, status int, notice string) {
	ctx := c.Request.Context()
	cert, err := h.certs.Get(ctx, id)
	if errors.Is(err, certificate.ErrNotFound) {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	var in bool
	var sc model.Scope
	if err == nil {
		sc, err = h.scopeOf(c)
	}
	if err == nil {
		in, err = h.userInScope(ctx, sc, cert.UserID)
	}
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	if !in {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	events, err := h.certs.Events(ctx, id)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	v := h.newView(c, cert.Serial)
	v.Notice = notice
	v.D = struct {
		Cert      model.Certificate
		Events    []model.CertEvent
		VerifyURL string
	}{cert, events, h.verifyURL(c, cert.Code)}
	h.render(c, status, "certificate_record", v)
}

// revokeCertificate withdraws a certificate; the reason is required.
func (h *handler) revokeCertificate(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok || !h.parseForm(c) {
		return
	}
	me, _ := currentUser(c)
	err := h.certs.Revoke(c.Request.Context(), id, c.Request.PostForm.Get("reason"), me.ID)
	if h.certActionFailed(c, id, err) {
		return
	}
	c.Redirect(http.StatusSeeOther, "/manage/certificates/"+strconv.FormatInt(id, 10))
}

// reissueCertificate replaces a certificate by a new one; the reason is required.
func (h *handler) reissueCertificate(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok || !h.parseForm(c) {
		return
	}
	me, _ := currentUser(c)
	nc, err := h.certs.Reissue(c.Request.Context(), id, c.Request.PostForm.Get("reason"), me.ID)
	if h.certActionFailed(c, id, err) {
		return
	}
	c.Redirect(http.StatusSeeOther, "/manage/certificates/"+strconv.FormatInt(nc.ID, 10))
}

// certActionFailed answers a refused revoke or re-issue with a clear message.
func (h *handler) certActionFailed(c *gin.Context, id int64, err error) bool {
	lang := langOf(c.Request)
	switch {
	case err == nil:
		return false
	case errors.Is(err, certificate.ErrNotFound):
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
	case errors.Is(err, certificate.ErrReason):
		h.renderCertificateRecord(c, id, http.StatusUnprocessableEntity, tr(lang, "cert.need_reason"))
	case errors.Is(err, certificate.ErrRevoked):
		h.renderCertificateRecord(c, id, http.StatusConflict, tr(lang, "cert.already_revoked"))
	default:
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
	}
	return true
}
