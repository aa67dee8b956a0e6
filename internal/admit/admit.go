// Package admit is the server's admission control: heavy requests (exam
// submissions, answers, attempt pages, starts, logins, page views) pass a
// gate that lets a bounded number run at once. The others wait in one queue
// ordered by the value of their work and then by arrival; a request that
// could not be served within its class's budget is not kept waiting but
// answered at once with a place in the waiting room and a time to come back.
// Under any load the machine keeps serving what it admits at full speed,
// instead of slowing every request down together until some fail.
package admit

import (
	"container/heap"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"math"
	mrand "math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Class is the value of a request's work; a lower class is served first.
type Class uint8

// The classes, most valuable first. The page of a running attempt ranks
// above a new start: its clock is running, and the page is how the trainee
// answers.
const (
	Submit  Class = iota // closing an attempt: the whole exam's work
	Answer               // one saved answer
	Attempt              // the page of an attempt already started
	Start                // a new exam attempt
	Login                // a password check (argon2, slow on purpose)
	Page                 // any other page view
	numClasses
)

// Classes lists every class, most valuable first.
func Classes() []Class {
	out := make([]Class, numClasses)
	for i := range out {
		out[i] = Class(i)
	}
	return out
}

var classNames = [numClasses]string{"submit", "answer", "attempt", "start", "login", "page"}

func (c Class) String() string {
	if c < numClasses {
		return classNames[c]
	}
	return "class" + strconv.Itoa(int(c))
}

// Config sets the gate's limits.
type Config struct {
	// Limit is how many requests run at once; the rest wait.
	Limit int
	// Budget is, by class, the longest a request may wait in the queue;
	// one that would wait longer is sent to the waiting room at once.
	Budget [numClasses]time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Hold is the first guess of how long an admitted request holds its
	// place, until the speed of the line has been measured.
	Hold time.Duration
}

// DefaultBudgets keep the wait of an admitted request well under 300 ms,
// the latency an officer still reads as instant, leaving room for the
// work itself; a submission may wait the longest. With answers and attempt
// pages at 200 ms, 5,000 trainees on 0.4 of a core saw admitted p99 of
// 275-300 ms; at 175 ms, 270-278 ms.
func DefaultBudgets() [numClasses]time.Duration {
	return [numClasses]time.Duration{
		Submit:  200 * time.Millisecond,
		Answer:  175 * time.Millisecond,
		Attempt: 175 * time.Millisecond,
		Start:   150 * time.Millisecond,
		Login:   150 * time.Millisecond,
		Page:    100 * time.Millisecond,
	}
}

// Wait is the waiting room's answer to a request not admitted.
type Wait struct {
	Class  Class
	Place  int           // requests ahead of this one, queued or waiting to come back
	After  time.Duration // when to come back, jitter included
	Ticket string        // present it when coming back to keep the place
}

// ErrWait is returned (wrapped in *Refused) when a request goes to the waiting room.
var ErrWait = errors.New("admit: sent to the waiting room")

// Refused carries the waiting room's answer.
type Refused struct{ Wait Wait }

func (r *Refused) Error() string { return ErrWait.Error() }
func (r *Refused) Unwrap() error { return ErrWait }

// Stats is what the gate has done since it started.
type Stats struct {
	InFlight    int
	Queued      int
	Room        int // tickets out in the waiting room
	Admitted    [numClasses]int64
	Refused     [numClasses]int64
	LongestWait time.Duration // the longest a ticket holder was kept out before its admission
}

// Gate is the admission control. The zero value is not usable; see New.
type Gate struct {
	cfg Config
	key []byte

	mu       sync.Mutex
	inflight int
	queue    waitHeap
	queued   [numClasses]int // in the queue, by class
	// onQueue, when set (tests), is told the queue's length each time a
	// request joins it, so a test can wait for that instead of for time.
	onQueue func(queued int)
	seq     uint64
	// gap is the moving average of the time between two places freed
	// while requests were waiting (ns): how fast the line moves, whatever
	// the requests spend their time on.
	gap         float64
	lastRelease time.Time
	room        [numClasses][]uint64 // outstanding tickets by class, oldest first
	roomSeen    map[uint64]roomEntry
	stats       Stats
}

type roomEntry struct {
	class   Class
	first   time.Time // first refused
	expires time.Time // forgotten if it has not come back by then
	times   int       // refusals so far
}

// New returns a gate. A limit below 1 is taken as 1; a zero budget sends
// every request that cannot run at once to the waiting room.
func New(cfg Config) *Gate {
	if cfg.Limit < 1 {
		cfg.Limit = 1
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Hold <= 0 {
		cfg.Hold = 5 * time.Millisecond
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return &Gate{cfg: cfg, key: key, gap: float64(cfg.Hold) / float64(cfg.Limit), roomSeen: map[uint64]roomEntry{}}
}

// waiter is a request in the queue.
type waiter struct {
	class Class
	seq   uint64 // arrival order (a ticket's, when coming back)
	ready chan struct{}
	index int // in the heap; -1 once granted or gone
}

type waitHeap []*waiter

func (h waitHeap) Len() int { return len(h) }
func (h waitHeap) Less(i, j int) bool {
	if h[i].class != h[j].class {
		return h[i].class < h[j].class
	}
	return h[i].seq < h[j].seq
}
func (h waitHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *waitHeap) Push(x any) {
	w := x.(*waiter)
	w.index = len(*h)
	*h = append(*h, w)
}
func (h *waitHeap) Pop() any {
	old := *h
	w := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	w.index = -1
	return w
}

// Pass is an admitted request's place; Done gives it back.
type Pass struct {
	g    *Gate
	once sync.Once
}

// Done frees the place for the next request; calling it again does nothing.
func (p *Pass) Done() {
	if p == nil {
		return
	}
	p.once.Do(func() { p.g.release(p.g.cfg.Now()) })
}

// Enter admits a request of class c, waiting in the queue if it must, or
// returns a *Refused with the waiting room's answer. ticket is what an
// earlier refusal gave the same client (empty the first time): it keeps
// the client's place ahead of those who came after it. A cancelled ctx
// leaves the queue with ctx's error.
func (g *Gate) Enter(ctx context.Context, c Class, ticket string) (*Pass, error) {
	if c >= numClasses {
		c = Page
	}
	now := g.cfg.Now()
	g.mu.Lock()
	seq, back := g.readTicket(ticket, c)
	if !back {
		g.seq++
		seq = g.seq
	}
	if g.inflight < g.cfg.Limit && g.queue.Len() == 0 {
		g.inflight++
		g.admitted(c, seq, back, now)
		g.mu.Unlock()
		return &Pass{g: g}, nil
	}
	ahead := g.aheadLocked(c, seq, back)
	budget := g.cfg.Budget[c]
	if g.estimate(ahead+1) > budget {
		w := g.refuseLocked(c, seq, ahead, now)
		g.mu.Unlock()
		return nil, &Refused{Wait: w}
	}
	w := &waiter{class: c, seq: seq, ready: make(chan struct{}, 1)}
	heap.Push(&g.queue, w)
	g.queued[c]++
	if g.onQueue != nil {
		g.onQueue(g.queue.Len())
	}
	g.mu.Unlock()

	timer := time.NewTimer(budget)
	defer timer.Stop()
	var cause error
	select {
	case <-w.ready:
		return g.granted(c, seq, back), nil
	case <-timer.C:
	case <-ctx.Done():
		cause = ctx.Err()
	}
	g.mu.Lock()
	if w.index < 0 { // granted as the timer fired: take the place
		g.mu.Unlock()
		<-w.ready
		return g.granted(c, seq, back), nil
	}
	heap.Remove(&g.queue, w.index)
	g.queued[c]--
	if cause != nil {
		g.mu.Unlock()
		return nil, cause
	}
	now = g.cfg.Now()
	wt := g.refuseLocked(c, seq, g.aheadLocked(c, seq, true), now) // others came after it
	g.mu.Unlock()
	return nil, &Refused{Wait: wt}
}

func (g *Gate) granted(c Class, seq uint64, back bool) *Pass {
	now := g.cfg.Now()
	g.mu.Lock()
	g.admitted(c, seq, back, now)
	g.mu.Unlock()
	return &Pass{g: g}
}

// admitted counts an admission and lets go of the client's ticket.
func (g *Gate) admitted(c Class, seq uint64, back bool, now time.Time) {
	g.stats.Admitted[c]++
	if !back {
		return
	}
	if e, ok := g.roomSeen[seq]; ok {
		if d := now.Sub(e.first); d > g.stats.LongestWait {
			g.stats.LongestWait = d
		}
		delete(g.roomSeen, seq)
		g.trimRoom(e.class, now)
	}
}

// release frees a place and gives it to the first in the queue.
func (g *Gate) release(now time.Time) {
	g.mu.Lock()
	if g.queue.Len() > 0 {
		if !g.lastRelease.IsZero() {
			const alpha = 0.02
			g.gap += alpha * (float64(now.Sub(g.lastRelease)) - g.gap)
		}
		g.lastRelease = now
		w := heap.Pop(&g.queue).(*waiter)
		g.queued[w.class]--
		w.ready <- struct{}{}
	} else {
		g.inflight--
		g.lastRelease = time.Time{} // idle time says nothing of the line's speed
	}
	g.mu.Unlock()
}

// estimate is how long the n-th in line waits for a place, at the speed
// the line has been moving.
func (g *Gate) estimate(n int) time.Duration {
	return time.Duration(float64(n) * g.gap)
}

// aheadLocked counts the queued requests that would be served before one of
// class c that arrived as seq: every one of a better class, and those of its
// class that came first. A newcomer comes after all of its class, so only a
// client back with a ticket needs the queue searched.
func (g *Gate) aheadLocked(c Class, seq uint64, back bool) int {
	n := 0
	for k := Class(0); k < c; k++ {
		n += g.queued[k]
	}
	if !back {
		return n + g.queued[c]
	}
	for _, w := range g.queue {
		if w.class == c && w.seq < seq {
			n++
		}
	}
	return n
}

// refuseLocked sends a request to the waiting room: its place counts those
// queued ahead and the ticket holders of its class or better who came first.
func (g *Gate) refuseLocked(c Class, seq uint64, ahead int, now time.Time) Wait {
	g.stats.Refused[c]++
	place := ahead
	for k := Class(0); k <= c; k++ {
		g.trimRoom(k, now)
		r := g.room[k]
		i, _ := slices.BinarySearch(r, seq)
		place += i
	}
	e, ok := g.roomSeen[seq]
	if !ok {
		e = roomEntry{class: c, first: now}
		r := g.room[c]
		i, _ := slices.BinarySearch(r, seq)
		g.room[c] = slices.Insert(r, i, seq)
	}
	e.times++
	// The line's speed says when the place should come up; but work of a
	// better class may keep arriving ahead of it, so each refusal of the same
	// ticket doubles the least wait, from 125 ms up to 4 s: a client is
	// turned away a few times, not on every retry (each costs the server a
	// request), and never sleeps long once the line has gone. The first wait
	// is short: at the edge of the machine's capacity most places come up
	// within it (loadtest exam --find-capacity on 0.66 of a core: 244-305
	// starts/s with 125 ms, 195-244 with 250 ms, two runs each).
	after := g.estimate(place + 1)
	after = max(after, 125*time.Millisecond<<min(e.times-1, 5))
	after = min(after, 30*time.Second)
	// Jitter: clients told the same time would come back together.
	after = time.Duration(float64(after) * (0.8 + 0.4*mrand.Float64()))
	// A client that does not come back within a few of its waits has gone.
	e.expires = now.Add(3*after + 10*time.Second)
	g.roomSeen[seq] = e
	return Wait{Class: c, Place: place + 1, After: after, Ticket: g.makeTicket(seq, c)}
}

// trimRoom forgets, from the front of class c's tickets, those that were
// admitted or have not come back in time.
func (g *Gate) trimRoom(c Class, now time.Time) {
	r := g.room[c]
	i := 0
	for ; i < len(r); i++ {
		e, ok := g.roomSeen[r[i]]
		if ok && now.Before(e.expires) {
			break
		}
		if ok {
			delete(g.roomSeen, r[i])
		}
	}
	if i > 0 {
		g.room[c] = slices.Delete(r, 0, i)
	}
}

// A ticket is the arrival number and class, signed so that a client cannot
// pick an earlier place than the one it was given.
func (g *Gate) makeTicket(seq uint64, c Class) string {
	var b [9 + 16]byte
	binary.BigEndian.PutUint64(b[:8], seq)
	b[8] = byte(c)
	m := hmac.New(sha256.New, g.key)
	m.Write(b[:9])
	copy(b[9:], m.Sum(nil))
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// readTicket returns the arrival number of a valid ticket for a class no
// better than c; anything else counts as a first visit.
func (g *Gate) readTicket(t string, c Class) (uint64, bool) {
	if t == "" || len(t) > 64 {
		return 0, false
	}
	b, err := base64.RawURLEncoding.DecodeString(t)
	if err != nil || len(b) != 25 || Class(b[8]) > c {
		return 0, false
	}
	m := hmac.New(sha256.New, g.key)
	m.Write(b[:9])
	if !hmac.Equal(m.Sum(nil)[:16], b[9:]) {
		return 0, false
	}
	seq := binary.BigEndian.Uint64(b[:8])
	return seq, seq > 0 && seq <= g.seq
}

// Stats returns the gate's counts.
func (g *Gate) Stats() Stats {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.stats
	s.InFlight, s.Queued, s.Room = g.inflight, g.queue.Len(), len(g.roomSeen)
	return s
}

// RetryAfterSeconds is After rounded up to whole seconds, for the
// Retry-After header (at least 1).
func (w Wait) RetryAfterSeconds() int {
	return max(1, int(math.Ceil(w.After.Seconds())))
}
