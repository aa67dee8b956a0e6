package web

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// showMetrics serves the Prometheus metrics to a scraper that presents the
// configured token. Without a token configured the route does not exist
// for anyone: the figures (routes, load) are not for the public.
func (h *handler) showMetrics(c *gin.Context) {
	if h.metrics == nil || h.mtoken == "" {
		h.plainError(c.Writer, c.Request, http.StatusNotFound, "error.notfound")
		return
	}
	got, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(h.mtoken)) != 1 {
		c.Header("WWW-Authenticate", `Bearer realm="tdkt metrics"`)
		c.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"error": "metrics: send Authorization: Bearer <TDKT_METRICS_TOKEN>"})
		return
	}
	h.metrics.Handler().ServeHTTP(c.Writer, c.Request)
}

// observe times every request and counts it by route pattern.
func (h *handler) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	h.metrics.ObserveRequest(c.FullPath(), c.Request.Method, c.Writer.Status(), time.Since(start))
}
