package web

import (
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/live"
	"github.com/tdkt/tdkt/internal/model"
)

// showReplay lists a session's recordings, or plays one: the trainer's
// voice with the slides following, and the polls, roll calls and questions
// at their moments. Whoever may enter the room may watch it again.
func (h *handler) showReplay(c *gin.Context) {
	sess, ok := h.liveSession(c)
	if !ok {
		return
	}
	takes, err := live.Takes(h.live.RecordDir(), sess.ID)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	take := c.Param("take")
	if take == "" && len(takes) == 1 {
		take = takes[0].ID
	}
	var timeline []live.Event
	if take != "" {
		if _, timeline, err = live.TakeFiles(h.live.RecordDir(), sess.ID, take); err != nil {
			h.fail(c, http.StatusNotFound, "error.notfound", nil)
			return
		}
	}
	v := h.newView(c, tr(langOf(c.Request), "replay.title")+": "+sess.Title)
	v.D = struct {
		Session  model.LiveSession
		Takes    []live.Take
		Take     string
		Slides   []template.HTML
		Timeline []live.Event // html/template writes it as JSON inside the script element
	}{sess, takes, take, h.cat.Slides(sess.Title, sess.CourseID, sess.Deck, sess.Modules), timeline}
	h.render(c, http.StatusOK, "live_replay", v)
}
