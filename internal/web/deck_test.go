package web

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// tinyPNG is a real one-pixel PNG, for pictures in test content.
var tinyPNG = func() []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		panic(err)
	}
	return b.Bytes()
}()

func deckContent() fstest.MapFS {
	files := examContent()
	files["khoa/hinh/so-do.png"] = &fstest.MapFile{Data: tinyPNG}
	files["khoa/slides/hoi-nghi.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Hội nghị tập huấn\n---\n" +
		"## Mở đầu\n\nChương trình của buổi.\n\n---\n\n## Sơ đồ tổ chức\n\n![Sơ đồ](hinh/so-do.png)\n\n---\n\n## Kết luận\n\n- Một\n- Hai\n")}
	return files
}

// A trainer schedules a session with the course's deck: the room shows the
// deck's slides (its picture served from the course), not the modules'
// sections; a deck that does not exist, or of another course, is refused
// by name.
func TestLiveSessionWithDeck(t *testing.T) {
	e := newEnvFS(t, deckContent())
	ck := e.login(t, "giangvien")
	if body := mustGet(t, e, "/manage/live/new", ck); !strings.Contains(body, `<option value="khoa/hoi-nghi">Khóa thi — Hội nghị tập huấn (3)</option>`) {
		t.Fatalf("the form does not offer the deck: %.3000s", body)
	}
	form := url.Values{"title": {"Tập huấn quý IV"}, "date": {"2026-12-01"}, "start": {"08:00"}, "end": {"11:30"},
		"late_after": {"10"}, "present_pct": {"80"}, "units": {"07441"}}
	for _, bad := range []struct{ course, deck, want string }{
		{"", "khoa/khong-co", "Không có bộ trình chiếu khoa/khong-co."},
		{"", "khac/hoi-nghi", "Không có bộ trình chiếu khac/hoi-nghi."},
	} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("course", bad.course)
		f.Set("deck", bad.deck)
		w := e.do(req{method: "POST", path: "/manage/live", form: f, cookie: ck})
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), bad.want) {
			t.Fatalf("deck %q: %d %.2000s", bad.deck, w.Code, w.Body.String())
		}
	}
	form.Set("deck", "khoa/hoi-nghi")
	w := e.do(req{method: "POST", path: "/manage/live", form: form, cookie: ck})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("create: %d %.2000s", w.Code, w.Body.String())
	}
	path := w.Header().Get("Location")
	id, _ := strconv.ParseInt(strings.TrimPrefix(path, "/live/"), 10, 64)
	s, err := e.db.LiveSession(context.Background(), id)
	if err != nil || s.CourseID != "khoa" || s.Deck != "hoi-nghi" {
		t.Fatalf("stored %+v, %v: want course khoa, deck hoi-nghi", s, err)
	}
	body := mustGet(t, e, path, ck)
	for _, want := range []string{"Mở đầu", "Sơ đồ tổ chức", `<img src="/courses/khoa/files/hinh/so-do.png" alt="Sơ đồ" width="1" height="1" loading="lazy" decoding="async">`, "Kết luận"} {
		if !strings.Contains(body, want) {
			t.Fatalf("the room lacks %q: %.4000s", want, body)
		}
	}
	if strings.Contains(body, "Văn bản.") {
		t.Fatal("the room shows the module's text although a deck was chosen")
	}
	// The picture, for anyone logged in who may see the course.
	hv := e.login(t, "hocvien")
	w = e.do(req{method: "GET", path: "/courses/khoa/files/hinh/so-do.png", cookie: hv})
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "image/png" || !bytes.Equal(w.Body.Bytes(), tinyPNG) {
		t.Fatalf("picture: %d %q", w.Code, w.Header().Get("Content-Type"))
	}
	etag := w.Header().Get("ETag")
	w = e.do(req{method: "GET", path: "/courses/khoa/files/hinh/so-do.png", cookie: hv, header: map[string]string{"If-None-Match": etag}})
	if etag == "" || w.Code != http.StatusNotModified {
		t.Fatalf("conditional request with %q: %d", etag, w.Code)
	}
	for _, p := range []string{"/courses/khoa/files/hinh/khac.png", "/courses/khoa/files/01-bai-mot.md", "/courses/khoa/files/../khoa/hinh/so-do.png"} {
		if w := e.do(req{method: "GET", path: p, cookie: hv}); w.Code != http.StatusNotFound {
			t.Fatalf("%s: %d, want 404", p, w.Code)
		}
	}
}
