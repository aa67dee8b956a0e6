package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/model"
)

// watchReplay records seconds of a recording that the replay page played
// while it was on screen; in a session whose rule allows it, they count
// toward attendance ("xem lại").
func (h *handler) watchReplay(c *gin.Context) {
	sess, _, _, ok := h.postedTake(c)
	if !ok {
		return
	}
	seconds, err := strconv.ParseFloat(c.Request.PostForm.Get("seconds"), 64)
	if err != nil {
		seconds = -1 // refused below with the field named
	}
	u, _ := currentUser(c)
	err = h.lives.RecordWatch(c.Request.Context(), sess, u.ID, seconds)
	var verr model.ValidationError
	switch {
	case errors.As(err, &verr):
		c.JSON(http.StatusUnprocessableEntity, gin.H{"error": verr[0].Msg.In(langOf(c.Request)), "field": verr[0].Field})
	case err != nil:
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
	default:
		c.Status(http.StatusNoContent)
	}
}
