package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// showOffline renders the page the service worker shows when a page cannot
// be loaded and no copy of it is kept. It is kept at install, once, for
// whoever is logged in then, so it shows no user and says everything in both
// languages; its script lists the courses kept on the phone.
func (h *handler) showOffline(c *gin.Context) {
	v := h.newView(c, tr(langOf(c.Request), "offline.title"))
	v.User = nil
	c.Header("Cache-Control", "no-cache")
	h.render(c, http.StatusOK, "offline", v)
}
