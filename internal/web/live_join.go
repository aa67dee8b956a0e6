package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/live"
)

// joinLive upgrades to the live session's websocket; the protocol is in
// docs/live-protocol.md.
func (h *handler) joinLive(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	u, _ := currentUser(c)
	if err := h.live.Join(c.Writer, c.Request, id, u); err != nil {
		h.failLive(c, err)
	}
}

// failLive explains why a user cannot enter a live session.
func (h *handler) failLive(c *gin.Context, err error) {
	switch {
	case errors.Is(err, live.ErrNoSession):
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
	case errors.Is(err, live.ErrNotInvited):
		h.fail(c, http.StatusForbidden, "live.not_invited", nil)
	case errors.Is(err, live.ErrTooMany):
		h.fail(c, http.StatusTooManyRequests, "live.too_many", nil)
	case errors.Is(err, live.ErrRemoved):
		h.fail(c, http.StatusForbidden, "live.err.removed", nil)
	case errors.Is(err, live.ErrEnded):
		h.fail(c, http.StatusGone, "live.ended", nil)
	default:
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
	}
}
