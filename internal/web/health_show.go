package web

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// showHealth answers load balancers and monitors: 200 when the database
// answers, 503 when it does not.
func (h *handler) showHealth(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	db := "ok"
	status := http.StatusOK
	if h.health != nil {
		if err := h.health(ctx); err != nil {
			db, status = "unreachable", http.StatusServiceUnavailable
		}
	}
	state := "ok"
	if status != http.StatusOK {
		state = "degraded"
	}
	c.Header("Cache-Control", "no-store")
	body := gin.H{"status": state, "version": h.version, "database": db}
	if h.node != "" {
		body["node"] = h.node
	}
	c.JSON(status, body)
}
