package exam

import (
	"context"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/store"
)

// Two nodes share one database: an attempt started on one and submitted on
// the other is shown as submitted by the first at once, though the first
// had it cached as open.
func TestOpenAttemptsSharedBetweenNodes(t *testing.T) {
	for _, share := range []bool{true, false} {
		ctx := context.Background()
		f := newFixture(t, examAll)
		batch := store.NewBatcher(f.db, 64, 0)
		t.Cleanup(batch.Close)
		a, b := f.svc, New(f.db, batch, f.svc.cat) // b: a second node's service
		b.SetClock(func() time.Time { return f.now })
		if share {
			a.Share(b.Forget)
			b.Share(a.Forget)
		}
		an := f.users[0].ID
		at, err := a.StartExam(ctx, an, "khoa") // a caches it as open
		if err != nil {
			t.Fatal(err)
		}
		f.answerAll(t, at, 0)
		if _, err := b.Submit(ctx, an, at.ID); err != nil {
			t.Fatal(err)
		}
		seen, err := a.Attempt(ctx, an, at.ID)
		if err != nil {
			t.Fatal(err)
		}
		if share && seen.Open() {
			t.Fatal("node a still shows as open an attempt submitted on node b")
		}
		if !share && !seen.Open() {
			t.Fatal("without sharing, node a was expected to show its stale copy (the test would prove nothing)")
		}
	}
}
