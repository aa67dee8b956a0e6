package web

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/tdkt/tdkt/static"
)

// The service worker names the current versioned files, the offline page
// shows nobody's name, and the course's download list holds its modules,
// their practice and the documents they cite.
func TestOfflineFiles(t *testing.T) {
	e := newEnv(t)
	ck := e.login(t, "hocvien")
	w := e.do(req{method: "GET", path: "/sw.js"})
	body := w.Body.String()
	if w.Code != 200 || w.Header().Get("Cache-Control") != "no-cache" || strings.Contains(body, "__SHELL__") || strings.Contains(body, "__VERSION__") {
		t.Fatalf("sw.js: %d %q", w.Code, w.Header().Get("Cache-Control"))
	}
	as, err := loadAssets(static.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range shellFiles {
		if !strings.Contains(body, `"`+as.url(f)+`"`) {
			t.Errorf("sw.js does not keep %s", f)
		}
	}
	w = e.do(req{method: "GET", path: "/offline", cookie: ck})
	if w.Code != 200 || strings.Contains(w.Body.String(), "Trần Văn Bình") || !strings.Contains(w.Body.String(), "No connection") {
		t.Fatalf("offline page: %d, shows the user or lacks English", w.Code)
	}
	co := e.cat.Courses[0]
	w = e.do(req{method: "GET", path: "/courses/" + co.ID + "/offline", cookie: ck})
	var list struct {
		Files []offlineFile
		Bytes int
	}
	if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil || w.Code != 200 {
		t.Fatalf("download list: %d %v", w.Code, err)
	}
	urls := map[string]bool{}
	for _, f := range list.Files {
		urls[f.URL] = true
	}
	m := co.Modules[0]
	for _, want := range []string{"/", "/courses/" + co.ID, "/courses/" + co.ID + "/modules/" + m.ID, "/courses/" + co.ID + "/modules/" + m.ID + "/practice", "/documents/" + m.Docs[0].Doc.Slug} {
		if !urls[want] {
			t.Errorf("download list lacks %s", want)
		}
	}
	if list.Bytes < 100_000 {
		t.Errorf("download estimated at %d bytes", list.Bytes)
	}
	if !strings.Contains(mustGet(t, e, "/courses/"+co.ID, ck), `id="offline-save"`) {
		t.Error("the course page has no download button")
	}
	// Downloading is not reading.
	u, _ := e.auth.UserByUsername(context.Background(), "hocvien")
	e.do(req{method: "GET", path: "/courses/" + co.ID + "/modules/" + m.ID, cookie: ck, header: map[string]string{"X-Tdkt-Download": "1"}})
	if p, _ := e.tracker.Progress(context.Background(), u.ID); !p.Module(m).FirstSeenAt.IsZero() {
		t.Fatal("a download counted as reading")
	}
}

// A practice answer sent from the phone's outbox is applied once per key;
// a malformed key is refused by name and stores nothing.
func TestPracticeQueuedOverHTTP(t *testing.T) {
	e := newEnvFS(t, examContent())
	ck := e.login(t, "hocvien")
	base := "/courses/khoa/modules/bai-mot/practice"
	json := map[string]string{"Accept": "application/json"}
	w := e.do(req{method: "POST", path: base, cookie: ck, header: json, form: url.Values{"question": {"cau-2"}, "a:cau-2": {"b"}, "client_key": {"short"}}})
	if w.Code != 422 || !strings.Contains(w.Body.String(), `"field":"client_key"`) {
		t.Fatalf("bad key: %d %s", w.Code, w.Body.String())
	}
	if strings.Contains(mustGet(t, e, base, ck), "Làm lại câu này") {
		t.Fatal("a refused answer was stored")
	}
	key := "a1b2c3d4e5f6a7b8c9d0"
	for i, want := range []string{`"repeat":false`, `"repeat":true`} {
		w = e.do(req{method: "POST", path: base, cookie: ck, header: json, form: url.Values{"question": {"cau-2"}, "a:cau-2": {"b"}, "client_key": {key}}})
		if w.Code != 200 || !strings.Contains(w.Body.String(), want) {
			t.Fatalf("sending %d: %d %s", i+1, w.Code, w.Body.String())
		}
	}
	w = e.do(req{method: "POST", path: base, cookie: ck, header: json, form: url.Values{"question": {"cau-2"}, "a:cau-2": {"zz"}, "client_key": {"b1b2c3d4e5f6a7b8c9d0"}}})
	if w.Code != 422 || !strings.Contains(w.Body.String(), `"field":"question"`) {
		t.Fatalf("invalid queued answer: %d %s", w.Code, w.Body.String())
	}
	// The answered question can be tried again without scripts.
	page := mustGet(t, e, base, ck)
	if !strings.Contains(page, `href="?again=cau-2#q-cau-2"`) {
		t.Fatal("no try-again link on the answered question")
	}
	again := mustGet(t, e, base+"?again=cau-2", ck)
	i := strings.Index(again, `id="q-cau-2"`)
	if i < 0 || strings.Contains(again[i:i+strings.Index(again[i:], "</fieldset>")], "disabled") {
		t.Fatal("?again did not open the question for a new answer")
	}
}
