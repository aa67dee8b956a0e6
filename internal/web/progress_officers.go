package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/report"
	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/viet"
)

// showProgressOfficers lists the officers of one unit with their standing
// in a course (a commune's drill-down), or with ?overdue=1 every overdue
// officer in the user's scope: the list to send reminders from. Both
// export as CSV or XLSX.
func (h *handler) showProgressOfficers(c *gin.Context) {
	co, _ := h.trackedCourse(c)
	if co == nil {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	sc, err := h.scopeOf(c)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	overdue := c.Query("overdue") == "1"
	var rows []report.OfficerRow
	var unit model.Unit
	if overdue {
		rows, err = h.prog.Overdue(c.Request.Context(), co, sc, h.now())
	} else {
		id, perr := strconv.ParseInt(c.Query("unit"), 10, 64)
		if perr != nil {
			h.fail(c, http.StatusNotFound, "error.notfound", nil)
			return
		}
		rows, err = h.prog.Officers(c.Request.Context(), co, id, sc, h.now())
		if err == nil {
			unit, err = h.auth.Unit(c.Request.Context(), id)
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	lang := langOf(c.Request)
	if f := c.Query("format"); f == "csv" || f == "xlsx" {
		header := []string{tr(lang, "att.col.no"), tr(lang, "field.full_name"), tr(lang, "field.username"), tr(lang, "field.unit"),
			tr(lang, "roster.phone"), tr(lang, "roster.email"), tr(lang, "progress.modules"), tr(lang, "progress.passed"), tr(lang, "progress.certified"),
			tr(lang, "enrol.due"), tr(lang, "progress.live_col"), tr(lang, "progress.state")}
		table := make([][]any, len(rows))
		for i, r := range rows {
			st := r.Status
			table[i] = []any{i + 1, r.User.FullName, r.User.Username, r.Unit.Name, r.User.Phone, r.User.Email,
				strconv.Itoa(st.ModulesDone) + "/" + strconv.Itoa(st.Modules), viet.Date(st.Passed, h.loc, lang), viet.Date(st.Certified, h.loc, lang),
				viet.Date(st.Due, h.loc, lang), strconv.Itoa(st.Live[0]) + "/" + strconv.Itoa(st.Live[1]), stateText(lang, st)}
		}
		name := "can-bo-" + co.ID
		if overdue {
			name = "qua-han-" + co.ID
		}
		h.sendTable(c, f, name, tr(lang, "progress.title"), header, table)
		return
	}
	title := tr(lang, "progress.overdue_list")
	if !overdue {
		title = unit.Name
	}
	v := h.newView(c, title+": "+co.Title)
	v.D = struct {
		Course  *course.Course
		Unit    model.Unit
		Overdue bool
		Rows    []report.OfficerRow
	}{co, unit, overdue, rows}
	h.render(c, http.StatusOK, "progress_officers", v)
}

// stateText says in a word where an officer stands.
func stateText(lang string, st report.Status) string {
	switch {
	case st.Finished: // finished counts whether the course was assigned or not
		return tr(lang, "progress.state_finished")
	case !st.Enrolled:
		return tr(lang, "progress.state_not_enrolled")
	case st.Overdue:
		return tr(lang, "progress.state_overdue")
	case st.Started:
		return tr(lang, "progress.state_started")
	}
	return tr(lang, "progress.state_not_started")
}
