package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/live"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/report"
	"github.com/tdkt/tdkt/internal/store"
)

// liveRecord is an officer's attendance of a course's required sessions.
type liveRecord struct {
	Attended, Required int
}

// showOfficer is one officer's record: each course with the modules read
// and completed (with dates), exam attempts and scores, live attendance and
// the certificate. Officers outside the user's scope are not found.
func (h *handler) showOfficer(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	u, err := h.auth.User(ctx, id)
	var sc model.Scope
	if err == nil {
		sc, err = h.scopeOf(c)
	}
	if errors.Is(err, store.ErrNotFound) || err == nil && (!sc.Has(u.UnitID) || u.Role != model.RoleTrainee) {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	recs, err := h.prog.Record(ctx, u, h.cat, h.now())
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	lives := map[string]liveRecord{}
	for _, r := range recs {
		att, req, err := live.CertAttendance{S: h.lives}.Attendance(ctx, u.ID, r.Course.ID)
		if err != nil {
			h.fail(c, http.StatusInternalServerError, "error.internal", err)
			return
		}
		lives[r.Course.ID] = liveRecord{att, req}
	}
	unit, err := h.auth.Unit(ctx, u.UnitID)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	v := h.newView(c, u.FullName)
	v.D = struct {
		User    model.User
		Unit    model.Unit
		Records []report.CourseRecord
		Live    map[string]liveRecord
	}{u, unit, recs, lives}
	h.render(c, http.StatusOK, "officer", v)
}
