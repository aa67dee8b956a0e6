package web

import (
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/auth"
)

// uploadRoster keeps an uploaded roster file and sends the user to its
// preview; nothing is imported yet.
func (h *handler) uploadRoster(c *gin.Context) {
	lang := langOf(c.Request)
	if err := c.Request.ParseMultipartForm(maxUpload); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.showRosterForm(c, http.StatusRequestEntityTooLarge, tr(lang, "roster.too_big"))
			return
		}
		h.showRosterForm(c, http.StatusBadRequest, tr(lang, "roster.no_file"))
		return
	}
	kind := c.Request.PostForm.Get("kind")
	if _, ok := auth.RosterColumns[kind]; !ok {
		h.showRosterForm(c, http.StatusUnprocessableEntity, tr(lang, "roster.bad_kind"))
		return
	}
	f, hdr, err := c.Request.FormFile("file")
	if err != nil {
		h.showRosterForm(c, http.StatusUnprocessableEntity, tr(lang, "roster.no_file"))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil || len(data) == 0 {
		h.showRosterForm(c, http.StatusUnprocessableEntity, tr(lang, "roster.no_file"))
		return
	}
	name := filepath.Base(strings.ReplaceAll(hdr.Filename, `\`, "/"))
	u, _ := currentUser(c)
	id, err := h.auth.SaveRosterUpload(c.Request.Context(), u.ID, kind, name, data, h.now())
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/manage/roster/"+strconv.FormatInt(id, 10))
}
