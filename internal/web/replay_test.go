package web

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tdkt/tdkt/internal/live"
)

// A recording is the trainer's until published: participants see no take
// and get 404 for its page and audio; once the trainer publishes it they
// watch it; the trainer sets how long it is kept, from the choices only.
func TestReplayPublishing(t *testing.T) {
	e := newEnv(t)
	sess := scheduleRoom(t, e, "444444", "Buổi có bản ghi")
	take := "20261130-010000"
	base := filepath.Join(e.rooms.RecordDir(), strconv.FormatInt(sess.ID, 10), take)
	if err := os.MkdirAll(filepath.Dir(base), 0o750); err != nil {
		t.Fatal(err)
	}
	for ext, data := range map[string]string{".opus": "OggS", ".jsonl": `{"at":0,"t":"slide"}` + "\n", ".json": `{"published":false}`} {
		if err := os.WriteFile(base+ext, []byte(data), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	page := "/live/" + strconv.FormatInt(sess.ID, 10) + "/replay"
	hv, gv := e.login(t, "hocvien"), e.login(t, "giangvien")
	if body := mustGet(t, e, page, hv); !strings.Contains(body, tr("vi", "replay.none")) {
		t.Fatalf("a participant sees an unpublished take: %.2000s", body)
	}
	for _, p := range []string{page + "/" + take, page + "/" + take + "/audio.opus"} {
		if w := e.do(req{method: "GET", path: p, cookie: hv}); w.Code != http.StatusNotFound {
			t.Fatalf("%s before publishing: %d", p, w.Code)
		}
	}
	if body := mustGet(t, e, page, gv); !strings.Contains(body, `id="replay-settings"`) || !strings.Contains(body, tr("vi", "replay.hidden")) {
		t.Fatalf("the trainer's page: %.3000s", body)
	}
	if w := e.do(req{method: "POST", path: page + "/" + take, form: url.Values{"published": {"1"}, "keep_days": {"7"}}, cookie: gv}); w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("a keeping time not offered: %d", w.Code)
	}
	if w := e.do(req{method: "POST", path: page + "/" + take, form: url.Values{"published": {"1"}, "keep_days": {"90"}}, cookie: hv}); w.Code != http.StatusNotFound {
		t.Fatalf("a participant publishing a take hidden from them: %d", w.Code)
	}
	if w := e.do(req{method: "POST", path: page + "/" + take, form: url.Values{"published": {"1"}, "keep_days": {"90"}}, cookie: gv}); w.Code != http.StatusSeeOther {
		t.Fatalf("publish: %d %.1000s", w.Code, w.Body.String())
	}
	if w := e.do(req{method: "POST", path: page + "/" + take, form: url.Values{"keep_days": {"30"}}, cookie: hv}); w.Code != http.StatusForbidden {
		t.Fatalf("a participant hiding a published take: %d", w.Code)
	}
	takes, err := live.Takes(e.rooms.RecordDir(), sess.ID)
	if err != nil || len(takes) != 1 || !takes[0].Published || takes[0].KeepUntil.Sub(takes[0].Started).Hours() != 90*24 {
		t.Fatalf("after publishing: %+v %v", takes, err)
	}
	if body := mustGet(t, e, page+"/"+take, hv); !strings.Contains(body, `id="replay-audio"`) || strings.Contains(body, `id="replay-settings"`) {
		t.Fatalf("the participant's replay: %.2000s", body)
	}
	if w := e.do(req{method: "GET", path: page + "/" + take + "/audio.opus", cookie: hv}); w.Code != http.StatusOK || w.Header().Get("Content-Type") != "audio/ogg" {
		t.Fatalf("audio after publishing: %d %q", w.Code, w.Header().Get("Content-Type"))
	}
	// The page reports what it played; an impossible figure is refused by name.
	watch := page + "/" + take + "/watch"
	if w := e.do(req{method: "POST", path: watch, form: url.Values{"seconds": {"30"}}, cookie: hv}); w.Code != http.StatusNoContent {
		t.Fatalf("watch report: %d %s", w.Code, w.Body.String())
	}
	if w := e.do(req{method: "POST", path: watch, form: url.Values{"seconds": {"500"}}, cookie: hv}); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `"field":"seconds"`) {
		t.Fatalf("a report of 500 s: %d %s", w.Code, w.Body.String())
	}
	if got, err := e.db.ReplayWatch(context.Background(), sess.ID); err != nil || got[mustUser(t, e, "hocvien").ID] != 30 {
		t.Fatalf("seconds stored: %v %v", got, err)
	}
}
