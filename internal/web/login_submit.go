package web

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/model"
)

// submitLogin checks the credentials, opens a session and sends the user to
// where they were going, or back to the module they were reading.
func (h *handler) submitLogin(c *gin.Context) {
	if !h.parseForm(c) {
		return
	}
	lang := langOf(c.Request)
	username := c.Request.PostForm.Get("username")
	password := c.Request.PostForm.Get("password")
	next := localPath(c.Request.PostForm.Get("next"))
	v := h.newView(c, tr(lang, "login.title"))
	v.Form = map[string]string{"username": username, "next": next}

	if username == "" || password == "" {
		v.Notice = tr(lang, "login.missing")
		h.render(c, http.StatusUnprocessableEntity, "login", v)
		return
	}
	if len(username) > 64 || len(password) > 4*auth.PasswordMax {
		v.Notice = tr(lang, "login.invalid")
		h.render(c, http.StatusUnprocessableEntity, "login", v)
		return
	}
	token, u, err := h.auth.Login(c.Request.Context(), username, password, c.ClientIP(), c.Request.UserAgent())
	var locked *auth.LockedError
	switch {
	case err == nil:
	case errors.Is(err, auth.ErrInvalidCredentials):
		v.Notice = tr(lang, "login.invalid")
		h.render(c, http.StatusUnauthorized, "login", v)
		return
	case errors.Is(err, auth.ErrDisabled):
		v.Notice = tr(lang, "login.disabled")
		h.render(c, http.StatusForbidden, "login", v)
		return
	case errors.As(err, &locked):
		mins := int(time.Until(locked.Until).Minutes()) + 1
		key := "login.locked"
		if locked.IP {
			key = "login.ip_throttled"
		}
		v.Notice = trf(lang, key, mins)
		c.Header("Retry-After", fmt.Sprint(mins*60))
		h.render(c, http.StatusTooManyRequests, "login", v)
		return
	default:
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	h.setSessionCookie(c, token)
	switch {
	case u.MustChangePassword:
		next = "/password"
	case next == "" && u.Role == model.RoleTrainee:
		next = "/resume"
	case next == "":
		next = "/"
	}
	c.Redirect(http.StatusSeeOther, next)
}
