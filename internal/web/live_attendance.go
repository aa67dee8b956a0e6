package web

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/live"
	"github.com/tdkt/tdkt/internal/report"
	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/viet"
	"github.com/tdkt/tdkt/internal/xlsx"
)

// showLiveAttendance is the attendance report of a session: a page, a CSV
// for Excel (UTF-8 with BOM), and a printable list with signature column.
// It can be read at any moment: before the end the statuses are marked
// provisional.
func (h *handler) showLiveAttendance(c *gin.Context) {
	sess, ok := h.managedSession(c)
	if !ok {
		return
	}
	rep, err := h.lives.Attendance(c.Request.Context(), sess.ID, h.now())
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			h.fail(c, http.StatusNotFound, "error.notfound", nil)
			return
		}
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	// The session's trainer sees everyone; another trainer only the people
	// of their own units.
	if u, _ := currentUser(c); u.ID != sess.TrainerID {
		sc, err := h.scopeOf(c)
		if err != nil {
			h.fail(c, http.StatusInternalServerError, "error.internal", err)
			return
		}
		rep = rep.Only(sc)
	}
	lang := langOf(c.Request)
	if f := c.Query("format"); f == "xlsx" || f == "csv" {
		h.exportAttendance(c, rep, lang, f)
		return
	}
	v := h.newView(c, tr(lang, "att.title")+": "+rep.Session.Title)
	v.D = struct {
		Report live.Report
		Print  bool
	}{rep, c.Query("print") == "1"}
	h.render(c, http.StatusOK, "live_attendance", v)
}

// exportAttendance writes the report as XLSX or CSV. Times are in the
// platform's zone, which the time columns' headings name, and the status
// says whether it is final.
func (h *handler) exportAttendance(c *gin.Context, rep live.Report, lang, format string) {
	zone := viet.ZoneLabel(rep.Session.StartsAt, h.loc)
	header := []string{tr(lang, "att.col.no"), tr(lang, "field.full_name"), tr(lang, "field.username"), tr(lang, "field.unit"),
		tr(lang, "att.col.status"), tr(lang, "att.col.minutes"), tr(lang, "att.col.share"),
		tr(lang, "att.col.first") + " (" + zone + ")", tr(lang, "att.col.last") + " (" + zone + ")", tr(lang, "att.col.rollcalls")}
	// A time cell is text a person reads, in their language (vi
	// "30/11/2026 07:55", en "30 Nov 2026 07:55"): date first, so the column
	// sorts by day in a spreadsheet that reads it as a date.
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return viet.Date(t, h.loc, lang) + " " + viet.Clock(t, h.loc)
	}
	name := fmt.Sprintf("diem-danh-%s-%d", rep.Session.StartsAt.In(h.loc).Format("2006-01-02"), rep.Session.ID)
	if format == "xlsx" {
		rows := make([][]xlsx.Cell, len(rep.Rows))
		for i, r := range rep.Rows {
			rows[i] = []xlsx.Cell{i + 1, r.User.FullName, r.User.Username, r.Unit.Name, statusText(lang, r.Result),
				math.Round(r.Result.Minutes), math.Round(r.Result.Share), stamp(r.Result.FirstSeen), stamp(r.Result.LastSeen),
				rollCalls(r, rep)}
		}
		var b bytes.Buffer
		if err := xlsx.Write(&b, tr(lang, "att.title"), header, rows); err != nil {
			h.fail(c, http.StatusInternalServerError, "error.internal", err)
			return
		}
		c.Header("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
		c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b.Bytes())
		return
	}
	rows := make([][]string, len(rep.Rows))
	for i, r := range rep.Rows {
		rows[i] = []string{strconv.Itoa(i + 1), r.User.FullName, r.User.Username, r.Unit.Name, statusText(lang, r.Result),
			strconv.FormatFloat(r.Result.Minutes, 'f', 0, 64), strconv.FormatFloat(r.Result.Share, 'f', 0, 64),
			stamp(r.Result.FirstSeen), stamp(r.Result.LastSeen), rollCalls(r, rep)}
	}
	var b bytes.Buffer
	if err := report.WriteCSV(&b, header, rows); err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", b.Bytes())
}

// statusText is a status as a reader sees it: while the session runs, a
// late arrival is said beside "attending" or "away", and the word
// "provisional" travels with an export read before the end.
func statusText(lang string, r live.Result) string {
	s := tr(lang, "att."+r.Status)
	if !r.Final {
		if r.Late {
			s += " · " + tr(lang, "att.late_flag")
		}
		s += " (" + tr(lang, "att.provisional_word") + ")"
	}
	return s
}

// rollCalls shows roll calls answered out of those held, e.g. "2/3".
func rollCalls(r live.Row, rep live.Report) string {
	return strconv.Itoa(r.RollCalls) + "/" + strconv.Itoa(rep.RollCalls)
}
