package auth

import (
	"sync"
	"time"

	"github.com/tdkt/tdkt/internal/model"
)

// sessionCache keeps recently used sessions in memory so a page view does
// not need a database round trip to learn who is asking. Every change to a
// session or its user goes through this process and drops the entries it
// affects; the short TTL bounds staleness for changes made outside it.
type sessionCache struct {
	mu      sync.RWMutex
	ttl     time.Duration
	max     int
	entries map[string]cachedSession
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
	c.mu.Lock()
	delete(c.entries, hash)
	c.mu.Unlock()
}

// dropUser forgets every session of a user, after a change to the account.
func (c *sessionCache) dropUser(userID int64) {
	c.mu.Lock()
	for k, e := range c.entries {
		if e.user.ID == userID {
			delete(c.entries, k)
		}
	}
	c.mu.Unlock()
}
