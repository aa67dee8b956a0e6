package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/exam"
	"github.com/tdkt/tdkt/internal/quiz"
)

// saveAnswers stores the answers present in the form: one question at a time
// from the page's script (JSON reply), or the whole paper from the "save"
// button when scripts are off. Sending an answer again is harmless.
func (h *handler) saveAnswers(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok || !h.parseForm(c) {
		return
	}
	n, err := h.storeAnswers(c, id)
	switch {
	case err == nil && wantsJSON(c):
		// The most frequent answer of an exam: written without reflection.
		b := strconv.AppendInt(append(make([]byte, 0, 24), `{"saved":`...), int64(n), 10)
		c.Data(http.StatusOK, "application/json; charset=utf-8", append(b, '}'))
	case err == nil:
		c.Redirect(http.StatusSeeOther, "/attempts/"+strconv.FormatInt(id, 10)+"?saved="+strconv.Itoa(n))
	default:
		h.attemptError(c, err)
	}
}

// storeAnswers saves the form's answers to attempt id and reports how many.
func (h *handler) storeAnswers(c *gin.Context, id int64) (int, error) {
	u, _ := currentUser(c)
	ctx := c.Request.Context()
	a, err := h.exams.Attempt(ctx, u.ID, id)
	if err != nil {
		return 0, err
	}
	if !a.Open() {
		if a.AutoSubmitted {
			return 0, exam.ErrLate
		}
		return 0, exam.ErrSubmitted
	}
	// Every question the form names must be on this paper: an answer to
	// another question is refused, not silently dropped.
	form := c.Request.PostForm
	question := form.Get("question")
	if question != "" && !inPaper(a.Questions, question) {
		return 0, exam.ErrNotInAttempt
	}
	only := question // the script's form: one question and its parts
	for k := range form {
		if rest, ok := strings.CutPrefix(k, "a:"); ok {
			qid, _, _ := strings.Cut(rest, ":")
			if !inPaper(a.Questions, qid) {
				return 0, exam.ErrNotInAttempt
			}
			if top, _, _ := strings.Cut(qid, "/"); top != question {
				only = ""
			}
		}
	}
	answers, err := answersFromForm(form, h.exams.Paper(a), only)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", quiz.ErrInvalidAnswer, err)
	}
	for qid, ans := range answers {
		if err := h.exams.SaveAnswer(ctx, u.ID, a.ID, qid, ans); err != nil {
			return 0, err
		}
	}
	return len(answers), nil
}

func inPaper(ids []string, qid string) bool {
	for _, id := range ids {
		if id == qid || len(qid) > len(id) && qid[:len(id)+1] == id+"/" {
			return true
		}
	}
	return false
}

// attemptError explains why an attempt refused a request.
func (h *handler) attemptError(c *gin.Context, err error) {
	switch {
	case errors.Is(err, exam.ErrNotFound):
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
	case errors.Is(err, exam.ErrLate):
		h.fail(c, http.StatusConflict, "exam.late", nil)
	case errors.Is(err, exam.ErrSubmitted):
		h.fail(c, http.StatusConflict, "exam.submitted", nil)
	case errors.Is(err, exam.ErrNotInAttempt), errors.Is(err, exam.ErrUnknownQuestion):
		h.fail(c, http.StatusUnprocessableEntity, "quiz.not_in_attempt", nil)
	case errors.Is(err, quiz.ErrInvalidAnswer):
		h.fail(c, http.StatusUnprocessableEntity, "quiz.invalid", nil)
	default:
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
	}
}
