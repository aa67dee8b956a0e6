package admit

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// watchQueue makes g report each arrival in its queue.
func watchQueue(g *Gate) chan int {
	ch := make(chan int, 64)
	g.onQueue = func(n int) { ch <- n }
	return ch
}

// waitQueued waits until the queue reports n requests waiting: the order
// of what follows depends on it, not on how long anything takes. The
// timeout only ends a test that is broken.
func waitQueued(t *testing.T, ch chan int, n int) {
	t.Helper()
	for {
		select {
		case got := <-ch:
			if got == n {
				return
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("the queue never held %d requests", n)
		}
	}
}

func patient() Config {
	var b [numClasses]time.Duration
	for i := range b {
		b[i] = time.Hour // nobody is sent away in these tests
	}
	return Config{Limit: 1, Budget: b}
}

// The queue serves a submission before an answer, an answer before the page
// of a running attempt, that before a new start, a start before a login and
// a login before a page view; within a class, the first come first.
func TestQueueOrdersByValueThenArrival(t *testing.T) {
	g := New(patient())
	q := watchQueue(g)
	first, err := g.Enter(context.Background(), Page, "")
	if err != nil {
		t.Fatal(err)
	}
	arrivals := []Class{Page, Start, Login, Answer, Attempt, Submit, Answer, Page}
	var (
		mu    sync.Mutex
		order []int
		wg    sync.WaitGroup
	)
	for i, c := range arrivals {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := g.Enter(context.Background(), c, "")
			if err != nil {
				t.Errorf("arrival %d (%s): %v", i, c, err)
				return
			}
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			p.Done()
		}()
		waitQueued(t, q, i+1) // arrivals one after the other, in this order
	}
	first.Done()
	wg.Wait()
	want := []int{5, 3, 6, 4, 1, 2, 0, 7} // submit; answers in arrival order; attempt; start; login; pages in order
	if len(order) != len(want) {
		t.Fatalf("served %v, want %v", order, want)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("served %v, want %v", order, want)
		}
	}
	s := g.Stats()
	if s.InFlight != 0 || s.Queued != 0 {
		t.Fatalf("after all: %+v", s)
	}
}

// A request that would wait past its budget is answered at once with its
// place and when to come back; coming back with its ticket puts it ahead of
// those who arrived after it.
func TestWaitingRoomAnswersAtOnceAndKeepsThePlace(t *testing.T) {
	cfg := patient()
	cfg.Budget[Start] = 0 // a start never waits in the queue here
	g := New(cfg)
	q := watchQueue(g)
	busy, err := g.Enter(context.Background(), Answer, "")
	if err != nil {
		t.Fatal(err)
	}

	// Nothing releases the place, so a call that waited would never return.
	done := make(chan error, 1)
	go func() {
		_, err := g.Enter(context.Background(), Start, "")
		done <- err
	}()
	var w Wait
	select {
	case err := <-done:
		var r *Refused
		if !errors.As(err, &r) || !errors.Is(err, ErrWait) {
			t.Fatalf("got %v, want the waiting room", err)
		}
		w = r.Wait
	case <-time.After(30 * time.Second):
		t.Fatal("the start was kept waiting instead of being answered at once")
	}
	if w.Place != 1 || w.Class != Start || w.Ticket == "" || w.After < 100*time.Millisecond || w.RetryAfterSeconds() < 1 {
		t.Fatalf("waiting room answer %+v", w)
	}
	// A second newcomer is behind the first, which holds a ticket.
	_, err = g.Enter(context.Background(), Start, "")
	var r2 *Refused
	if !errors.As(err, &r2) || r2.Wait.Place != 2 {
		t.Fatalf("second newcomer: %v %+v", err, r2)
	}
	if s := g.Stats(); s.Room != 2 || s.Refused[Start] != 2 {
		t.Fatalf("stats %+v", s)
	}

	// Now starts may queue. A newcomer queues first; the ticket holder,
	// coming back after it, is still served before it.
	g.cfg.Budget[Start] = time.Hour
	var (
		mu    sync.Mutex
		order []string
		wg    sync.WaitGroup
	)
	enter := func(name, ticket string) {
		defer wg.Done()
		p, err := g.Enter(context.Background(), Start, ticket)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
		mu.Lock()
		order = append(order, name)
		mu.Unlock()
		p.Done()
	}
	wg.Add(2)
	go enter("newcomer", "")
	waitQueued(t, q, 1)
	go enter("ticket holder", w.Ticket)
	waitQueued(t, q, 2)
	busy.Done()
	wg.Wait()
	if len(order) != 2 || order[0] != "ticket holder" {
		t.Fatalf("served %v, want the ticket holder first", order)
	}
	if s := g.Stats(); s.Room != 1 { // the second newcomer's ticket is still out
		t.Fatalf("room %d after the ticket holder was admitted", s.Room)
	}
}

