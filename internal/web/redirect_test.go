package web

import (
	"net/url"
	"testing"
)

// A ?next= or back= that a browser would follow off the site is refused,
// whatever the trick; paths on the site pass.
func TestLocalPath(t *testing.T) {
	for _, p := range []string{"//evil.example/x", "/\\evil.example/x", "/\t/evil.example", "/./\\evil.example", "/\\/evil.example",
		"https://evil.example", "evil.example", "/\r\nLocation: x", "/\x00", "/%0d%0a", "///evil.example", ""} {
		got := localPath(p)
		if got != "" {
			// A path that survives must stay on this site once a browser reads it.
			u, err := url.Parse(got)
			if err != nil || u.Host != "" || u.Scheme != "" {
				t.Errorf("localPath(%q) = %q, which leaves the site", p, got)
			}
		}
		if p != "/%0d%0a" && got != "" {
			t.Errorf("localPath(%q) = %q, want refused", p, got)
		}
	}
	for _, p := range []string{"/", "/courses/khoa", "/live/12?x=1", "/courses/a/modules/b#muc"} {
		if localPath(p) != p {
			t.Errorf("localPath(%q) = %q, want it kept", p, localPath(p))
		}
	}
	// Through the login form, the trick ends on the home page.
	e := newEnv(t)
	for _, next := range []string{"/\t/evil.example", "/./\\evil.example"} {
		w := e.do(req{method: "POST", path: "/login", form: url.Values{"username": {"giangvien"}, "password": {testPassword}, "next": {next}}})
		if loc := w.Header().Get("Location"); loc != "/" {
			t.Errorf("next=%q: Location %q, want /", next, loc)
		}
	}
}

// A client's address is the connection's unless it comes through a proxy
// the server was told to trust: a forged X-Forwarded-For changes nothing.
func TestForwardedForNeedsATrustedProxy(t *testing.T) {
	ipOf := func(e *env) string {
		t.Helper()
		w := e.do(req{method: "POST", path: "/login", form: url.Values{"username": {"hocvien"}, "password": {testPassword}},
			header: map[string]string{"X-Forwarded-For": "203.0.113.9"}})
		for _, c := range w.Result().Cookies() {
			if c.Name == sessionCookie && c.Value != "" {
				_, sess, err := e.auth.Authenticate(t.Context(), c.Value)
				if err != nil {
					t.Fatal(err)
				}
				return sess.IP
			}
		}
		t.Fatalf("login: %d", w.Code)
		return ""
	}
	if ip := ipOf(newEnv(t)); ip != "192.0.2.1" {
		t.Fatalf("with no trusted proxy the session records %q, want the connection's 192.0.2.1", ip)
	}
	if ip := ipOf(newEnvProxies(t, []string{"192.0.2.0/24"})); ip != "203.0.113.9" {
		t.Fatalf("behind a trusted proxy the session records %q, want the forwarded 203.0.113.9", ip)
	}
}
