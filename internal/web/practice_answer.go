package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/course"
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
	if key := c.Request.PostForm.Get("client_key"); key != "" {
		h.answerPracticeQueued(c, m, u.ID, key, answers)
		return
	}
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

// answerPracticeQueued stores an answer the phone queued while offline and
// sends now (static/js/offline.js). The key it made up lets a repeat of the
// same answer be recognised and left out, so each queued answer is applied
// exactly once however often the queue is sent. The reply is JSON: the page
// that sends the queue is not the one that showed the question.
func (h *handler) answerPracticeQueued(c *gin.Context, m *course.Module, userID int64, key string, answers map[string]quiz.Answer) {
	if !validClientKey(key) {
		c.JSON(http.StatusUnprocessableEntity, gin.H{"error": tr(langOf(c.Request), "offline.bad_key"), "field": "client_key"})
		return
	}
	repeat, err := h.exams.AnswerPracticeQueued(c.Request.Context(), userID, m, key, answers)
	if errors.Is(err, quiz.ErrInvalidAnswer) {
		c.JSON(http.StatusUnprocessableEntity, gin.H{"error": tr(langOf(c.Request), "quiz.invalid"), "field": "question"})
		return
	}
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"stored": true, "repeat": repeat})
}

// validClientKey accepts the keys offline.js makes: 16 to 64 letters, digits
// and dashes.
func validClientKey(k string) bool {
	if len(k) < 16 || len(k) > 64 {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}
