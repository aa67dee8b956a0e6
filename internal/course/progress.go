package course

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// Progress is one trainee's state across the catalog.
type Progress struct {
	modules map[string]model.ModuleProgress // key: course/module
	last    model.ModuleProgress            // most recently read module
}

func key(courseID, moduleID string) string { return courseID + "/" + moduleID }

// Module returns the state of one module.
func (p *Progress) Module(m *Module) model.ModuleProgress {
	return p.modules[key(m.Course.ID, m.ID)]
}

// CourseStats returns how many modules of co are done and the share done in percent.
func (p *Progress) CourseStats(co *Course) (done, total, percent int) {
	total = len(co.Modules)
	for _, m := range co.Modules {
		if p.modules[key(co.ID, m.ID)].Done() {
			done++
		}
	}
	if total > 0 {
		percent = done * 100 / total
	}
	return done, total, percent
}

// LastInCourse returns the module of co read most recently, or nil.
func (p *Progress) LastInCourse(co *Course) *Module {
	var best *Module
	var at time.Time
	for _, m := range co.Modules {
		if mp := p.modules[key(co.ID, m.ID)]; mp.LastSeenAt.After(at) {
			best, at = m, mp.LastSeenAt
		}
	}
	return best
}

// Resume returns the module read most recently anywhere in cat, or nil.
func (p *Progress) Resume(cat *Catalog) *Module {
	if p.last.CourseID == "" {
		return nil
	}
	return cat.Module(p.last.CourseID, p.last.ModuleID)
}

// Tracker records reading progress. Opening a module is the most frequent
// write on the platform, so visits are coalesced in memory and written in one
// transaction per batch; completing a module is rare and written at once.
type Tracker struct {
	db       *store.DB
	interval time.Duration

	mu       sync.Mutex
	pending  map[visitKey]time.Time
	inflight map[visitKey]time.Time
	kick     chan struct{}
	stop     chan struct{}
	stopped  chan struct{}
	closed   bool

	// users caches the progress of recently active trainees. Every write of
	// progress goes through this tracker, so the cache is exact, and a page
	// view needs no query; idle entries are dropped after cacheIdle.
	users map[int64]*cachedProgress
	// epoch counts writes that bypass the cache (completions, flushes); a
	// miss caches what it read only if no such write happened meanwhile.
	epoch uint64
	// afterRead is a test hook run between a miss's read and its caching.
	afterRead func()
	// tell passes the users whose progress this node wrote to the other
	// nodes, which Forget their cached copies; nil on one node.
	tell func(userIDs []int64)
}

// Share connects the progress cache to the other nodes: tell is called
// with the users whose progress this node wrote, for the others to Forget.
// With several nodes a trainee's requests may land on any of them, and the
// cache is exact only for writes it sees. Call it before serving.
func (t *Tracker) Share(tell func(userIDs []int64)) { t.tell = tell }

// Forget drops the cached progress of users another node wrote.
func (t *Tracker) Forget(userIDs []int64) {
	t.mu.Lock()
	t.epoch++ // a read in flight must not cache what it read before the write
	for _, id := range userIDs {
		delete(t.users, id)
	}
	t.mu.Unlock()
}

type cachedProgress struct {
	modules map[string]model.ModuleProgress
	used    time.Time
}

const (
	cacheIdle  = 30 * time.Minute
	cacheLimit = 200_000
)

type visitKey struct {
	user   int64
	course string
	module string
}

// maxPending triggers a flush before the interval when many trainees read at once.
const maxPending = 2000

// NewTracker starts a tracker that flushes visits every interval.
func NewTracker(db *store.DB, interval time.Duration) *Tracker {
	t := &Tracker{db: db, interval: interval, pending: map[visitKey]time.Time{}, inflight: map[visitKey]time.Time{},
		kick: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{}), users: map[int64]*cachedProgress{}}
	go t.loop()
	return t
}

// Visit records that user opened module m at time at.
func (t *Tracker) Visit(userID int64, m *Module, at time.Time) {
	t.mu.Lock()
	k := visitKey{userID, m.Course.ID, m.ID}
	if at.After(t.pending[k]) {
		t.pending[k] = at
	}
	if c := t.users[userID]; c != nil {
		mp := c.modules[key(k.course, k.module)]
		if mp.FirstSeenAt.IsZero() {
			mp = model.ModuleProgress{UserID: userID, CourseID: k.course, ModuleID: k.module, FirstSeenAt: at}
		}
		if at.After(mp.LastSeenAt) {
			mp.LastSeenAt = at
		}
		c.modules[key(k.course, k.module)] = mp
	}
	n := len(t.pending)
	t.mu.Unlock()
	if n >= maxPending {
		select {
		case t.kick <- struct{}{}:
		default:
		}
	}
}

