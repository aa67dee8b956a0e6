package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/exam"
)

// peerBus is what sharing caches needs of the message bus between nodes
// (NATS in production): publish bytes on a subject, and subscribe to one.
type peerBus interface {
	Publish(subject string, data []byte) error
	Subscribe(subject string, fn func(data []byte)) (unsubscribe func(), err error)
}

// Subjects of the notices nodes send each other when they drop a cache
// entry. A notice is the sending node's name, a newline, and the keys.
const (
	subjectSessions = "forget.sessions" // internal/broker puts "tdkt." in front
	subjectProgress = "forget.progress"
	subjectAttempts = "forget.attempts"
)

// shareCaches connects this node's caches to the other nodes': what one
// drops, the others drop too. A notice lost on the way (NATS down for a
// moment) leaves an entry stale for at most its cache's lifetime: 30 s for
// sessions; attempts and progress are checked against the database where
// it matters (an answer to a closed attempt is refused by the write).
func shareCaches(bus peerBus, node string, accounts *auth.Service, tracker *course.Tracker, exams *exam.Service) (stop func(), err error) {
	var subs []func()
	stop = func() {
		for _, u := range subs {
			u()
		}
	}
	publish := func(subject, keys string) {
		// A failure is the bus's to log; the entry ages out on the others.
		_ = bus.Publish(subject, []byte(node+"\n"+keys))
	}
	listen := func(subject string, fn func(keys string)) error {
		u, err := bus.Subscribe(subject, func(data []byte) {
			from, keys, ok := strings.Cut(string(data), "\n")
			if ok && from != node {
				fn(keys)
			}
		})
		if err != nil {
			return fmt.Errorf("subscribe to %s: %w", subject, err)
		}
		subs = append(subs, u)
		return nil
	}
	ids := func(list []int64) string {
		b := make([]byte, 0, len(list)*8)
		for i, id := range list {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, id, 10)
		}
		return string(b)
	}
	parse := func(keys string) []int64 {
		var out []int64
		for _, s := range strings.Split(keys, ",") {
			if id, err := strconv.ParseInt(s, 10, 64); err == nil {
				out = append(out, id)
			}
		}
		return out
	}
	err = listen(subjectSessions, accounts.Forget)
	if err == nil {
		err = listen(subjectProgress, func(keys string) { tracker.Forget(parse(keys)) })
	}
	if err == nil {
		err = listen(subjectAttempts, func(keys string) {
			for _, id := range parse(keys) {
				exams.Forget(id)
			}
		})
	}
	if err != nil {
		stop()
		return nil, err
	}
	accounts.Share(func(key string) { publish(subjectSessions, key) })
	tracker.Share(func(users []int64) { publish(subjectProgress, ids(users)) })
	exams.Share(func(id int64) { publish(subjectAttempts, strconv.FormatInt(id, 10)) })
	return stop, nil
}
