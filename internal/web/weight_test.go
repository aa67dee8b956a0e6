package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"regexp"
	"strings"
	"testing"
)

// pageBudget is the most a module page with its CSS and script may weigh over
// the wire: commune officers read on 3G phones.
const pageBudget = 60 * 1024

func TestModulePagesStayWithinBudget(t *testing.T) {
	e := newEnv(t)
	trainee, trainer := e.login(t, "hocvien"), e.login(t, "giangvien")
	gz := map[string]string{"Accept-Encoding": "gzip"}
	asset := regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)
	external := regexp.MustCompile(`(?:href|src)="(?:https?:)?//`)
	for _, co := range e.cat.Courses {
		ck := trainee
		if co.ForTrainers {
			ck = trainer
		}
		for _, m := range co.Modules {
			w := e.do(req{method: "GET", path: "/courses/" + co.ID + "/modules/" + m.ID, cookie: ck, header: gz})
			if w.Code != 200 || w.Header().Get("Content-Encoding") != "gzip" {
				t.Fatalf("%s: status %d, encoding %q", m.ID, w.Code, w.Header().Get("Content-Encoding"))
			}
			total := w.Body.Len()
			zr, err := gzip.NewReader(bytes.NewReader(w.Body.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			html, _ := io.ReadAll(zr)
			if !strings.Contains(string(html), m.Title) {
				t.Errorf("%s: page lacks its title", m.ID)
			}
			for _, x := range external.FindAllString(string(html), -1) {
				// Links in the text may point to official sources; page resources may not.
				if strings.HasPrefix(x, "src") {
					t.Errorf("%s: loads a resource from elsewhere: %s", m.ID, x)
				}
			}
			if bytes.Contains(html, []byte("<link rel=\"stylesheet\" href=\"http")) {
				t.Errorf("%s: stylesheet from elsewhere", m.ID)
			}
			for _, a := range asset.FindAllStringSubmatch(string(html), -1) {
				aw := e.do(req{method: "GET", path: strings.ReplaceAll(a[1], "&amp;", "&"), header: gz})
				if aw.Code != 200 {
					t.Fatalf("%s: asset %s: status %d", m.ID, a[1], aw.Code)
				}
				total += aw.Body.Len()
			}
			t.Logf("%s: %d bytes gzip with assets", m.ID, total)
			if total > pageBudget {
				t.Errorf("%s: %d bytes over the wire, budget %d", m.ID, total, pageBudget)
			}
		}
	}
}
