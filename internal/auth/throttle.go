package auth

import (
	"sync"
	"time"
)

// ipThrottle counts failed logins per client address in memory. Commune
// offices often share one address behind NAT, so only failures count, and
// the limit is generous; the per-account lock in the database does the rest.
type ipThrottle struct {
	mu      sync.Mutex
	limit   int
	window  time.Duration
	entries map[string]*ipEntry
}

type ipEntry struct {
	start    time.Time
	failures int
}

func newIPThrottle(limit int, window time.Duration) *ipThrottle {
	return &ipThrottle{limit: limit, window: window, entries: map[string]*ipEntry{}}
}

// blocked reports whether ip has too many recent failures and until when.
func (t *ipThrottle) blocked(ip string, now time.Time) (bool, time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.entries[ip]
	if !ok || now.Sub(e.start) >= t.window {
		return false, time.Time{}
	}
	return e.failures >= t.limit, e.start.Add(t.window)
}

func (t *ipThrottle) fail(ip string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.entries[ip]
	if !ok || now.Sub(e.start) >= t.window {
		e = &ipEntry{start: now}
		t.entries[ip] = e
	}
	e.failures++
	if len(t.entries) > 100_000 {
		// Bound memory under a distributed attack: forget expired windows.
		for k, v := range t.entries {
			if now.Sub(v.start) >= t.window {
				delete(t.entries, k)
			}
		}
	}
}
