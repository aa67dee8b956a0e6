package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/course"
)

// showDocument is the references page of one legal document: what it is,
// whether it is in force, what replaced it, and the modules that rest on it.
func (h *handler) showDocument(c *gin.Context) {
	var doc *course.Document
	if h.cat.Register != nil {
		for _, d := range h.cat.Register.Documents {
			if d.Slug == c.Param("slug") {
				doc = d
			}
		}
	}
	if doc == nil {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	title := doc.Kind + " " + doc.Number
	if !doc.InForce() {
		title += " (" + doc.ShortStatus() + ")"
	}
	v := h.newView(c, title)
	v.D = struct {
		Doc        *course.Document
		ReplacedBy *course.Document
		Modules    []*course.Module
	}{doc, h.cat.Register.Doc(doc.ReplacedBy), h.cat.Cites(doc.Number)}
	h.render(c, http.StatusOK, "document", v)
}
