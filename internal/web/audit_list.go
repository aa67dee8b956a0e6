package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// auditActions are the kinds of entry the filter offers.
var auditActions = []string{"user.", "unit.", "roster.", "enrolment.", "certificate."}

// listAudit shows the audit log to administrators: who imported, enrolled,
// changed an account or a unit, reset a password, revoked or re-issued a
// certificate, and when, with the values before and after; filtered by
// kind, person and dates, 100 at a time. Nothing here can change it.
func (h *handler) listAudit(c *gin.Context) {
	ctx := c.Request.Context()
	f := store.AuditFilter{Limit: 100}
	form := map[string]string{"action": c.Query("action"), "actor": c.Query("actor"), "from": c.Query("from"), "to": c.Query("to")}
	for _, a := range auditActions {
		if a == form["action"] {
			f.Action = a
		}
	}
	var problem string
	if name := form["actor"]; name != "" {
		u, err := h.auth.UserByUsername(ctx, name)
		if err != nil {
			problem = tr(langOf(c.Request), "audit.no_actor")
			f.ActorID = -1 // nobody
		} else {
			f.ActorID = u.ID
		}
	}
	if d, err := time.ParseInLocation("2006-01-02", form["from"], h.loc); err == nil {
		f.From = d
	}
	if d, err := time.ParseInLocation("2006-01-02", form["to"], h.loc); err == nil {
		f.To = d.AddDate(0, 0, 1)
	}
	f.Before, _ = strconv.ParseInt(c.Query("before"), 10, 64)
	entries, err := h.auth.AuditLog(ctx, f)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	var next string
	if len(entries) == f.Limit {
		q := url.Values{}
		for k, v := range form {
			if v != "" {
				q.Set(k, v)
			}
		}
		q.Set("before", strconv.FormatInt(entries[len(entries)-1].ID, 10))
		next = "/admin/audit?" + q.Encode()
	}
	v := h.newView(c, tr(langOf(c.Request), "audit.title"))
	v.Form, v.Notice = form, problem
	v.D = struct {
		Entries []model.AuditEntry
		Actions []string
		Next    string
	}{entries, auditActions, next}
	h.render(c, http.StatusOK, "audit", v)
}
