package web

import (
	"html/template"
	"net/http"
	"slices"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/quiz"
)

// showLive is the room: the slides (sent once, so a slide change costs a few
// bytes), the poll and roll-call panels, and for the trainer the console.
// The page's script speaks docs/live-protocol.md.
func (h *handler) showLive(c *gin.Context) {
	sess, ok := h.liveSession(c)
	if !ok {
		return
	}
	u, _ := currentUser(c)
	v := h.newView(c, sess.Title)
	isTrainer := u.ID == sess.TrainerID || u.Role == model.RoleAdmin
	var bank []bankPoll
	if isTrainer {
		bank = h.bankPolls(sess)
	}
	v.D = struct {
		Session model.LiveSession
		Slides  []template.HTML
		Trainer bool
		Bank    []bankPoll
		Errors  map[string]string
	}{sess, h.cat.Slides(sess.Title, sess.CourseID, sess.Deck, sess.Modules), isTrainer, bank, liveErrors(v.Lang)}
	h.render(c, http.StatusOK, "live_room", v)
}

// liveSession returns the session named in the path if the user may enter
// its room (and so watch its recordings); otherwise it answers and says no.
func (h *handler) liveSession(c *gin.Context) (model.LiveSession, bool) {
	id, ok := h.pathID(c)
	if !ok {
		return model.LiveSession{}, false
	}
	u, _ := currentUser(c)
	sess, err := h.live.Check(c.Request.Context(), id, u)
	if err != nil {
		h.failLive(c, err)
		return sess, false
	}
	return sess, true
}

// liveErrors are the room's error codes (docs/live-protocol.md) in the
// reader's language; the server's own messages are English, for other clients.
func liveErrors(lang string) map[string]string {
	out := map[string]string{}
	for _, code := range []string{"bad_json", "unknown_type", "forbidden", "bad_request", "closed", "rate_limited", "kicked",
		"removed", "muted", "chat_off", "slow_down", "not_found", "full", "internal"} {
		out[code] = tr(lang, "live.err."+code)
	}
	return out
}

// bankPoll is a bank question the trainer can put to the room as a poll.
type bankPoll struct {
	ID       string   `json:"id"`
	Module   string   `json:"module"`
	Text     string   `json:"text"`
	Options  []string `json:"options"`
	Multiple bool     `json:"multiple"`
	Correct  []int    `json:"correct"`
}

// bankPolls lists the choice questions of the session's modules (all the
// course's when it names none); other kinds do not fit a show of hands.
func (h *handler) bankPolls(s model.LiveSession) []bankPoll {
	co := h.cat.Course(s.CourseID)
	if co == nil {
		return nil
	}
	want := map[string]bool{}
	for _, id := range s.Modules {
		want[id] = true
	}
	var out []bankPoll
	for _, m := range co.Modules {
		if len(want) > 0 && !want[m.ID] {
			continue
		}
		for _, q := range m.Questions {
			if q.Outdated {
				continue
			}
			p := bankPoll{ID: q.ID, Module: m.Title, Text: q.StemText}
			switch q.Type {
			case quiz.Single, quiz.Multiple:
				p.Multiple = q.Type == quiz.Multiple
				for i, o := range q.Options {
					p.Options = append(p.Options, o.Text)
					if slices.Contains(q.Correct, o.ID) {
						p.Correct = append(p.Correct, i)
					}
				}
			case quiz.TrueFalse:
				p.Options = []string{"Đúng", "Sai"}
				p.Correct = []int{0}
				if !q.Answer {
					p.Correct = []int{1}
				}
			default:
				continue
			}
			if len(p.Options) >= 2 && len(p.Options) <= 10 && utf8.RuneCountInString(p.Text) <= 500 {
				out = append(out, p)
			}
		}
	}
	return out
}
