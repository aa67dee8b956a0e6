package web

import (
	"errors"
	"html/template"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/live"
	"github.com/tdkt/tdkt/internal/model"
)

// showLive is the room: the slides (sent once, so a slide change costs a few
// bytes), the poll and roll-call panels, and for the trainer the console.
// The page's script speaks docs/live-protocol.md.
func (h *handler) showLive(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	u, _ := currentUser(c)
	sess, err := h.live.Check(c.Request.Context(), id, u)
	switch {
	case errors.Is(err, live.ErrNoSession):
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	case errors.Is(err, live.ErrNotInvited):
		h.fail(c, http.StatusForbidden, "live.not_invited", nil)
		return
	case errors.Is(err, live.ErrEnded):
		h.fail(c, http.StatusGone, "live.ended", nil)
		return
	case err != nil:
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	v := h.newView(c, sess.Title)
	v.D = struct {
		Session model.LiveSession
		Slides  []template.HTML
		Trainer bool
	}{sess, h.slides(sess), u.ID == sess.TrainerID || u.Role == model.RoleAdmin}
	h.render(c, http.StatusOK, "live_room", v)
}

// slides cuts the session's modules into one slide per ## section, after a
// title slide.
func (h *handler) slides(s model.LiveSession) []template.HTML {
	out := []template.HTML{template.HTML("<h2>" + template.HTMLEscapeString(s.Title) + "</h2>")}
	mods := s.Modules
	if co := h.cat.Course(s.CourseID); co != nil && len(mods) == 0 {
		for _, m := range co.Modules {
			mods = append(mods, m.ID)
		}
	}
	for _, id := range mods {
		m := h.cat.Module(s.CourseID, id)
		if m == nil {
			continue
		}
		parts := strings.Split(string(m.HTML), "<h2 ")
		for i, p := range parts {
			if i == 0 {
				continue // text before the first section belongs to no slide
			}
			out = append(out, template.HTML("<h2 "+p)) // goldmark output, split at tag boundaries
		}
	}
	return out
}
