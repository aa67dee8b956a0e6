package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
)

// dossierForm is what the case form shows: the case, and the answer so far
// (blank, or handed back with a problem).
type dossierForm struct {
	Course *course.Course
	Case   *course.Dossier
	Answer course.DossierAnswer
}

// showDossier is the case and the form a trainee works on: four choices,
// the report's sections, the evidence to attach.
func (h *handler) showDossier(c *gin.Context) {
	co, d := h.dossierCase(c)
	if d == nil {
		return
	}
	h.renderDossierForm(c, http.StatusOK, co, d, course.DossierAnswer{}, nil)
}

func (h *handler) renderDossierForm(c *gin.Context, status int, co *course.Course, d *course.Dossier, a course.DossierAnswer, verr model.ValidationError) {
	v := h.newView(c, d.Title)
	v.Errors = verr
	v.D = dossierForm{co, d, a}
	h.render(c, status, "dossier_form", v)
}

// dossierCase finds the course and case named in the path.
func (h *handler) dossierCase(c *gin.Context) (*course.Course, *course.Dossier) {
	co := h.course(c)
	if co == nil || co.Dossier(c.Param("case")) == nil {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return nil, nil
	}
	return co, co.Dossier(c.Param("case"))
}
