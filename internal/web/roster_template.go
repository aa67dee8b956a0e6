package web

import (
	"bytes"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/report"
	"github.com/tdkt/tdkt/internal/xlsx"
)

// showRosterTemplate sends an empty roster with its headings and one
// example line, as XLSX or CSV, in the reader's language.
func (h *handler) showRosterTemplate(c *gin.Context) {
	kind := c.Query("kind")
	cols, ok := auth.RosterColumns[kind]
	if !ok {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	lang := langOf(c.Request)
	header, example := make([]string, len(cols)), make([]string, len(cols))
	for i, col := range cols {
		header[i], example[i] = col.VI, col.Example
		if lang == "en" {
			header[i] = col.EN
		}
	}
	name := "mau-danh-sach-hoc-vien"
	if kind == auth.RosterUnits {
		name = "mau-danh-sach-don-vi"
	}
	var b bytes.Buffer
	if c.Query("format") == "csv" {
		if err := report.WriteCSV(&b, header, [][]string{example}); err != nil {
			h.fail(c, http.StatusInternalServerError, "error.internal", err)
			return
		}
		c.Header("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		c.Data(http.StatusOK, "text/csv; charset=utf-8", b.Bytes())
		return
	}
	row := make([]xlsx.Cell, len(example))
	for i, e := range example {
		row[i] = e
	}
	if err := xlsx.Write(&b, tr(lang, "roster.title"), header, [][]xlsx.Cell{row}); err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b.Bytes())
}
