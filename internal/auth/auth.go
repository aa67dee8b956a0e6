// Package auth owns accounts and the administrative unit tree: passwords,
// server-side sessions, login throttling, roles, and the validation of users
// and units.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// Login failures are reported with these errors; the web layer turns them into
// messages, never revealing whether a username exists.
var (
	ErrInvalidCredentials = errors.New("auth: wrong username or password")
	ErrDisabled           = errors.New("auth: account disabled")
	ErrNoSession          = errors.New("auth: no valid session")
)

// LockedError says that logins are refused until a time, for an account
// (IP false) or for a client address (IP true).
type LockedError struct {
	Until time.Time
	IP    bool
}

func (e *LockedError) Error() string {
	if e.IP {
		return fmt.Sprintf("auth: too many failed logins from this address until %s", e.Until.Format(time.RFC3339))
	}
	return fmt.Sprintf("auth: account locked until %s", e.Until.Format(time.RFC3339))
}

// Limits on failed logins.
const (
	accountFreeFailures = 5                // failures before the account is locked
	accountLockBase     = time.Minute      // first lock; doubles with each further failure
	accountLockMax      = 15 * time.Minute // longest lock
	ipFailureLimit      = 30               // failures per window from one address
	ipFailureWindow     = 10 * time.Minute
	sessionTouchEvery   = 5 * time.Minute // how stale last_seen may get before a write
)

// Service is the accounts service.
type Service struct {
	db         *store.DB
	throttle   throttle
	now        func() time.Time
	sessionTTL time.Duration
	dummyHash  string
	cache      *sessionCache
}

// New returns the accounts service; sessions expire after ttl without use.
// Failed logins are counted in memory on SQLite (one node), and in the
// database on PostgreSQL, which several nodes may share.
func New(db *store.DB, ttl time.Duration) *Service {
	dummy, _ := HashPassword("tdkt-timing-equaliser")
	var th throttle = newMemThrottle()
	if db.Engine() == "postgres" {
		th = dbThrottle{db}
	}
	return &Service{db: db, throttle: th,
		now: time.Now, sessionTTL: ttl,
		dummyHash: dummy, cache: newSessionCache(30*time.Second, 200_000)}
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Login checks a username and password and opens a session; it returns the
// session token for the cookie.
func (s *Service) Login(ctx context.Context, username, password, ip, userAgent string) (string, model.User, error) {
	now := s.now()
	if blocked, until := s.throttle.ipBlocked(ctx, ip, now); blocked {
		return "", model.User{}, &LockedError{Until: until, IP: true}
	}
	name := strings.ToLower(strings.TrimSpace(username))
	if locked, until := s.throttle.pairLocked(ctx, name, ip, now); locked {
		return "", model.User{}, &LockedError{Until: until}
	}
	// An unknown name and a wrong password are answered alike, after the
	// same work, and count alike toward the lock of this name from this
	// address: nothing tells which accounts exist.
	fail := func() (string, model.User, error) {
		s.throttle.ipFail(ctx, ip, now)
		if until := s.throttle.pairFail(ctx, name, ip, now); !until.IsZero() && now.Before(until) {
			slog.Warn("login locked after failed attempts", "user", name, "until", until, "ip", ip)
			return "", model.User{}, &LockedError{Until: until}
		}
		return "", model.User{}, ErrInvalidCredentials
	}
	u, err := s.db.UserByUsername(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		_, _ = CheckPassword(s.dummyHash, password)
		return fail()
	}
	if err != nil {
		return "", model.User{}, fmt.Errorf("auth: login: %w", err)
	}
	ok, err := CheckPassword(u.PasswordHash, password)
	if err != nil {
		return "", model.User{}, fmt.Errorf("auth: login %q: %w", u.Username, err)
	}
	if !ok {
		return fail()
	}
	s.throttle.pairReset(ctx, name, ip)
	if u.Disabled {
		return "", model.User{}, ErrDisabled
	}
	token, hash, err := newToken()
	if err != nil {
		return "", model.User{}, err
	}
	sess := model.Session{TokenHash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(s.sessionTTL), LastSeenAt: now,
		IP: truncate(ip, 64), UserAgent: truncate(userAgent, 256)}
	err = s.db.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.ResetLoginFailures(ctx, u.ID); err != nil {
			return err
		}
		return tx.CreateSession(ctx, sess)
	})
	if err != nil {
		return "", model.User{}, fmt.Errorf("auth: login: %w", err)
	}
	u.FailedLogins, u.LockedUntil = 0, time.Time{}
	return token, u, nil
}

// Authenticate returns the user of a session token, sliding its expiry.
func (s *Service) Authenticate(ctx context.Context, token string) (model.User, model.Session, error) {
	if token == "" {
		return model.User{}, model.Session{}, ErrNoSession
	}
	now := s.now()
	hash := hashToken(token)
	var sess model.Session
	var u model.User
	if e, ok := s.cache.get(hash, now); ok {
		sess, u = e.sess, e.user
	} else {
		var err error
		sess, u, err = s.db.SessionUser(ctx, hash, now)
		if errors.Is(err, store.ErrNotFound) {
			return u, sess, ErrNoSession
		}
		if err != nil {
			return u, sess, fmt.Errorf("auth: authenticate: %w", err)
		}
		s.cache.put(hash, cachedSession{user: u, sess: sess, fetched: now})
	}
	if u.Disabled {
		return u, sess, ErrDisabled
	}
	// Writing on every request would serialise page views on the write lock;
	// the expiry only needs minute precision.
	if now.Sub(sess.LastSeenAt) > sessionTouchEvery {
		exp := now.Add(s.sessionTTL)
		if err := s.db.WithTx(ctx, func(tx *store.Tx) error { return tx.TouchSession(ctx, sess.TokenHash, now, exp) }); err != nil {
			slog.Warn("touch session", "err", err)
		}
		sess.LastSeenAt, sess.ExpiresAt = now, exp
		s.cache.drop(hash)
	}
	return u, sess, nil
}

// Logout ends the session of token.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	hash := hashToken(token)
	s.cache.drop(hash)
	return s.db.WithTx(ctx, func(tx *store.Tx) error { return tx.DeleteSession(ctx, hash) })
}

// PurgeSessions deletes expired sessions.
func (s *Service) PurgeSessions(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.DeleteExpiredSessions(ctx, s.now())
		return err
	})
	return n, err
}

func newToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("auth: read token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token), nil
}

// NewSessionToken returns a random session token and the hash stored for it;
// tools that seed sessions directly (the load generator) use it too.
func NewSessionToken() (token, hash string, err error) { return newToken() }

// hashToken is what the database keeps, so a leaked database file holds no
// usable session.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// PurgeLoginFailures deletes counts of failed logins that no longer lock
// anything (kept a day after the last failure), where the database keeps
// them; it returns how many went.
func (s *Service) PurgeLoginFailures(ctx context.Context) (int, error) {
	if _, ok := s.throttle.(dbThrottle); !ok {
		return 0, nil
	}
	now := s.now()
	return s.db.PurgeLoginFailures(ctx, now.Add(-24*time.Hour), now)
}
