package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/report"
)

// roundSession is a live session of the course in the summary, with its
// attendance totals.
type roundSession struct {
	Session  model.LiveSession
	Expected int
	Attended int
	Final    bool
}

// printRound is the printable summary of a training round, to file: the
// numbers by unit (enrolled, finished, exam pass rate, certificates,
// overdue), the course's live sessions with their attendance, the date and
// a place to sign.
func (h *handler) printRound(c *gin.Context, r report.Rollup) {
	ctx := c.Request.Context()
	all, err := h.lives.Between(ctx, h.now().AddDate(-1, 0, 0), h.now().AddDate(1, 0, 0))
	if err == nil {
		all, err = h.visibleSessions(c, all)
	}
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	sc, err := h.scopeOf(c)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	var sessions []roundSession
	for _, s := range all {
		if s.CourseID != r.Course.ID || s.StartsAt.After(h.now()) {
			continue
		}
		rep, err := h.lives.Attendance(ctx, s.ID, h.now())
		if err != nil {
			h.fail(c, http.StatusInternalServerError, "error.internal", err)
			return
		}
		if u, _ := currentUser(c); u.ID != s.TrainerID {
			rep = rep.Only(sc)
		}
		sessions = append(sessions, roundSession{Session: s, Expected: len(rep.Rows), Attended: rep.Counts["attended"], Final: rep.Final})
	}
	v := h.newView(c, tr(langOf(c.Request), "progress.summary")+": "+r.Course.Title)
	v.D = struct {
		R        report.Rollup
		Council  string
		Sessions []roundSession
		Now      time.Time
	}{r, h.council, sessions, h.now()}
	h.render(c, http.StatusOK, "progress_print", v)
}
