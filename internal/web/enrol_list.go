package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
)

// listEnrolments shows the enrolment form and the courses assigned to the
// units and officers in the user's charge.
func (h *handler) listEnrolments(c *gin.Context) {
	h.showEnrolments(c, http.StatusOK, map[string]string{}, nil, "")
}

func (h *handler) showEnrolments(c *gin.Context, status int, form map[string]string, verr model.ValidationError, notice string) {
	ctx := c.Request.Context()
	sc, err := h.scopeOf(c)
	var tree []auth.UnitNode
	var list []course.EnrolmentView
	var groups []model.Group
	u, _ := currentUser(c)
	if err == nil {
		tree, err = h.scopedTree(ctx, sc)
	}
	if err == nil {
		list, err = h.enrol.List(ctx, u.ID, sc)
	}
	if err == nil {
		groups, err = h.enrol.Groups(ctx, u.ID, sc)
	}
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	var courses []*course.Course
	for _, co := range h.cat.Courses {
		if !co.ForTrainers {
			courses = append(courses, co)
		}
	}
	v := h.newView(c, tr(langOf(c.Request), "enrol.title"))
	v.Form, v.Errors, v.Notice = form, verr, notice
	v.D = struct {
		Courses []*course.Course
		Units   []auth.UnitNode
		List    []course.EnrolmentView
		Groups  []model.Group
	}{courses, tree, list, groups}
	h.render(c, status, "enrol", v)
}
