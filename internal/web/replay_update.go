package web

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/live"
)

// updateReplay publishes or hides a take and sets how long it is kept, on
// the word of the session's trainer (or an admin).
func (h *handler) updateReplay(c *gin.Context) {
	sess, take, lead, ok := h.postedTake(c)
	if !ok {
		return
	}
	if !lead {
		h.fail(c, http.StatusForbidden, "error.forbidden", nil)
		return
	}
	days, err := strconv.Atoi(c.Request.PostForm.Get("keep_days"))
	if err != nil || !slices.Contains(keepChoices, days) {
		h.fail(c, http.StatusUnprocessableEntity, "replay.bad_keep", nil)
		return
	}
	meta := live.TakeMeta{Published: c.Request.PostForm.Get("published") == "1",
		KeepUntil: take.Started.Add(time.Duration(days) * 24 * time.Hour)}
	if err := live.SetTake(h.live.RecordDir(), sess.ID, take.ID, meta); err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/live/"+strconv.FormatInt(sess.ID, 10)+"/replay/"+take.ID)
}
