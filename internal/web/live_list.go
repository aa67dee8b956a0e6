package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// listLive shows the live sessions the user may join, with the join-by-code form.
func (h *handler) listLive(c *gin.Context) {
	u, _ := currentUser(c)
	list, err := h.lives.For(c.Request.Context(), u, h.now())
	if err == nil {
		list, err = h.visibleSessions(c, list)
	}
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	v := h.newView(c, tr(langOf(c.Request), "live.title"))
	if c.Query("code") != "" {
		v.Notice = tr(v.Lang, "live.bad_code")
	}
	// Trainers keep reaching the attendance of sessions that are over.
	var past []model.LiveSession
	if u.Role != model.RoleTrainee {
		all, err := h.lives.Between(c.Request.Context(), h.now().AddDate(0, 0, -365), h.now().Add(-time.Hour))
		if err == nil {
			all, err = h.visibleSessions(c, all)
		}
		if err != nil {
			h.fail(c, http.StatusInternalServerError, "error.internal", err)
			return
		}
		past = all
	}
	v.D = struct {
		Sessions []model.LiveSession
		Past     []model.LiveSession
		Now      time.Time
	}{list, past, h.now()}
	h.render(c, http.StatusOK, "live_list", v)
}

// joinLiveByCode sends a user who typed a session's six-digit code to its room.
func (h *handler) joinLiveByCode(c *gin.Context) {
	code := strings.TrimSpace(c.Query("code"))
	s, err := h.lives.ByCode(c.Request.Context(), code)
	if errors.Is(err, store.ErrNotFound) || code == "" {
		c.Redirect(http.StatusSeeOther, "/live?code=0")
		return
	}
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/live/"+strconv.FormatInt(s.ID, 10))
}
