package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
)

// listDossiers shows a course's practice cases on real dossiers, with the
// trainee's latest report on each.
func (h *handler) listDossiers(c *gin.Context) {
	co := h.course(c)
	if co == nil {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	u, _ := currentUser(c)
	subs, err := h.exams.DossierSubmissions(c.Request.Context(), u.ID, co.ID, model.Scope{All: true}, 200)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	latest := map[string]model.DossierSubmission{}
	for _, s := range subs { // newest first
		if _, ok := latest[s.CaseID]; !ok {
			latest[s.CaseID] = s
		}
	}
	v := h.newView(c, tr(langOf(c.Request), "dossier.title")+": "+co.Title)
	v.D = struct {
		Course *course.Course
		Latest map[string]model.DossierSubmission
	}{co, latest}
	h.render(c, http.StatusOK, "dossier_list", v)
}
