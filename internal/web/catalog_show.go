package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/report"
)

type courseCard struct {
	Course  *course.Course
	Done    int
	Total   int
	Percent int
	Resume  *course.Module
}

// showCatalog lists the courses with the user's progress in each.
func (h *handler) showCatalog(c *gin.Context) {
	u, _ := currentUser(c)
	p, err := h.tracker.Progress(c.Request.Context(), u.ID)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	cards := make([]courseCard, 0, len(h.cat.Courses))
	for _, co := range h.cat.Courses {
		if !visible(c, co) {
			continue
		}
		done, total, pct := p.CourseStats(co)
		cards = append(cards, courseCard{Course: co, Done: done, Total: total, Percent: pct, Resume: p.LastInCourse(co)})
	}
	// Courses assigned to the trainee come first, the overdue at the top.
	var assigned []report.Assignment
	if u.Role == model.RoleTrainee {
		if assigned, err = h.prog.Assignments(c.Request.Context(), u, h.cat, h.now()); err != nil {
			h.fail(c, http.StatusInternalServerError, "error.internal", err)
			return
		}
	}
	v := h.newView(c, tr(langOf(c.Request), "catalog.title"))
	if c.Query("changed") == "1" {
		v.Notice = tr(v.Lang, "password.changed")
	}
	v.D = struct {
		Cards    []courseCard
		Resume   *course.Module
		Assigned []report.Assignment
	}{cards, p.Resume(h.cat), assigned}
	h.render(c, http.StatusOK, "catalog", v)
}
