package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/live"
	"github.com/tdkt/tdkt/internal/model"
)

type liveFormData struct {
	Courses []*course.Course
	Units   []auth.UnitNode
}

// newLive shows the scheduling form.
func (h *handler) newLive(c *gin.Context) {
	h.showLiveForm(c, http.StatusOK, map[string]string{"late_after": "10", "present_pct": "80",
		"date": h.now().In(h.loc).Format("2006-01-02"), "start": "08:00", "end": "11:00"}, nil)
}

func (h *handler) showLiveForm(c *gin.Context, status int, form map[string]string, verr model.ValidationError) {
	sc, err := h.scopeOf(c)
	var tree []auth.UnitNode
	if err == nil {
		tree, err = h.scopedTree(c.Request.Context(), sc)
	}
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	v := h.newView(c, tr(langOf(c.Request), "live.new"))
	v.Form, v.Errors = form, verr
	v.D = liveFormData{Courses: h.cat.Courses, Units: tree}
	h.render(c, status, "live_form", v)
}

// createLive schedules a session from the form.
func (h *handler) createLive(c *gin.Context) {
	if !h.parseForm(c) {
		return
	}
	f := c.Request.PostForm
	form := map[string]string{}
	for _, k := range []string{"title", "course", "deck", "date", "start", "end", "late_after", "present_pct", "stream_url", "required", "open_to_all", "makeup"} {
		form[k] = f.Get(k)
	}
	loc := h.loc // the form is in the platform's zone, whatever the machine's
	start, err1 := time.ParseInLocation("2006-01-02 15:04", f.Get("date")+" "+f.Get("start"), loc)
	end, err2 := time.ParseInLocation("2006-01-02 15:04", f.Get("date")+" "+f.Get("end"), loc)
	late, err3 := strconv.Atoi(f.Get("late_after"))
	pct, err4 := strconv.ParseFloat(f.Get("present_pct"), 64)
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		h.showLiveForm(c, http.StatusUnprocessableEntity, form, model.ValidationError{{Field: "date", Msg: model.Text{
			VI: "Ngày, giờ và các số phải đúng dạng (ví dụ 2026-12-01, 08:00, 10, 80).",
			EN: "Date, times and numbers must be well formed (e.g. 2026-12-01, 08:00, 10, 80)."}}})
		return
	}
	in := live.Input{Title: f.Get("title"), CourseID: f.Get("course"), Start: start, End: end, UnitCodes: f["units"],
		LateAfter: late, PresentPct: pct, Required: f.Get("required") == "1", OpenToAll: f.Get("open_to_all") == "1", StreamURL: f.Get("stream_url"),
		Makeup: f.Get("makeup") == "1"}
	if in.CourseID != "" && h.cat.Course(in.CourseID) == nil {
		in.CourseID = ""
	}
	// A deck is "course/deck": it names its course, which must agree with
	// the course chosen, if any.
	if d := f.Get("deck"); d != "" {
		cid, did, _ := strings.Cut(d, "/")
		co := h.cat.Course(cid)
		switch {
		case co == nil || co.Deck(did) == nil:
			h.showLiveForm(c, http.StatusUnprocessableEntity, form, model.ValidationError{{Field: "deck", Msg: model.Text{
				VI: "Không có bộ trình chiếu " + d + ".", EN: "There is no slide deck " + d + "."}}})
			return
		case in.CourseID != "" && in.CourseID != cid:
			h.showLiveForm(c, http.StatusUnprocessableEntity, form, model.ValidationError{{Field: "deck", Msg: model.Text{
				VI: "Bộ trình chiếu thuộc một khóa học khác với khóa học đã chọn.",
				EN: "The slide deck belongs to another course than the one chosen."}}})
			return
		}
		in.CourseID, in.Deck = cid, did
	}
	// A trainer schedules only for units in their charge.
	sc, err := h.scopeOf(c)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	for _, code := range in.UnitCodes {
		if unit, err := h.auth.UnitByCode(c.Request.Context(), code); err == nil && !sc.Has(unit.ID) {
			h.showLiveForm(c, http.StatusUnprocessableEntity, form, model.ValidationError{{Field: "units", Msg: model.Text{
				VI: "Đơn vị " + unit.Name + " không thuộc phạm vi bạn phụ trách.",
				EN: "The unit " + unit.Name + " is not in your charge."}}})
			return
		}
	}
	u, _ := currentUser(c)
	sess, err := h.lives.Create(c.Request.Context(), in, u.ID)
	if h.saveResult(c, err, func(verr model.ValidationError) { h.showLiveForm(c, http.StatusUnprocessableEntity, form, verr) }) {
		c.Redirect(http.StatusSeeOther, "/live/"+strconv.FormatInt(sess.ID, 10))
	}
}
