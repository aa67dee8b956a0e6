package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/certificate"
	"github.com/tdkt/tdkt/internal/model"
)

// showVerify is the public check of a certificate, by the code printed on it
// or in its QR code: valid, revoked (with the date) or unknown. It needs no
// login, so an employer or an inspector can check a paper in hand.
func (h *handler) showVerify(c *gin.Context) {
	code := c.Param("code")
	if code == "" {
		code = c.Query("code")
	}
	v := h.newView(c, tr(langOf(c.Request), "verify.title"))
	c.Header("X-Robots-Tag", "noindex")
	data := struct {
		Code   string
		Asked  bool
		Found  bool
		Cert   model.Certificate
		Reason string
	}{Code: code, Asked: strings.TrimSpace(code) != ""}
	status := http.StatusOK
	if data.Asked {
		cert, err := h.certs.Verify(c.Request.Context(), code)
		switch {
		case errors.Is(err, certificate.ErrNotFound):
			status = http.StatusNotFound
		case err != nil:
			h.fail(c, http.StatusInternalServerError, "error.internal", err)
			return
		default:
			data.Found, data.Cert = true, cert
		}
	}
	v.D = data
	h.render(c, status, "verify", v)
}