// A ticket that was altered, or was given for a lesser class, buys nothing.
func TestForgedTicketIsAFirstVisit(t *testing.T) {
	cfg := patient()
	cfg.Budget[Page] = 0
	g := New(cfg)
	busy, _ := g.Enter(context.Background(), Answer, "")
	defer busy.Done()
	_, err := g.Enter(context.Background(), Page, "")
	var r *Refused
	if !errors.As(err, &r) {
		t.Fatal(err)
	}
	b := []byte(r.Wait.Ticket)
	b[2] ^= 1
	for _, tk := range []string{string(b), r.Wait.Ticket + "x", "not a ticket"} {
		if _, ok := g.readTicket(tk, Page); ok {
			t.Errorf("ticket %q accepted", tk)
		}
	}
	if _, ok := g.readTicket(r.Wait.Ticket, Page); !ok {
		t.Error("the real ticket refused")
	}
	if _, ok := g.readTicket(r.Wait.Ticket, Submit); ok {
		t.Error("a page view's ticket accepted for a submission")
	}
}

// A request whose budget runs out in the queue goes to the waiting room,
// and one whose client gives up leaves the queue; neither holds a place.
func TestQueueBudgetAndCancel(t *testing.T) {
	cfg := patient()
	cfg.Budget[Page] = time.Millisecond
	g := New(cfg)
	g.gap = 0 // the estimate says it fits; only the budget's timer sends it away
	busy, _ := g.Enter(context.Background(), Answer, "")
	_, err := g.Enter(context.Background(), Page, "")
	if !errors.Is(err, ErrWait) {
		t.Fatalf("got %v, want the waiting room after the budget", err)
	}
	q := watchQueue(g) // from here: the page view's turn in the queue is over
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := g.Enter(ctx, Submit, "")
		errc <- err
	}()
	waitQueued(t, q, 1)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	busy.Done()
	busy.Done() // a second Done gives nothing back twice
	if s := g.Stats(); s.InFlight != 0 || s.Queued != 0 {
		t.Fatalf("stats %+v", s)
	}
	p, err := g.Enter(context.Background(), Page, "")
	if err != nil {
		t.Fatal(err)
	}
	p.Done()
}

// A ticket turned away again is told to wait longer each time, up to a cap,
// so that a starved class does not retry on every tick.
func TestRepeatedRefusalBacksOff(t *testing.T) {
	g := New(Config{Limit: 1})
	busy, _ := g.Enter(context.Background(), Submit, "")
	defer busy.Done()
	ticket := ""
	var least []time.Duration
	for range 7 {
		_, err := g.Enter(context.Background(), Start, ticket)
		var r *Refused
		if !errors.As(err, &r) {
			t.Fatal(err)
		}
		ticket = r.Wait.Ticket
		least = append(least, r.Wait.After)
	}
	// After is jittered by ±20%: 125 ms doubles to 4 s and stays there.
	for i, want := range []time.Duration{125, 250, 500, 1000, 2000, 4000, 4000} {
		w := want * time.Millisecond
		if least[i] < w*8/10 || least[i] > w*12/10 {
			t.Fatalf("refusal %d: told to wait %s, want about %s (all: %v)", i+1, least[i], w, least)
		}
	}
	if s := g.Stats(); s.Room != 1 || s.Refused[Start] != 7 {
		t.Fatalf("one client refused seven times: %+v", s)
	}
}
