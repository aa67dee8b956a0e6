package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/model"
)

// commentDossier keeps a trainer's comment on a report of a trainee in
// their charge.
func (h *handler) commentDossier(c *gin.Context) {
	res, ok := h.dossierResult(c)
	if !ok || !h.parseForm(c) {
		return
	}
	me, _ := currentUser(c)
	err := h.exams.CommentDossier(c.Request.Context(), res.Submission.ID, c.Request.PostForm.Get("comment"), me.ID)
	if h.saveResult(c, err, func(verr model.ValidationError) { h.renderDossierResult(c, res, http.StatusUnprocessableEntity, verr) }) {
		c.Redirect(http.StatusSeeOther, "/dossiers/"+strconv.FormatInt(res.Submission.ID, 10))
	}
}
