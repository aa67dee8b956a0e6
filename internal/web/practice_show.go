package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/exam"
)

// showPractice shows a module's practice questions; answered ones carry their
// feedback (mark, correct answer, explanation, citation) and can be tried again.
func (h *handler) showPractice(c *gin.Context) {
	m := h.module(c)
	if m == nil {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	h.renderPractice(c, m, http.StatusOK, "")
}

func (h *handler) renderPractice(c *gin.Context, m *course.Module, status int, notice string) {
	u, _ := currentUser(c)
	ctx := c.Request.Context()
	a, err := h.exams.Practice(ctx, u.ID, m)
	if errors.Is(err, exam.ErrNoPracticeModule) {
		h.fail(c, http.StatusNotFound, "quiz.no_practice", nil)
		return
	}
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	answers, rows, err := h.exams.Answers(ctx, a)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	views := paperViews(m.Questions, a, answers)
	// ?again=<question> shows that question ready to be answered again (the
	// "try again" link, for a browser without scripts; offline.js does the
	// same in place).
	again := c.Query("again")
	done, right := 0, 0.0
	for i := range views {
		answered := false
		for _, id := range append([]string{views[i].Q.ID}, partIDs(views[i])...) {
			if r, ok := rows[id]; ok && r.Graded {
				answered = true
			}
		}
		if answered {
			if views[i].Q.ID != again {
				markReview(views[i:i+1], rows, course.ReviewAnswers)
			}
			done++
		}
	}
	for _, r := range rows {
		right += r.Score
	}
	v := h.newView(c, tr(langOf(c.Request), "quiz.practice")+": "+m.Title)
	v.Notice = notice
	v.D = struct {
		Module      *course.Module
		Views       []qview
		Done, Total int
	}{m, views, done, len(views)}
	h.render(c, status, "practice", v)
}

func partIDs(v qview) []string {
	var ids []string
	for _, p := range v.Parts {
		ids = append(ids, p.Q.ID)
	}
	return ids
}
