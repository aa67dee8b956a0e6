package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/exam"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// showDossierResult shows a handed-in report: each check with its verdict,
// explanation and article, the report itself as a clean A4 page, and the
// trainer's comment. Its author sees it, and trainers of their units.
func (h *handler) showDossierResult(c *gin.Context) {
	res, ok := h.dossierResult(c)
	if !ok {
		return
	}
	h.renderDossierResult(c, res, http.StatusOK, nil)
}

func (h *handler) renderDossierResult(c *gin.Context, res exam.DossierResult, status int, verr model.ValidationError) {
	ctx := c.Request.Context()
	author, err := h.auth.User(ctx, res.Submission.UserID)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	unit, _ := h.auth.Unit(ctx, author.UnitID)
	me, _ := currentUser(c)
	v := h.newView(c, res.Case.Title)
	v.Errors = verr
	v.D = struct {
		R       exam.DossierResult
		Author  model.User
		Unit    model.Unit
		Trainer bool
	}{res, author, unit, me.Role != model.RoleTrainee}
	h.render(c, status, "dossier_result", v)
}

// dossierResult loads the report in the path for its author or a trainer
// whose scope holds the author; anyone else gets not found.
func (h *handler) dossierResult(c *gin.Context) (exam.DossierResult, bool) {
	id, ok := h.pathID(c)
	if !ok {
		return exam.DossierResult{}, false
	}
	ctx := c.Request.Context()
	res, err := h.exams.DossierSubmission(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return res, false
	}
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return res, false
	}
	me, _ := currentUser(c)
	if res.Submission.UserID != me.ID {
		in := false
		if me.Role != model.RoleTrainee {
			sc, err := h.scopeOf(c)
			if err == nil {
				in, err = h.userInScope(ctx, sc, res.Submission.UserID)
			}
			if err != nil {
				h.fail(c, http.StatusInternalServerError, "error.internal", err)
				return res, false
			}
		}
		if !in {
			h.fail(c, http.StatusNotFound, "error.notfound", nil)
			return res, false
		}
	}
	return res, true
}
