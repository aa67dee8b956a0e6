package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/store"
)

// importRoster writes a previewed roster: the whole file (refused while any
// line has a problem), or with mode=valid only its valid lines. Either way
// it is one transaction, so nothing partial is left by a failure.
func (h *handler) importRoster(c *gin.Context) {
	imp, ok := h.ownRosterImport(c)
	if !ok || !h.parseForm(c) {
		return
	}
	lang := langOf(c.Request)
	if !imp.ImportedAt.IsZero() {
		h.renderRoster(c, imp, http.StatusConflict, tr(lang, "roster.already"))
		return
	}
	lines, msg := rosterLines(imp, lang)
	if msg != "" {
		h.renderRoster(c, imp, http.StatusUnprocessableEntity, msg)
		return
	}
	sc, err := h.scopeOf(c)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	onlyValid := c.Request.PostForm.Get("mode") == "valid"
	me, _ := currentUser(c)
	_, res, err := h.auth.ImportRoster(c.Request.Context(), imp.ID, me.ID, imp.Kind, lines, sc, onlyValid, h.now())
	switch {
	case errors.Is(err, auth.ErrRosterInvalid):
		h.renderRoster(c, imp, http.StatusUnprocessableEntity, tr(lang, "roster.invalid"))
		return
	case errors.Is(err, auth.ErrRosterEmpty):
		h.renderRoster(c, imp, http.StatusUnprocessableEntity, tr(lang, "roster.empty"))
		return
	case errors.Is(err, store.ErrDuplicate):
		// A username or code was taken between the preview and now, or the
		// file was imported in another tab: the transaction wrote nothing.
		h.renderRoster(c, imp, http.StatusConflict, tr(lang, "roster.conflict"))
		return
	case err != nil:
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/manage/roster/"+strconv.FormatInt(imp.ID, 10)+"?created="+strconv.Itoa(res.Created))
}
