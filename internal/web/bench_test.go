package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkModulePage measures one logged-in module page through the real
// router: session look-up, progress, template and gzip.
func BenchmarkModulePage(b *testing.B) {
	e := newEnv(b)
	ck := e.login(b, "hocvien")
	benchGet(b, e, "/courses/nghiep-vu-thi-dua-khen-thuong/modules/nhung-van-de-chung", ck)
}

// benchGet requests path in parallel, gzipped as a phone asks for it.
func benchGet(b *testing.B, e *env, path string, ck *http.Cookie) {
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := httptest.NewRequest("GET", path, nil)
			r.Header.Set("Accept-Encoding", "gzip")
			r.AddCookie(ck)
			w := httptest.NewRecorder()
			e.h.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				b.Fatalf("status %d", w.Code)
			}
		}
	})
}
