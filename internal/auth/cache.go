package auth

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tdkt/tdkt/internal/model"
)

// sessionCache keeps recently used sessions in memory so a page view does
// not need a database round trip to learn who is asking. Every change to a
// session or its user goes through this process and drops the entries it
// affects; with several nodes, tell passes each drop to the others (Share);
// the short TTL bounds staleness for changes made outside them.
type sessionCache struct {
	mu      sync.RWMutex
	ttl     time.Duration
	max     int
	entries map[string]cachedSession
	tell    func(key string) // nil on one node
}

type cachedSession struct {
	user    model.User
	sess    model.Session
	fetched time.Time
}

func newSessionCache(ttl time.Duration, max int) *sessionCache {
	return &sessionCache{ttl: ttl, max: max, entries: map[string]cachedSession{}}
}

func (c *sessionCache) get(hash string, now time.Time) (cachedSession, bool) {
	c.mu.RLock()
	e, ok := c.entries[hash]
	c.mu.RUnlock()
	if !ok || now.Sub(e.fetched) > c.ttl || !now.Before(e.sess.ExpiresAt) {
		return cachedSession{}, false
	}
	return e, true
}

func (c *sessionCache) put(hash string, e cachedSession) {
	c.mu.Lock()
	if len(c.entries) >= c.max {
		// Simpler than an LRU and rare: a burst of new sessions starts afresh.
		c.entries = map[string]cachedSession{}
	}
	c.entries[hash] = e
	c.mu.Unlock()
}

func (c *sessionCache) drop(hash string) {
	c.forgetSession(hash)
	if c.tell != nil {
		c.tell("s:" + hash)
	}
}

func (c *sessionCache) forgetSession(hash string) {
	c.mu.Lock()
	delete(c.entries, hash)
	c.mu.Unlock()
}

// dropUser forgets every session of a user, after a change to the account.
func (c *sessionCache) dropUser(userID int64) {
	c.forgetUser(userID)
	if c.tell != nil {
		c.tell("u:" + strconv.FormatInt(userID, 10))
	}
}

func (c *sessionCache) forgetUser(userID int64) {
	c.mu.Lock()
	for k, e := range c.entries {
		if e.user.ID == userID {
			delete(c.entries, k)
		}
	}
	c.mu.Unlock()
}

// Share connects the session cache to the other nodes: tell is called with
// every entry this node drops (a logout, a changed account), for the
// others to Forget. Call it before serving.
func (s *Service) Share(tell func(key string)) { s.cache.tell = tell }

// Forget drops what another node reported with tell: "s:<token hash>" or
// "u:<user id>". Anything else is ignored.
func (s *Service) Forget(key string) {
	switch {
	case strings.HasPrefix(key, "s:"):
		s.cache.forgetSession(key[2:])
	case strings.HasPrefix(key, "u:"):
		if id, err := strconv.ParseInt(key[2:], 10, 64); err == nil {
			s.cache.forgetUser(id)
		}
	}
}
