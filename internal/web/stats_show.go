package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/exam"
	"github.com/tdkt/tdkt/internal/model"
)

// showStats shows trainers how each question of a course was answered,
// hardest first, with how often each option was chosen.
func (h *handler) showStats(c *gin.Context) {
	co := h.course(c)
	if co == nil {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	kind := c.Query("kind")
	if kind != model.AttemptPractice {
		kind = model.AttemptExam
	}
	sc, err := h.scopeOf(c)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	// Narrowed to one unit (and those below it) on request.
	ctx := c.Request.Context()
	tree, err := h.scopedTree(ctx, sc)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	unitCode := c.Query("unit")
	if unitCode != "" {
		unit, err := h.auth.UnitByCode(ctx, unitCode)
		if err != nil || !sc.Has(unit.ID) {
			h.fail(c, http.StatusNotFound, "error.notfound", nil)
			return
		}
		if sc, err = h.auth.Within(ctx, sc, unit.ID); err != nil {
			h.fail(c, http.StatusInternalServerError, "error.internal", err)
			return
		}
	}
	stats, err := h.exams.Stats(ctx, co, kind, sc)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	v := h.newView(c, tr(langOf(c.Request), "stats.title")+": "+co.Title)
	if f := c.Query("format"); f == "csv" || f == "xlsx" {
		lang := langOf(c.Request)
		header := []string{tr(lang, "stats.col.question"), tr(lang, "stats.col.responses"), tr(lang, "stats.col.correct"),
			tr(lang, "stats.col.mean"), tr(lang, "stats.top_wrong"), tr(lang, "stats.col.wrong_pct")}
		rows := make([][]any, len(stats))
		for i, st := range stats {
			wrong, pct := "", 0.0
			if w := st.TopWrong(); w != nil {
				wrong, pct = w.Option.Text, w.Percent
			}
			rows[i] = []any{st.Question.StemText, st.Responses, st.Correct, float64(int(st.MeanScore*1000+0.5)) / 10, wrong, float64(int(pct*10+0.5)) / 10}
		}
		h.sendTable(c, f, "thong-ke-cau-hoi-"+co.ID, tr(lang, "stats.title"), header, rows)
		return
	}
	v.Form = map[string]string{"unit": unitCode, "kind": kind}
	v.D = struct {
		Course *course.Course
		Kind   string
		Stats  []exam.ItemStat
		Units  []auth.UnitNode
	}{co, kind, stats, tree}
	h.render(c, http.StatusOK, "stats", v)
}
