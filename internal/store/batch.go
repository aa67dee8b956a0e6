package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// ErrBatcherClosed is returned for work handed to a stopped batcher.
var ErrBatcherClosed = errors.New("store: batcher closed")

// Batcher is a group-commit writer: writes from many requests are gathered
// and committed in one transaction, and each caller waits for the commit that
// holds its write, so a storm of answers costs one commit per batch while an
// acknowledged write is never lost. Each write runs in its own savepoint, so
// one failing write does not fail its neighbours.
type Batcher struct {
	db      *DB
	mu      sync.RWMutex // held for reading while sending, so Close never closes ops under a sender
	closed  bool
	ops     chan batchOp
	maxSize int
	linger  time.Duration
	done    chan struct{}
	batches atomic.Int64
	writes  atomic.Int64
	observe func(writes int, took time.Duration)
}

// Observe sets a function told the size and commit time of every batch
// (monitoring). Call it before the first write; it runs on the batcher's
// goroutine, so it must be quick.
func (b *Batcher) Observe(fn func(writes int, took time.Duration)) { b.observe = fn }

// Stats returns how many batches were committed and how many writes they held.
func (b *Batcher) Stats() (batches, writes int64) { return b.batches.Load(), b.writes.Load() }

type batchOp struct {
	ctx  context.Context
	fn   func(tx *Tx) error
	errc chan error
	done func(error) // called after the commit, on the batcher's goroutine
	one  bool        // fn runs a single statement: no savepoint needed
}

// NewBatcher starts a batcher that commits at most maxSize writes at a time,
// waiting at most linger for more to arrive once one is pending.
func NewBatcher(db *DB, maxSize int, linger time.Duration) *Batcher {
	b := &Batcher{db: db, ops: make(chan batchOp, maxSize*4), maxSize: maxSize, linger: linger, done: make(chan struct{})}
	go b.loop()
	return b
}

// Do runs fn inside the next batch and returns its result after the commit.
func (b *Batcher) Do(ctx context.Context, fn func(tx *Tx) error) error {
	return b.do(batchOp{ctx: ctx, fn: fn, errc: make(chan error, 1)})
}

// DoOne is Do for a fn that runs exactly one statement. SQLite undoes a
// failed statement by itself and leaves the transaction going, so such a
// write needs no savepoint of its own: two statements fewer per write on
// the hottest path (an exam answer). PostgreSQL aborts the whole
// transaction on a failed statement, so there it gets its savepoint.
func (b *Batcher) DoOne(ctx context.Context, fn func(tx *Tx) error) error {
	return b.do(batchOp{ctx: ctx, fn: fn, errc: make(chan error, 1), one: true})
}

func (b *Batcher) do(op batchOp) error {
	ctx := op.ctx
	b.mu.RLock()
	if b.closed {
		b.mu.RUnlock()
		return ErrBatcherClosed
	}
	select {
	case b.ops <- op:
		b.mu.RUnlock()
	case <-ctx.Done():
		b.mu.RUnlock()
		return ctx.Err()
	}
	select {
	case err := <-op.errc:
		return err
	case <-ctx.Done():
		// The write may still commit; the caller only stops waiting.
		return ctx.Err()
	}
}

// Enqueue queues fn for the next batch without waiting for its commit;
// writes are applied in the order they were queued, and a failure is
// logged. A live room uses it so that it never waits on the disk.
func (b *Batcher) Enqueue(fn func(tx *Tx) error) {
	op := batchOp{ctx: context.Background(), fn: fn} // no errc: the commit loop logs a failure
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		slog.Error("write after the batcher closed was dropped")
		return
	}
	b.ops <- op
}

// EnqueueThen queues fn like Enqueue and calls done with the outcome once
// the batch holding it is committed (or has failed), so that a caller that
// must not wait can still acknowledge only what is on disk. done runs on
// the batcher's goroutine: it must hand off, not block.
func (b *Batcher) EnqueueThen(fn func(tx *Tx) error, done func(error)) {
	op := batchOp{ctx: context.Background(), fn: fn, done: done}
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		done(ErrBatcherClosed)
		return
	}
	b.ops <- op
}

// Close commits what is queued and stops the batcher.
func (b *Batcher) Close() {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		close(b.ops)
	}
	b.mu.Unlock()
	<-b.done
}

func (b *Batcher) loop() {
	defer close(b.done)
	batch := make([]batchOp, 0, b.maxSize)
	for {
		op, ok := <-b.ops
		if !ok {
			return
		}
		batch = append(batch[:0], op)
		timer := time.NewTimer(b.linger)
	fill:
		for len(batch) < b.maxSize {
			select {
			case op, ok := <-b.ops:
				if !ok {
					break fill
				}
				batch = append(batch, op)
			case <-timer.C:
				break fill
			}
		}
		timer.Stop()
		b.commit(batch)
	}
}

// errRetryCareful rolls back a PostgreSQL batch whose single-statement
// write failed without a savepoint, to run it again with one per write.
var errRetryCareful = errors.New("store: a write failed; the batch runs again with savepoints")

func (b *Batcher) commit(batch []batchOp) {
	results := make([]error, len(batch))
	start := time.Now()
	// On PostgreSQL a failed statement aborts the whole transaction, so a
	// write may only fail alone inside its own savepoint: three round trips
	// to the server instead of one. Writes almost never fail (a closed
	// attempt matches no row rather than failing), so the batch is first
	// run without savepoints for single statements; if one does fail, the
	// batch is rolled back and run again with a savepoint each. SQLite
	// undoes a failed statement by itself and needs neither.
	err := b.run(batch, results, true)
	if errors.Is(err, errRetryCareful) {
		clear(results)
		err = b.run(batch, results, false)
	}
	b.batches.Add(1)
	b.writes.Add(int64(len(batch)))
	if b.observe != nil {
		b.observe(len(batch), time.Since(start))
	}
	if err != nil {
		slog.Error("batch commit failed", "writes", len(batch), "err", err)
	}
	for i, op := range batch {
		res := results[i]
		if err != nil {
			res = err
		}
		if op.done != nil {
			op.done(res)
			continue
		}
		if op.errc == nil {
			if res != nil && err == nil {
				slog.Error("queued write failed", "err", res)
			}
			continue
		}
		op.errc <- res
	}
}

// run runs a batch in one transaction. Single statements run without a
// savepoint always on SQLite, and on PostgreSQL when optimistic, where a
// failure ends the try with errRetryCareful.
func (b *Batcher) run(batch []batchOp, results []error, optimistic bool) error {
	ctx := context.Background()
	bare := !b.db.d.pg || optimistic
	return b.db.WithTx(ctx, func(tx *Tx) error {
		save, rollback, release := tx.stmt(ctx, "savepoint"), tx.stmt(ctx, "rollback"), tx.stmt(ctx, "release")
		for i, op := range batch {
			if op.ctx.Err() != nil {
				results[i] = op.ctx.Err()
				continue
			}
			if op.one && bare {
				results[i] = op.fn(tx)
				if results[i] != nil && b.db.d.pg {
					return errRetryCareful
				}
				continue
			}
			if _, err := save.Exec(); err != nil {
				return fmt.Errorf("store: savepoint: %w", err)
			}
			results[i] = op.fn(tx)
			if results[i] != nil {
				if _, err := rollback.Exec(); err != nil {
					return fmt.Errorf("store: rollback to savepoint: %w", err)
				}
			}
			if _, err := release.Exec(); err != nil {
				return fmt.Errorf("store: release savepoint: %w", err)
			}
		}
		return nil
	})
}
