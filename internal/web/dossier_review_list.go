package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/model"
)

// dossierRow is a report in the trainer's list.
type dossierRow struct {
	S      model.DossierSubmission
	Author model.User
	Title  string
}

// listDossierReports shows trainers the latest reports of the trainees in
// their charge, to read and comment on.
func (h *handler) listDossierReports(c *gin.Context) {
	ctx := c.Request.Context()
	sc, err := h.scopeOf(c)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	subs, err := h.exams.DossierSubmissions(ctx, 0, "", sc, 200)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	ids := make([]int64, 0, len(subs))
	for _, s := range subs {
		ids = append(ids, s.UserID)
	}
	users, err := h.auth.UsersByID(ctx, ids)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	byID := map[int64]model.User{}
	for _, u := range users {
		byID[u.ID] = u
	}
	var rows []dossierRow
	for _, s := range subs {
		title := s.CaseID
		if co := h.cat.Course(s.CourseID); co != nil && co.Dossier(s.CaseID) != nil {
			title = co.Dossier(s.CaseID).Title
		}
		rows = append(rows, dossierRow{s, byID[s.UserID], title})
	}
	v := h.newView(c, tr(langOf(c.Request), "dossier.reports"))
	v.D = rows
	h.render(c, http.StatusOK, "dossier_reports", v)
}
