package live

import (
	"strconv"
	"strings"
	"sync"
)

// Bus carries bytes between the nodes (server processes) that share live
// rooms. A message broker implements it (internal/broker, over NATS); the
// package needs nothing of the broker beyond these two methods, so it
// stays free of its client library. MemBus is one for tests.
//
// Delivery is at most once. What the package counts on is the broker's
// ordering: messages one publisher sends on one subject reach each
// subscriber in the order they were sent. Nothing is assumed across
// subjects: the owner of a room numbers what it sends on its two subjects,
// and an edge merges them back into the owner's order (see edge.go).
type Bus interface {
	// Publish sends data to the subscribers of subject. The bus copies or
	// sends data before it returns: the caller may reuse it.
	Publish(subject string, data []byte) error
	// Subscribe calls handle for each message on subject, one message at a
	// time, until unsubscribe is called. handle must not keep or change
	// data beyond the call unless it owns it: each message is its own
	// slice, so a handler that passes it on hands it over whole.
	Subscribe(subject string, handle func(data []byte)) (unsubscribe func(), err error)
}

// MemBus is a Bus inside one process, for tests: each subscription has its
// own queue and goroutine, so a slow handler delays only its own
// subscription, and every subscription sees what a publisher sent on a
// subject in the order it was sent. Nothing is ever lost.
type MemBus struct {
	mu   sync.Mutex
	subs map[string][]*memSub
}

type memSub struct {
	handle func([]byte)
	mu     sync.Mutex
	queue  [][]byte
	wake   chan struct{}
	done   chan struct{}
	gone   bool
}

// NewMemBus returns an empty in-process bus.
func NewMemBus() *MemBus { return &MemBus{subs: map[string][]*memSub{}} }

// Publish queues a copy of data for every subscriber of subject.
func (b *MemBus) Publish(subject string, data []byte) error {
	msg := append([]byte(nil), data...)
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, s := range b.subs[subject] {
		s.mu.Lock()
		s.queue = append(s.queue, msg)
		s.mu.Unlock()
		select {
		case s.wake <- struct{}{}:
		default: // already woken
		}
	}
	return nil
}

// Subscribe starts delivering subject's messages to handle.
func (b *MemBus) Subscribe(subject string, handle func([]byte)) (func(), error) {
	s := &memSub{handle: handle, wake: make(chan struct{}, 1), done: make(chan struct{})}
	b.mu.Lock()
	b.subs[subject] = append(b.subs[subject], s)
	b.mu.Unlock()
	go s.run()
	var once sync.Once
	return func() {
		once.Do(func() {
			b.mu.Lock()
			list := b.subs[subject]
			for i, x := range list {
				if x == s {
					b.subs[subject] = append(list[:i:i], list[i+1:]...)
					break
				}
			}
			if len(b.subs[subject]) == 0 {
				delete(b.subs, subject)
			}
			b.mu.Unlock()
			s.mu.Lock()
			s.gone = true
			s.mu.Unlock()
			close(s.done)
		})
	}, nil
}

// Subscribers counts the subscriptions to subject (tests).
func (b *MemBus) Subscribers(subject string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs[subject])
}

func (s *memSub) run() {
	for {
		select {
		case <-s.wake:
		case <-s.done:
			return
		}
		for {
			s.mu.Lock()
			if s.gone || len(s.queue) == 0 {
				s.queue = nil
				s.mu.Unlock()
				break
			}
			msg := s.queue[0]
			s.queue = s.queue[1:]
			s.mu.Unlock()
			s.handle(msg)
		}
	}
}

// Subjects of a room on the bus (internal/broker puts "tdkt." in front):
//
//	room.<id>             the owner to every node: broadcasts, heartbeats, stop
//	room.<id>.owner       edges to the owner, whichever node that is
//	room.<id>.edge.<edge> the owner to one edge: messages for some of its connections
func roomSubject(id int64) string              { return "room." + strconv.FormatInt(id, 10) }
func ownerSubject(id int64) string             { return roomSubject(id) + ".owner" }
func edgeSubject(id int64, edge string) string { return roomSubject(id) + ".edge." + edge }

// validNode says whether a node id can stand in a subject: one token of
// letters, digits, - and _.
func validNode(s string) bool {
	return s != "" && len(s) <= 64 && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}) < 0
}
