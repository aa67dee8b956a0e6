package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/admit"
)

const (
	waitCookie = "tdkt_wait"
	waitHeader = "X-Tdkt-Ticket"
)

// waitTicket is the waiting room's ticket a client came back with: a
// script sends it as a header, a browser as the cookie it was given.
func waitTicket(r *http.Request) string {
	if t := r.Header.Get(waitHeader); t != "" {
		return t
	}
	if ck, err := r.Cookie(waitCookie); err == nil {
		return ck.Value
	}
	return ""
}

type waitField struct{ Name, Value string }

// waitPage is what the waiting room page shows.
type waitPage struct {
	Place   int
	Seconds int
	AfterMs int64
	Action  string      // where the retry goes
	Post    bool        // the retry re-sends the form
	Fields  []waitField // the form, sent again as it was
}

// showWaitingRoom answers a request the gate did not admit, at once and
// cheaply: its place, an estimate and a retry with jitter (the gate chose
// the time). A script gets JSON; a page view a page that reloads itself; a
// form a page that sends the same form again (a login's password is never
// written back into a page: the officer types it again).
func (h *handler) showWaitingRoom(c *gin.Context, w admit.Wait) {
	secs := w.RetryAfterSeconds()
	c.Header("Retry-After", strconv.Itoa(secs))
	c.Header("X-Tdkt-Retry-Ms", strconv.FormatInt(w.After.Milliseconds(), 10)) // for scripts: finer than Retry-After
	c.Header(waitHeader, w.Ticket)
	c.Header("Cache-Control", "no-store")
	http.SetCookie(c.Writer, &http.Cookie{Name: waitCookie, Value: w.Ticket, Path: "/", MaxAge: 600,
		HttpOnly: true, Secure: h.secure || c.Request.TLS != nil, SameSite: http.SameSiteLaxMode})
	lang := langOf(c.Request)
	if wantsJSON(c) {
		// Written by hand: under overload this is the most frequent answer
		// of all, and every field is a number, a ticket in base64url or a
		// fixed message.
		b := make([]byte, 0, 256)
		b = append(b, `{"error":`...)
		b = strconv.AppendQuote(b, tr(lang, "wait.busy"))
		b = append(b, `,"waiting":true,"place":`...)
		b = strconv.AppendInt(b, int64(w.Place), 10)
		b = append(b, `,"retry_after_ms":`...)
		b = strconv.AppendInt(b, w.After.Milliseconds(), 10)
		b = append(b, `,"ticket":"`...)
		b = append(b, w.Ticket...)
		b = append(b, `"}`...)
		c.Data(http.StatusServiceUnavailable, "application/json; charset=utf-8", b)
		c.Abort()
		return
	}
	if w.Class == admit.Login {
		_ = c.Request.ParseForm() // the name typed is kept; a bad form just shows it empty
		v := h.newView(c, tr(lang, "login.title"))
		v.Form = map[string]string{"username": c.Request.PostForm.Get("username"), "next": localPath(c.Request.PostForm.Get("next"))}
		v.Notice = trf(lang, "wait.login", w.Place, secs)
		h.render(c, http.StatusServiceUnavailable, "login", v)
		c.Abort()
		return
	}
	p := waitPage{Place: w.Place, Seconds: secs, AfterMs: w.After.Milliseconds(), Action: c.Request.URL.RequestURI()}
	if c.Request.Method == http.MethodPost {
		p.Post = true
		if err := c.Request.ParseForm(); err == nil {
			keys := make([]string, 0, len(c.Request.PostForm))
			for k := range c.Request.PostForm {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				for _, val := range c.Request.PostForm[k] {
					p.Fields = append(p.Fields, waitField{k, val})
				}
			}
		}
	}
	if localPath(p.Action) == "" {
		p.Action = "/"
	}
	v := h.newView(c, tr(lang, "wait.title"))
	v.D = p
	h.render(c, http.StatusServiceUnavailable, "waiting", v)
	c.Abort()
}
