package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/quiz"
)

// answerPractice grades one practice answer and shows the feedback at once.
func (h *handler) answerPractice(c *gin.Context) {
	m := h.module(c)
	if m == nil {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	if !h.parseForm(c) {
		return
	}
	qid := c.Request.PostForm.Get("question")
	var q *quiz.Question
	for _, mq := range m.Questions {
		if mq.ID == qid {
			q = mq
		}
	}
	if q == nil {
		h.fail(c, http.StatusUnprocessableEntity, "quiz.not_in_attempt", nil)
		return
	}
	answers, err := answersFromForm(c.Request.PostForm, []*quiz.Question{q}, "")
	if err != nil {
		h.renderPractice(c, m, http.StatusUnprocessableEntity, tr(langOf(c.Request), "quiz.invalid"))
		return
	}
	if len(answers) == 0 {
		h.renderPractice(c, m, http.StatusUnprocessableEntity, tr(langOf(c.Request), "quiz.empty"))
		return
	}
	u, _ := currentUser(c)
	for id, a := range answers {
		if _, _, err := h.exams.AnswerPractice(c.Request.Context(), u.ID, m, id, a); err != nil {
			if errors.Is(err, quiz.ErrInvalidAnswer) {
				h.renderPractice(c, m, http.StatusUnprocessableEntity, tr(langOf(c.Request), "quiz.invalid"))
				return
			}
			h.fail(c, http.StatusInternalServerError, "error.internal", err)
			return
		}
	}
	c.Redirect(http.StatusSeeOther, "/courses/"+m.Course.ID+"/modules/"+m.ID+"/practice#q-"+q.ID)
}
