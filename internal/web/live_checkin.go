package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"rsc.io/qr"
)

// showLiveQR is the hall QR code for the trainer's screen: an SVG of the
// check-in address with the token of the current 30 seconds.
func (h *handler) showLiveQR(c *gin.Context) {
	sess, ok := h.managedSession(c)
	if !ok {
		return
	}
	id := sess.ID
	target := h.publicBase(c) + "/live/" + strconv.FormatInt(id, 10) + "/checkin?t=" + h.live.CheckinToken(id, h.now())
	code, err := qr.Encode(target, qr.M)
	if err != nil {
		h.fail(c, http.StatusInternalServerError, "error.internal", err)
		return
	}
	var b strings.Builder
	n := code.Size + 8 // a quiet zone of four modules around the code
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n, n, n)
	for y := 0; y < code.Size; y++ {
		for x := 0; x < code.Size; x++ {
			if code.Black(x, y) {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x+4, y+4)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "image/svg+xml", []byte(b.String()))
}

// showLiveCheckin is where a scanned hall QR code lands: a button to confirm,
// since opening a link must not change anything by itself.
func (h *handler) showLiveCheckin(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok || !h.mayCheckIn(c, id) {
		return
	}
	s, err := h.lives.Get(c.Request.Context(), id)
	if err != nil {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	v := h.newView(c, tr(langOf(c.Request), "checkin.title"))
	v.Form = map[string]string{"t": c.Query("t")}
	v.D = s
	h.render(c, http.StatusOK, "live_checkin", v)
}

// submitLiveCheckin records the scanning user as present in the hall.
func (h *handler) submitLiveCheckin(c *gin.Context) {
	id, ok := h.pathID(c)
	if !ok || !h.parseForm(c) || !h.mayCheckIn(c, id) {
		return
	}
	s, err := h.lives.Get(c.Request.Context(), id)
	if err != nil {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	v := h.newView(c, tr(langOf(c.Request), "checkin.title"))
	v.Form = map[string]string{"t": c.Request.PostForm.Get("t")}
	v.D = s
	if !h.live.ValidCheckin(id, c.Request.PostForm.Get("t"), h.now()) {
		v.Notice = tr(v.Lang, "checkin.expired")
		h.render(c, http.StatusUnprocessableEntity, "live_checkin", v)
		return
	}
	u, _ := currentUser(c)
	if err := h.live.CheckIn(c.Request.Context(), id, u, h.now()); err != nil {
		h.failLive(c, err)
		return
	}
	v.Notice = tr(v.Lang, "checkin.done")
	v.Form["done"] = "1"
	h.render(c, http.StatusOK, "live_checkin", v)
}

// mayCheckIn answers for anyone not expected at session id, before the page
// shows the session's title and times: a hall code passed around must not
// tell an officer of another province what its sessions are.
func (h *handler) mayCheckIn(c *gin.Context, id int64) bool {
	u, _ := currentUser(c)
	if _, err := h.live.Check(c.Request.Context(), id, u); err != nil {
		h.failLive(c, err)
		return false
	}
	return true
}
