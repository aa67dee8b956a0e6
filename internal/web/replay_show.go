package web

import (
	"html/template"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/live"
	"github.com/tdkt/tdkt/internal/model"
)

// showReplay lists a session's recordings, or plays one: the trainer's
// voice with the slides following, and the polls, roll calls and questions
// at their moments. Participants see the takes the trainer published; the
// trainer sees every take, publishes or hides it and says how long it is
// kept.
func (h *handler) showReplay(c *gin.Context) {
	sess, ok := h.liveSession(c)
	if !ok {
		return
	}
	takes, lead, ok := h.replayTakes(c, sess)
	if !ok {
		return
	}
	take := c.Param("take")
	if take == "" && len(takes) == 1 {
		take = takes[0].ID
	}
	var timeline []live.Event
	var current live.Take
	if take != "" {
		i := slices.IndexFunc(takes, func(t live.Take) bool { return t.ID == take })
		var err error
		if i >= 0 {
			current = takes[i]
			_, timeline, err = live.TakeFiles(h.live.RecordDir(), sess.ID, take)
		}
		if i < 0 || err != nil {
			h.fail(c, http.StatusNotFound, "error.notfound", nil)
			return
		}
	}
	v := h.newView(c, tr(langOf(c.Request), "replay.title")+": "+sess.Title)
	v.D = struct {
		Session  model.LiveSession
		Takes    []live.Take
		Take     string
		Current  live.Take
		Lead     bool // the session's trainer or an admin: may publish, hide and set the keeping time
		KeepDays []int
		Slides   []template.HTML
		Timeline []live.Event // html/template writes it as JSON inside the script element
	}{sess, takes, take, current, lead, keepChoices, h.cat.Slides(sess.Title, sess.CourseID, sess.Deck, sess.Modules), timeline}
	h.render(c, http.StatusOK, "live_replay", v)
}

// keepChoices are the keeping times a trainer may give a recording, in days.
var keepChoices = []int{30, 90, 365, 1825}

// replayTakes returns the takes of sess the user may watch (all of them for
// the session's trainer and admins, the published ones for others) and
// whether the user leads the session; on an error it answers.
func (h *handler) replayTakes(c *gin.Context, sess model.LiveSession) ([]live.Take, bool, bool) {
	u, _ := currentUser(c)
	lead := u.ID == sess.TrainerID || u.Role == model.RoleAdmin
	takes, err := live.Takes(h.live.RecordDir(), sess.ID)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return nil, lead, false
	}
	if !lead {
		takes = slices.DeleteFunc(takes, func(t live.Take) bool { return !t.Published })
	}
	return takes, lead, true
}

// postedTake reads a form posted about a take of the session in the path
// that the user may see; it returns the session, the take and whether the
// user leads the session, or answers and says no.
func (h *handler) postedTake(c *gin.Context) (model.LiveSession, live.Take, bool, bool) {
	sess, ok := h.liveSession(c)
	if !ok || !h.parseForm(c) {
		return sess, live.Take{}, false, false
	}
	takes, lead, ok := h.replayTakes(c, sess)
	if !ok {
		return sess, live.Take{}, lead, false
	}
	i := slices.IndexFunc(takes, func(t live.Take) bool { return t.ID == c.Param("take") })
	if i < 0 {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return sess, live.Take{}, lead, false
	}
	return sess, takes[i], lead, true
}
