package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const benchCourse = "nghiep-vu-thi-dua-khen-thuong"

// benchAttempt starts the shipped course's exam for the trainee and returns
// the attempt's path and one answer form per question, taken from the page
// as a phone would send them.
func benchAttempt(b *testing.B, e *env) (*http.Cookie, string, []string) {
	b.Helper()
	ck := e.login(b, "hocvien")
	w := e.do(req{method: "POST", path: "/courses/" + benchCourse + "/exam/start", cookie: ck, header: map[string]string{"Accept": "application/json"}})
	var r struct{ Attempt int64 }
	if err := json.Unmarshal(w.Body.Bytes(), &r); err != nil || r.Attempt == 0 {
		b.Fatalf("start: %d %s", w.Code, w.Body.String())
	}
	path := "/attempts/" + strconv.FormatInt(r.Attempt, 10)
	w = e.do(req{method: "GET", path: path, cookie: ck})
	var forms []string
	radio := regexp.MustCompile(`data-q="([^"]+)">.*?type="radio" name="([^"]+)" value="([^"]+)"`)
	for _, fs := range strings.Split(w.Body.String(), "<fieldset")[1:] {
		if m := radio.FindStringSubmatch(strings.ReplaceAll(fs, "\n", " ")); m != nil {
			forms = append(forms, "question="+m[1]+"&"+m[2]+"="+m[3])
		}
	}
	if len(forms) == 0 {
		b.Fatal("no single-choice question on the paper")
	}
	return ck, path, forms
}

// BenchmarkAttemptPage measures the page of a running attempt, gzipped, as
// the phone loads it right after the start.
func BenchmarkAttemptPage(b *testing.B) {
	e := newEnv(b)
	ck, path, _ := benchAttempt(b, e)
	benchGet(b, e, path, ck)
	b.StopTimer()
	probe := e.do(req{method: "GET", path: path, cookie: ck, header: map[string]string{"Accept-Encoding": "gzip"}})
	b.ReportMetric(float64(probe.Body.Len()), "gzip-bytes")
}

// BenchmarkSaveAnswer measures one answer saved from the page's script,
// group commit included.
func BenchmarkSaveAnswer(b *testing.B) {
	e := newEnv(b)
	ck, path, forms := benchAttempt(b, e)
	b.ReportAllocs()
	b.ResetTimer()
	b.SetParallelism(16) // many phones at once, as in a storm: they share commits
	var n int64
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			r := httptest.NewRequest("POST", path+"/answers", strings.NewReader(forms[(i+int(n))%len(forms)]))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Header.Set("Accept", "application/json")
			r.AddCookie(ck)
			w := httptest.NewRecorder()
			e.h.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				b.Fatalf("status %d: %s", w.Code, w.Body.String())
			}
		}
	})
}
