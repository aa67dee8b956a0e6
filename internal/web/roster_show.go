package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/report"
	"github.com/tdkt/tdkt/internal/store"
)

// rosterPreviewRows is how many lines the preview table shows; every
// problem is listed whatever the length.
const rosterPreviewRows = 200

// showRoster previews an uploaded roster (every line checked, problems by
// line and column) or, once imported, says what was written.
func (h *handler) showRoster(c *gin.Context) {
	imp, ok := h.ownRosterImport(c)
	if !ok {
		return
	}
	h.renderRoster(c, imp, http.StatusOK, "")
}

// ownRosterImport loads the upload named in the path: its uploader's and
// the administrators' only.
func (h *handler) ownRosterImport(c *gin.Context) (model.RosterImport, bool) {
	id, ok := h.pathID(c)
	if !ok {
		return model.RosterImport{}, false
	}
	imp, err := h.auth.RosterImport(c.Request.Context(), id)
	u, _ := currentUser(c)
	if errors.Is(err, store.ErrNotFound) || err == nil && imp.ActorID != u.ID && u.Role != model.RoleAdmin {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return imp, false
	}
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return imp, false
	}
	return imp, true
}

// rosterLines reads an upload into lines, or says in the reader's language
// why the file cannot be read.
func rosterLines(imp model.RosterImport, lang string) ([]auth.RosterLine, string) {
	tab, err := report.ReadTable(imp.Content)
	if err != nil {
		switch {
		case errors.Is(err, report.ErrNotUTF8):
			return nil, tr(lang, "roster.not_utf8")
		default:
			return nil, tr(lang, "roster.unreadable") + " (" + err.Error() + ")"
		}
	}
	out := make([]auth.RosterLine, len(tab))
	for i, l := range tab {
		out[i] = auth.RosterLine{N: l.N, Cells: l.Cells}
	}
	return out, ""
}

func (h *handler) renderRoster(c *gin.Context, imp model.RosterImport, status int, notice string) {
	lang := langOf(c.Request)
	var r auth.Roster
	var problem string
	if imp.ImportedAt.IsZero() {
		lines, msg := rosterLines(imp, lang)
		problem = msg
		if msg == "" {
			sc, err := h.scopeOf(c)
			if err == nil {
				r, err = h.auth.CheckRoster(c.Request.Context(), imp.Kind, lines, sc)
			}
			if err != nil {
				h.fail(c, http.StatusInternalServerError, "error.internal", err)
				return
			}
		}
	}
	shown := r.Rows
	if len(shown) > rosterPreviewRows {
		shown = shown[:rosterPreviewRows]
	}
	v := h.newView(c, tr(lang, "roster.preview")+": "+imp.Filename)
	v.Notice = notice
	v.D = struct {
		Import   model.RosterImport
		Roster   auth.Roster
		Problems []auth.RosterProblem
		Shown    []auth.RosterRow
		Unread   string
		Slips    int
	}{imp, r, r.AllProblems(), shown, problem, len(h.auth.RosterSlips(imp, h.now()))}
	h.render(c, status, "roster_preview", v)
}
