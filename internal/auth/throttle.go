package auth

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/tdkt/tdkt/internal/store"
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

// pairLock locks one username from one address after repeated failures,
// in memory. Keyed by the name as typed, it treats names that exist and
// names that do not alike, so a lock reveals nothing about which accounts
// exist; keyed by the address too, an attacker elsewhere cannot lock the
// administrator out of their own office.
type pairLock struct {
	mu      sync.Mutex
	free    int
	base    time.Duration
	max     time.Duration
	entries map[string]*pairEntry
}

type pairEntry struct {
	failures int
	until    time.Time
	last     time.Time
}

func newPairLock(free int, base, max time.Duration) *pairLock {
	return &pairLock{free: free, base: base, max: max, entries: map[string]*pairEntry{}}
}

func pairKey(username, ip string) string { return username + "\x00" + ip }

// locked reports whether the pair is locked and until when.
func (l *pairLock) locked(username, ip string, now time.Time) (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.entries[pairKey(username, ip)]
	if !ok || !now.Before(e.until) {
		return false, time.Time{}
	}
	return true, e.until
}

// fail counts a failure and returns the lock it starts, if any: after free
// failures, base, doubling with each further one, at most max.
func (l *pairLock) fail(username, ip string, now time.Time) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := pairKey(username, ip)
	e, ok := l.entries[k]
	if !ok || now.Sub(e.last) > 24*time.Hour {
		e = &pairEntry{}
		l.entries[k] = e
	}
	e.failures++
	e.last = now
	if e.failures >= l.free {
		e.until = now.Add(min(l.base<<min(e.failures-l.free, 10), l.max))
	}
	if len(l.entries) > 100_000 {
		for key, v := range l.entries { // bound memory: forget the quiet ones
			if now.Sub(v.last) > l.max && !now.Before(v.until) {
				delete(l.entries, key)
			}
		}
	}
	return e.until
}

// reset forgets the pair after a successful login.
func (l *pairLock) reset(username, ip string) {
	l.mu.Lock()
	delete(l.entries, pairKey(username, ip))
	l.mu.Unlock()
}

// throttle is where failed logins are counted: in memory on one node, in
// the database when several nodes share it.
type throttle interface {
	ipBlocked(ctx context.Context, ip string, now time.Time) (bool, time.Time)
	ipFail(ctx context.Context, ip string, now time.Time)
	pairLocked(ctx context.Context, name, ip string, now time.Time) (bool, time.Time)
	pairFail(ctx context.Context, name, ip string, now time.Time) time.Time
	pairReset(ctx context.Context, name, ip string)
}

// memThrottle keeps the counts in this process.
type memThrottle struct {
	ips   *ipThrottle
	pairs *pairLock
}

func newMemThrottle() memThrottle {
	return memThrottle{ips: newIPThrottle(ipFailureLimit, ipFailureWindow),
		pairs: newPairLock(accountFreeFailures, accountLockBase, accountLockMax)}
}

func (m memThrottle) ipBlocked(_ context.Context, ip string, now time.Time) (bool, time.Time) {
	return m.ips.blocked(ip, now)
}
func (m memThrottle) ipFail(_ context.Context, ip string, now time.Time) { m.ips.fail(ip, now) }
func (m memThrottle) pairLocked(_ context.Context, name, ip string, now time.Time) (bool, time.Time) {
	return m.pairs.locked(name, ip, now)
}
func (m memThrottle) pairFail(_ context.Context, name, ip string, now time.Time) time.Time {
	return m.pairs.fail(name, ip, now)
}
func (m memThrottle) pairReset(_ context.Context, name, ip string) { m.pairs.reset(name, ip) }

// dbThrottle keeps the counts in the database, for several nodes: the same
// rules as memThrottle, and the same limits whichever node a request
// reaches. A database error lets the login go on (logged): the database
// being down fails the login anyway, and a throttle must not lock everyone
// out on a hiccup.
type dbThrottle struct{ db *store.DB }

func ipKey(ip string) string           { return "ip:" + ip }
func pairDBKey(name, ip string) string { return "pair:" + name + " " + ip }

func (d dbThrottle) ipBlocked(ctx context.Context, ip string, now time.Time) (bool, time.Time) {
	f, err := d.db.LoginFailure(ctx, ipKey(ip))
	if err != nil {
		slog.Warn("read the login throttle", "err", err)
		return false, time.Time{}
	}
	end := f.FirstAt.Add(ipFailureWindow)
	if f.Failures < ipFailureLimit || !now.Before(end) {
		return false, time.Time{}
	}
	return true, end
}

func (d dbThrottle) ipFail(ctx context.Context, ip string, now time.Time) {
	if _, err := d.db.AddLoginFailure(ctx, ipKey(ip), now, now.Add(-ipFailureWindow), true, nil); err != nil {
		slog.Warn("count a failed login", "err", err)
	}
}

func (d dbThrottle) pairLocked(ctx context.Context, name, ip string, now time.Time) (bool, time.Time) {
	f, err := d.db.LoginFailure(ctx, pairDBKey(name, ip))
	if err != nil {
		slog.Warn("read the login throttle", "err", err)
		return false, time.Time{}
	}
	if !now.Before(f.LockedUntil) {
		return false, time.Time{}
	}
	return true, f.LockedUntil
}

func (d dbThrottle) pairFail(ctx context.Context, name, ip string, now time.Time) time.Time {
	f, err := d.db.AddLoginFailure(ctx, pairDBKey(name, ip), now, now.Add(-24*time.Hour), false, func(n int) time.Time {
		if n < accountFreeFailures {
			return time.Time{}
		}
		return now.Add(min(accountLockBase<<min(n-accountFreeFailures, 10), accountLockMax))
	})
	if err != nil {
		slog.Warn("count a failed login", "err", err)
	}
	return f.LockedUntil
}

func (d dbThrottle) pairReset(ctx context.Context, name, ip string) {
	if err := d.db.ClearLoginFailures(ctx, pairDBKey(name, ip)); err != nil {
		slog.Warn("clear the login throttle", "err", err)
	}
}
