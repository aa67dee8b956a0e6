package web

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/report"
	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/xlsx"
)

// trackedCourse is the course a progress page is about: ?course=, or the
// first course for trainees.
func (h *handler) trackedCourse(c *gin.Context) (*course.Course, []*course.Course) {
	var list []*course.Course
	for _, co := range h.cat.Courses {
		if !co.ForTrainers {
			list = append(list, co)
		}
	}
	if co := h.cat.Course(c.Query("course")); co != nil && !co.ForTrainers {
		return co, list
	}
	if len(list) > 0 {
		return list[0], list
	}
	return nil, list
}

// showProgress is the dashboard of a course: one row per unit below the
// chosen one (the top of the user's scope at first), each with its whole
// subtree, drill-down links, charts by unit and over time, and exports.
func (h *handler) showProgress(c *gin.Context) {
	co, courses := h.trackedCourse(c)
	if co == nil {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	sc, err := h.scopeOf(c)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	var root int64
	if u := c.Query("unit"); u != "" {
		if root, err = strconv.ParseInt(u, 10, 64); err != nil {
			h.fail(c, http.StatusNotFound, "error.notfound", nil)
			return
		}
	}
	r, err := h.prog.Rollup(c.Request.Context(), co, root, sc, h.now())
	if errors.Is(err, store.ErrNotFound) {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	lang := langOf(c.Request)
	if c.Query("print") == "1" {
		h.printRound(c, r)
		return
	}
	if f := c.Query("format"); f == "csv" || f == "xlsx" {
		header := []string{tr(lang, "field.unit"), tr(lang, "progress.officers"), tr(lang, "progress.enrolled"), tr(lang, "progress.started"),
			tr(lang, "progress.completed"), tr(lang, "progress.passed"), tr(lang, "progress.certified"), tr(lang, "progress.finished"),
			tr(lang, "progress.finished_pct"), tr(lang, "progress.overdue"), tr(lang, "progress.live_col")}
		var rows [][]any
		for _, row := range append(r.Rows, report.UnitRow{Unit: model.Unit{Name: tr(lang, "progress.total")}, Counts: r.Total}) {
			n := row.Counts
			rows = append(rows, []any{row.Unit.Name, n.Officers, n.Enrolled, n.Started, n.Completed, n.Passed, n.Certified, n.Finished,
				float64(int(n.FinishedPct()*10+0.5)) / 10, n.Overdue, strconv.Itoa(n.LiveAttended) + "/" + strconv.Itoa(n.LiveRequired)})
		}
		h.sendTable(c, f, "tien-do-"+co.ID, tr(lang, "progress.title"), header, rows)
		return
	}
	v := h.newView(c, tr(lang, "progress.title")+": "+co.Title)
	v.D = struct {
		R       report.Rollup
		Courses []*course.Course
		Bars    template.HTML
		Time    template.HTML
	}{r, courses, finishedBars(r.Rows, lang), finishedOverTime(r.Weeks, r.Total.Enrolled, h.loc, lang)}
	h.render(c, http.StatusOK, "progress", v)
}

// sendTable sends a table as CSV (UTF-8 with BOM, formulas defused) or
// XLSX; cells are strings or numbers.
func (h *handler) sendTable(c *gin.Context, format, name, sheet string, header []string, rows [][]any) {
	var b bytes.Buffer
	if format == "xlsx" {
		cells := make([][]xlsx.Cell, len(rows))
		for i, r := range rows {
			cells[i] = make([]xlsx.Cell, len(r))
			for j, v := range r {
				cells[i][j] = v
			}
		}
		if err := xlsx.Write(&b, sheet, header, cells); err != nil {
			h.fail(c, http.StatusInternalServerError, "error.internal", err)
			return
		}
		c.Header("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
		c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b.Bytes())
		return
	}
	text := make([][]string, len(rows))
	for i, r := range rows {
		text[i] = make([]string, len(r))
		for j, v := range r {
			switch x := v.(type) {
			case string:
				text[i][j] = x
			case float64:
				text[i][j] = strconv.FormatFloat(x, 'f', -1, 64)
			default:
				text[i][j] = strconv.FormatInt(toInt(x), 10)
			}
		}
	}
	if err := report.WriteCSV(&b, header, text); err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", b.Bytes())
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int64:
		return x
	}
	return 0
}
