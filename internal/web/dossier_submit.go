package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
)

// submitDossier checks a report on a case, keeps it, and shows what the
// checks found.
func (h *handler) submitDossier(c *gin.Context) {
	co, d := h.dossierCase(c)
	if d == nil || !h.parseForm(c) {
		return
	}
	f := c.Request.PostForm
	a := course.DossierAnswer{Choices: map[string]string{}, Sections: map[string]string{}, Evidence: []string{}}
	for _, st := range d.Steps {
		if v := f.Get("c:" + st.Key); v != "" {
			a.Choices[st.Key] = v
		}
	}
	for _, s := range d.Report {
		a.Sections[s.ID] = f.Get("s:" + s.ID)
	}
	a.Evidence = append(a.Evidence, f["e"]...)
	u, _ := currentUser(c)
	res, err := h.exams.SubmitDossier(c.Request.Context(), u.ID, co, d, a)
	if h.saveResult(c, err, func(verr model.ValidationError) {
		h.renderDossierForm(c, http.StatusUnprocessableEntity, co, d, a, verr)
	}) {
		c.Redirect(http.StatusSeeOther, "/dossiers/"+strconv.FormatInt(res.Submission.ID, 10))
	}
}
