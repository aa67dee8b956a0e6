package web

import (
	"net/http"
	"path/filepath"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/live"
)

// showReplayAudio sends a take's Ogg Opus file, with ranges, so that a
// player can seek without loading what it skips.
func (h *handler) showReplayAudio(c *gin.Context) {
	sess, ok := h.liveSession(c)
	if !ok {
		return
	}
	takes, _, ok := h.replayTakes(c, sess)
	if !ok {
		return
	}
	var audio string
	var err error
	if slices.ContainsFunc(takes, func(t live.Take) bool { return t.ID == c.Param("take") }) {
		audio, _, err = live.TakeFiles(h.live.RecordDir(), sess.ID, c.Param("take"))
	}
	if audio == "" || err != nil {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	c.Header("Content-Type", "audio/ogg")
	c.Header("Cache-Control", "private, max-age=3600")
	http.ServeFile(c.Writer, c.Request, filepath.Clean(audio))
}
