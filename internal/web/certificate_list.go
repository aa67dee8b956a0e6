package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
)

// listCertificates lists the certificates of a course for trainers and
// admins, with the bulk-issue form.
func (h *handler) listCertificates(c *gin.Context) {
	h.renderCertificates(c, c.Query("course"), "")
}

func (h *handler) renderCertificates(c *gin.Context, courseID, notice string) {
	ctx := c.Request.Context()
	sc, err := h.scopeOf(c)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	certs, err := h.certs.List(ctx, courseID, sc)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	tree, err := h.scopedTree(ctx, sc)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	var courses []*course.Course
	for _, co := range h.cat.Courses {
		if co.Cert != nil {
			courses = append(courses, co)
		}
	}
	v := h.newView(c, tr(langOf(c.Request), "cert.list"))
	v.Notice = notice
	v.Form = map[string]string{"course": courseID}
	v.D = struct {
		Certs   []model.Certificate
		Courses []*course.Course
		Units   []auth.UnitNode
	}{certs, courses, tree}
	h.render(c, http.StatusOK, "certificate_list", v)
}
