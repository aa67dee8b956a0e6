package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
)

type moduleRow struct {
	Module   *course.Module
	Progress model.ModuleProgress
}

// showCourse shows a course's modules with estimated time and progress.
func (h *handler) showCourse(c *gin.Context) {
	co := h.course(c)
	if co == nil {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	u, _ := currentUser(c)
	p, err := h.tracker.Progress(c.Request.Context(), u.ID)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	rows := make([]moduleRow, len(co.Modules))
	for i, m := range co.Modules {
		rows[i] = moduleRow{Module: m, Progress: p.Module(m)}
	}
	done, total, pct := p.CourseStats(co)
	resume := p.LastInCourse(co)
	if resume == nil {
		resume = co.Modules[0]
	}
	_, offline := h.offlineFiles(co)
	v := h.newView(c, co.Title)
	v.D = struct {
		Course               *course.Course
		Rows                 []moduleRow
		Done, Total, Percent int
		Resume               *course.Module
		Started              bool
		OfflineBytes         int
	}{co, rows, done, total, pct, resume, p.LastInCourse(co) != nil, offline}
	h.render(c, http.StatusOK, "course", v)
}
