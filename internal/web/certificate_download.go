package web

import (
	"bytes"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/certificate"
	"github.com/tdkt/tdkt/internal/model"
)

// downloadCertificate sends a certificate as PDF to its holder, or to a
// trainer or admin.
func (h *handler) downloadCertificate(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	u, _ := currentUser(c)
	cert, err := h.certs.Get(c.Request.Context(), id)
	if errors.Is(err, certificate.ErrNotFound) || err == nil && cert.UserID != u.ID && u.Role == model.RoleTrainee {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	if err == nil && cert.UserID != u.ID {
		// A trainer downloads the certificates of people in their charge only.
		var sc model.Scope
		var in bool
		if sc, err = h.scopeOf(c); err == nil {
			in, err = h.userInScope(c.Request.Context(), sc, cert.UserID)
		}
		if err == nil && !in {
			h.fail(c, http.StatusNotFound, "error.notfound", nil)
			return
		}
	}
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	var buf bytes.Buffer
	if err := h.certs.PDF(&buf, cert, h.verifyURL(c, cert.Code)); err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="giay-chung-nhan-`+cert.Serial+`.pdf"`)
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "application/pdf", buf.Bytes())
}

// verifyURL is the public address of a certificate's verification page.
func (h *handler) verifyURL(c *gin.Context, code string) string {
	return h.publicBase(c) + "/verify/" + code
}

// publicBase is the address people reach the platform at: the configured
// one, or the one this request came to.
func (h *handler) publicBase(c *gin.Context) string {
	if h.baseURL != "" {
		return h.baseURL
	}
	scheme := "http"
	if c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}
