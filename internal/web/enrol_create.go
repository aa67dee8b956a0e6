package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
)

// createEnrolment assigns a course to a unit or to named officers, with an
// optional due date (the end of that day, Vietnam time).
func (h *handler) createEnrolment(c *gin.Context) {
	if !h.parseForm(c) {
		return
	}
	f := c.Request.PostForm
	form := map[string]string{"course": f.Get("course"), "unit": f.Get("unit"), "usernames": f.Get("usernames"), "due": f.Get("due"), "group": f.Get("group")}
	in := course.EnrolInput{CourseID: f.Get("course"), UnitCode: f.Get("unit"), Usernames: f.Get("usernames")}
	in.GroupID, _ = strconv.ParseInt(f.Get("group"), 10, 64)
	if d := f.Get("due"); d != "" {
		day, err := time.ParseInLocation("2006-01-02", d, h.loc)
		if err != nil {
			h.showEnrolments(c, http.StatusUnprocessableEntity, form, model.ValidationError{{Field: "due", Msg: model.Text{
				VI: "Ngày hạn phải có dạng năm-tháng-ngày, ví dụ 2026-12-31.", EN: "The due date must read year-month-day, e.g. 2026-12-31."}}}, "")
			return
		}
		in.Due = day.AddDate(0, 0, 1).Add(-time.Minute) // due by the end of that day
	}
	sc, err := h.scopeOf(c)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	u, _ := currentUser(c)
	made, err := h.enrol.Create(c.Request.Context(), in, u.ID, sc, h.now())
	if h.saveResult(c, err, func(verr model.ValidationError) { h.showEnrolments(c, http.StatusUnprocessableEntity, form, verr, "") }) {
		h.showEnrolments(c, http.StatusOK, map[string]string{}, nil, trf(langOf(c.Request), "enrol.done", len(made)))
	}
}