// Complete marks module m done for user.
func (t *Tracker) Complete(ctx context.Context, userID int64, m *Module, at time.Time) error {
	err := t.db.WithTx(ctx, func(tx *store.Tx) error { return tx.CompleteModule(ctx, userID, m.Course.ID, m.ID, at) })
	if err != nil {
		return fmt.Errorf("course: complete module: %w", err)
	}
	t.mu.Lock()
	t.epoch++
	if c := t.users[userID]; c != nil {
		mp := c.modules[key(m.Course.ID, m.ID)]
		if mp.FirstSeenAt.IsZero() {
			mp = model.ModuleProgress{UserID: userID, CourseID: m.Course.ID, ModuleID: m.ID, FirstSeenAt: at}
		}
		if mp.CompletedAt.IsZero() {
			mp.CompletedAt = at
		}
		c.modules[key(m.Course.ID, m.ID)] = mp
	}
	t.mu.Unlock()
	if t.tell != nil {
		t.tell([]int64{userID})
	}
	return nil
}

// Progress returns the state of user: what is stored, plus visits not yet
// flushed, so a trainee always sees their own latest reading.
func (t *Tracker) Progress(ctx context.Context, userID int64) (*Progress, error) {
	t.mu.Lock()
	if c := t.users[userID]; c != nil {
		c.used = time.Now()
		p := &Progress{modules: make(map[string]model.ModuleProgress, len(c.modules))}
		for k, mp := range c.modules {
			p.modules[k] = mp
			if mp.LastSeenAt.After(p.last.LastSeenAt) {
				p.last = mp
			}
		}
		t.mu.Unlock()
		return p, nil
	}
	epoch := t.epoch
	t.mu.Unlock()
	rows, err := t.db.UserProgress(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("course: progress: %w", err)
	}
	if t.afterRead != nil {
		t.afterRead()
	}
	p := &Progress{modules: make(map[string]model.ModuleProgress, len(rows))}
	for _, r := range rows {
		p.modules[key(r.CourseID, r.ModuleID)] = r
	}
	t.mu.Lock()
	for _, src := range []map[visitKey]time.Time{t.inflight, t.pending} {
		for k, at := range src {
			if k.user != userID {
				continue
			}
			mp := p.modules[key(k.course, k.module)]
			if mp.FirstSeenAt.IsZero() {
				mp = model.ModuleProgress{UserID: userID, CourseID: k.course, ModuleID: k.module, FirstSeenAt: at}
			}
			if at.After(mp.LastSeenAt) {
				mp.LastSeenAt = at
			}
			p.modules[key(k.course, k.module)] = mp
		}
	}
	if t.epoch == epoch {
		if len(t.users) >= cacheLimit {
			t.users = map[int64]*cachedProgress{}
		}
		c := &cachedProgress{modules: make(map[string]model.ModuleProgress, len(p.modules)), used: time.Now()}
		for k, mp := range p.modules {
			c.modules[k] = mp
		}
		t.users[userID] = c
	}
	t.mu.Unlock()
	for _, mp := range p.modules {
		if mp.LastSeenAt.After(p.last.LastSeenAt) {
			p.last = mp
		}
	}
	return p, nil
}

func (t *Tracker) loop() {
	defer close(t.stopped)
	tick := time.NewTicker(t.interval)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
		case <-t.kick:
		case <-t.stop:
			return
		}
		if err := t.flush(context.Background()); err != nil {
			slog.Error("flush reading progress", "err", err)
		}
		t.evictIdle(time.Now())
	}
}

// flush writes the pending visits in one transaction.
func (t *Tracker) flush(ctx context.Context) error {
	t.mu.Lock()
	if len(t.pending) == 0 {
		t.mu.Unlock()
		return nil
	}
	t.inflight, t.pending = t.pending, map[visitKey]time.Time{}
	batch := make([]store.Visit, 0, len(t.inflight))
	for k, at := range t.inflight {
		batch = append(batch, store.Visit{UserID: k.user, CourseID: k.course, ModuleID: k.module, At: at})
	}
	t.mu.Unlock()

	err := t.db.WithTx(ctx, func(tx *store.Tx) error { return tx.RecordVisits(ctx, batch) })

	t.mu.Lock()
	if err != nil {
		// Keep the visits for the next try rather than lose a trainee's place.
		for k, at := range t.inflight {
			if at.After(t.pending[k]) {
				t.pending[k] = at
			}
		}
	}
	t.inflight = map[visitKey]time.Time{}
	t.epoch++
	t.mu.Unlock()
	if err != nil {
		return fmt.Errorf("course: flush %d visits: %w", len(batch), err)
	}
	if t.tell != nil {
		users := make([]int64, 0, len(batch))
		seen := map[int64]bool{}
		for _, v := range batch {
			if !seen[v.UserID] {
				seen[v.UserID] = true
				users = append(users, v.UserID)
			}
		}
		t.tell(users)
	}
	return nil
}

// Close stops the tracker and writes what is pending.
func (t *Tracker) Close(ctx context.Context) error {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil
	}
	t.closed = true
	t.mu.Unlock()
	close(t.stop)
	<-t.stopped
	return t.flush(ctx)
}

// evictIdle drops the cached progress of trainees idle for cacheIdle.
func (t *Tracker) evictIdle(now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for id, c := range t.users {
		if now.Sub(c.used) > cacheIdle {
			delete(t.users, id)
		}
	}
}
