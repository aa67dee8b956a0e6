package web

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/admit"
	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/model"
)

const (
	sessionCookie = "tdkt_session"
	langCookie    = "tdkt_lang"
	maxBody       = 1 << 20
	maxUpload     = 16 << 20
	userKey       = "user"
	sessKey       = "session"
)

// recoverPanic turns a panic into a plain 500 page; the stack goes to the log,
// never to the user.
func (h *handler) recoverPanic(c *gin.Context) {
	defer func() {
		if rec := recover(); rec != nil {
			if err, ok := rec.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(rec)
			}
			slog.Error("panic in handler", "method", c.Request.Method, "path", c.Request.URL.Path, "panic", rec, "stack", string(debug.Stack()))
			if !c.Writer.Written() {
				c.Header("Content-Type", "text/plain; charset=utf-8")
				c.String(http.StatusInternalServerError, tr(langOf(c.Request), "error.internal"))
			}
			c.Abort()
		}
	}()
	c.Next()
}

// newSecurityHeaders returns the headers set on every answer. The value
// slices are shared by all requests (a header is replaced, never appended to
// in place: a slice of length and capacity one is copied by append), which
// saves building them on every request. The one inline style allowed is the
// stylesheet itself, by its hash, which a first visit gets inline (see
// assets.inline).
func newSecurityHeaders(styleHash string) map[string][]string {
	return map[string][]string{
		"X-Content-Type-Options": {"nosniff"},
		"Referrer-Policy":        {"same-origin"},
		"X-Frame-Options":        {"DENY"},
		"Content-Security-Policy": {"default-src 'self'; script-src 'self'; style-src 'self' '" + styleHash + "'; img-src 'self' data:; " +
			"frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"},
	}
}

func (h *handler) securityHeaders(c *gin.Context) {
	hd := c.Writer.Header()
	for k, v := range h.headers {
		hd[k] = v[:1:1]
	}
	c.Next()
}

func (h *handler) limitBody(c *gin.Context) {
	if c.Request.Body != nil {
		limit := int64(maxBody)
		if c.Request.Method == http.MethodPost && c.Request.URL.Path == "/manage/roster" {
			limit = maxUpload // a province's roster
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	}
	c.Next()
}

// loadSession attaches the logged-in user, if any, to the request.
func (h *handler) loadSession(c *gin.Context) {
	ck, err := c.Request.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		c.Next()
		return
	}
	u, sess, err := h.auth.Authenticate(c.Request.Context(), ck.Value)
	switch {
	case err == nil:
		c.Set(userKey, u)
		c.Set(sessKey, sess)
	case errors.Is(err, auth.ErrNoSession) || errors.Is(err, auth.ErrDisabled):
		h.clearSessionCookie(c)
	default:
		h.fail(c, http.StatusServiceUnavailable, "error.unavailable", err)
		return
	}
	c.Next()
}

func currentUser(c *gin.Context) (model.User, bool) {
	v, ok := c.Get(userKey)
	if !ok {
		return model.User{}, false
	}
	return v.(model.User), true
}

func currentSession(c *gin.Context) model.Session {
	v, _ := c.Get(sessKey)
	s, _ := v.(model.Session)
	return s
}

// requireLogin sends anonymous users to the login page and users who must
// change their password to the password page.
func (h *handler) requireLogin(c *gin.Context) {
	u, ok := currentUser(c)
	if !ok {
		if wantsJSON(c) || c.Request.Method != http.MethodGet || strings.EqualFold(c.GetHeader("Upgrade"), "websocket") {
			h.fail(c, http.StatusUnauthorized, "error.login_required", nil)
			return
		}
		c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
		c.Abort()
		return
	}
	if u.MustChangePassword && c.Request.URL.Path != "/password" && c.Request.URL.Path != "/logout" {
		if c.Request.Method == http.MethodGet {
			c.Redirect(http.StatusSeeOther, "/password")
			c.Abort()
			return
		}
		h.fail(c, http.StatusForbidden, "password.must_change", nil)
		return
	}
	c.Next()
}

func (h *handler) requireRole(roles ...model.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		u, _ := currentUser(c)
		if !slices.Contains(roles, u.Role) {
			h.fail(c, http.StatusForbidden, "error.forbidden", nil)
			return
		}
		c.Next()
	}
}

func (h *handler) setSessionCookie(c *gin.Context, token string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", MaxAge: int(h.ttl / time.Second),
		HttpOnly: true, Secure: h.secure || c.Request.TLS != nil, SameSite: http.SameSiteLaxMode})
}

func (h *handler) clearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: h.secure || c.Request.TLS != nil, SameSite: http.SameSiteLaxMode})
}

// langOf returns the UI language of a request: the cookie, else Vietnamese.
func langOf(r *http.Request) string {
	if ck, err := r.Cookie(langCookie); err == nil && ck.Value == "en" {
		return "en"
	}
	return "vi"
}

// parseForm reads a form body and answers 400 with a clear page when it is
// malformed or too large.
func (h *handler) parseForm(c *gin.Context) bool {
	if err := c.Request.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.fail(c, http.StatusRequestEntityTooLarge, "error.too_large", nil)
			return false
		}
		h.fail(c, http.StatusBadRequest, "error.bad_form", nil)
		return false
	}
	return true
}

// admit passes a request of class k through the admission gate: it runs
// now, waits its turn in the queue, or is answered at once from the waiting
// room. The place is held until the handler returns, the wait for the group
// commit included: the commit batches the writes of the requests in flight.
func (h *handler) admit(k admit.Class) gin.HandlerFunc {
	return func(c *gin.Context) {
		if h.gate == nil {
			c.Next()
			return
		}
		p, err := h.gate.Enter(c.Request.Context(), k, waitTicket(c.Request))
		if err != nil {
			var r *admit.Refused
			if errors.As(err, &r) {
				h.showWaitingRoom(c, r.Wait)
				return
			}
			c.AbortWithStatus(http.StatusServiceUnavailable) // the client left the queue
			return
		}
		defer p.Done()
		c.Next()
	}
}
