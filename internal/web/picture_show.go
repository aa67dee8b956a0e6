package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/course"
)

// showPicture serves a picture of a course's pages (modules, slide decks).
// Only pictures the content check resolved are known, from memory: a path
// that no page shows, or one outside the course folder, does not exist.
func (h *handler) showPicture(c *gin.Context) {
	co := h.course(c)
	rel := strings.TrimPrefix(c.Param("path"), "/")
	var b []byte
	if co != nil {
		b = co.Pictures[rel]
	}
	if b == nil {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	// Content is fixed for the life of the process; the hash lets a phone
	// keep the picture and ask again with a cheap conditional request.
	sum := sha256.Sum256(b)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	c.Header("ETag", etag)
	c.Header("Cache-Control", "private, max-age=86400")
	if c.GetHeader("If-None-Match") == etag {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, course.PictureType(rel), b)
}
