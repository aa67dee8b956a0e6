package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// switchLanguage stores the chosen UI language and returns to the page.
func (h *handler) switchLanguage(c *gin.Context) {
	if !h.parseForm(c) {
		return
	}
	lang := c.Request.PostForm.Get("lang")
	if lang != "en" {
		lang = "vi"
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: h.secure || c.Request.TLS != nil, SameSite: http.SameSiteLaxMode})
	back := localPath(c.Request.PostForm.Get("back"))
	if back == "" {
		back = "/"
	}
	c.Redirect(http.StatusSeeOther, back)
}
