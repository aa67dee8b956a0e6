package web

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/xlsx"
)

// showRosterSlips prints the first logins of an import: an A4 sheet of
// slips with cut lines, one per officer with their unit and the login
// address, or the same as XLSX. The passwords are kept for a day only.
func (h *handler) showRosterSlips(c *gin.Context) {
	imp, ok := h.ownRosterImport(c)
	if !ok {
		return
	}
	slips := h.auth.RosterSlips(imp, h.now())
	if len(slips) == 0 {
		h.fail(c, http.StatusGone, "roster.slips_gone", nil)
		return
	}
	h.renderSlips(c, slips, "phieu-dang-nhap-"+strconv.FormatInt(imp.ID, 10), true)
}

// renderSlips sends login slips as a printable page or, with
// ?format=xlsx, a spreadsheet. withXLSX offers the spreadsheet: not after a
// password reset, whose page answers a POST and is not fetched again.
func (h *handler) renderSlips(c *gin.Context, slips []auth.Slip, name string, withXLSX bool) {
	lang := langOf(c.Request)
	login := h.publicBase(c) + "/login"
	c.Header("Cache-Control", "private, no-store") // passwords
	if c.Query("format") == "xlsx" {
		rows := make([][]xlsx.Cell, len(slips))
		for i, s := range slips {
			rows[i] = []xlsx.Cell{i + 1, s.FullName, s.Unit, s.Username, s.Password, login}
		}
		var b bytes.Buffer
		header := []string{tr(lang, "att.col.no"), tr(lang, "field.full_name"), tr(lang, "field.unit"), tr(lang, "field.username"),
			tr(lang, "roster.first_password"), tr(lang, "roster.login_at")}
		if err := xlsx.Write(&b, tr(lang, "roster.slips"), header, rows); err != nil {
			h.fail(c, http.StatusInternalServerError, "error.internal", err)
			return
		}
		c.Header("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
		c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b.Bytes())
		return
	}
	v := h.newView(c, tr(lang, "roster.slips"))
	v.D = struct {
		Slips []auth.Slip
		Login string
		XLSX  bool
	}{slips, login, withXLSX}
	h.render(c, http.StatusOK, "roster_slips", v)
}
