package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// listReviews shows admins the modules and questions that rest on a legal
// document no longer in force, so they can be brought up to date.
func (h *handler) listReviews(c *gin.Context) {
	v := h.newView(c, tr(langOf(c.Request), "review.title"))
	v.D = h.cat.Reviews
	h.render(c, http.StatusOK, "review_list", v)
}
