package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// A manager on one of several nodes (Options.Bus set). Each room is owned
// by one node at a time, the holder of the lease "room:<session id>"; the
// others are its edges. docs/live-cluster.md describes the whole.

func leaseName(id int64) string { return "room:" + strconv.FormatInt(id, 10) }

// sharedKey returns the key the nodes sign hall check-in tokens with, made
// by the first node that asks (store.Secret): a code shown by one node's
// console is accepted by every node.
func sharedKey(ctx context.Context, db *store.DB) ([]byte, error) {
	key, err := db.Secret(ctx, "live-checkin", 32)
	if err != nil {
		return nil, fmt.Errorf("live: check-in key: %w", err)
	}
	return key, nil
}

// sweepEvery is how many lease ticks pass between two sweeps of presence
// that rooms no one took over left open (about every 30 s).
const sweepEvery = 10

// hub returns where a connection to session id goes: the room, when this
// node owns it (taking the lease if it is free), or else the edge that
// relays it to its owner.
func (m *Manager) hub(ctx context.Context, id int64) (*Room, *edge, error) {
	if m.opt.Bus == nil {
		r, err := m.room(ctx, id)
		return r, nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, nil, ErrEnded
	}
	if r := m.rooms[id]; r != nil {
		return r, nil, nil
	}
	now := m.opt.Clock()
	e := m.edges[id]
	if e != nil && now.Before(e.until) {
		return nil, e, nil // the owner's lease ran at the last look: no need to ask
	}
	sess, err := m.db.LiveSession(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, ErrNoSession
	}
	if err != nil {
		return nil, nil, err
	}
	ok, cur, err := m.db.TakeLease(ctx, leaseName(id), m.opt.Node, now, leaseTTL)
	if err != nil {
		return nil, nil, fmt.Errorf("live: room %d: %w", id, err)
	}
	if ok {
		if e != nil {
			m.endEdge(e, quitDemoted) // its owner is gone: its connections come back here
		}
		r, err := m.startRoom(ctx, sess)
		if err != nil {
			if derr := m.db.DropLease(context.Background(), leaseName(id), m.opt.Node); derr != nil {
				slog.Error("live: drop the lease of a room that did not start", "session", id, "err", derr)
			}
			return nil, nil, err
		}
		m.rooms[id] = r
		m.leases[id] = now.Add(leaseTTL)
		return r, nil, nil
	}
	if e != nil && e.owner == cur.Holder {
		e.until = cur.ExpiresAt
		return nil, e, nil
	}
	if e != nil {
		m.endEdge(e, quitDemoted)
	}
	ids, err := m.db.ExpectedUsers(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	expected := make(map[int64]bool, len(ids))
	for _, uid := range ids {
		expected[uid] = true
	}
	e = newEdge(m, sess, expected, cur.Holder)
	if err := e.subscribe(); err != nil {
		return nil, nil, fmt.Errorf("live: relay room %d: %w", id, err)
	}
	e.until = cur.ExpiresAt
	m.edges[id] = e
	go e.run()
	slog.Info("live: relaying a room to its owner", "session", id, "owner", cur.Holder, "edge", e.id)
	return nil, e, nil
}

// startRoom runs a room this node has just taken the lease of. Presence a
// former owner left open (it died) is closed first, where each was last
// seen: no other node writes it while this one holds the lease.
func (m *Manager) startRoom(ctx context.Context, sess model.LiveSession) (*Room, error) {
	id := sess.ID
	var stale int64
	err := m.writes.Do(ctx, func(tx *store.Tx) error {
		var err error
		stale, err = tx.CloseStalePresence(ctx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("live: take over room %d: %w", id, err)
	}
	if stale > 0 {
		slog.Info("live: took over a room from a node that stopped answering", "session", id, "presence_closed", stale)
	}
	expected, err := m.db.ExpectedRoster(ctx, id)
	if err != nil {
		return nil, err
	}
	r := newRoom(sess, expected, m.db, m.writes, m.opt)
	r.dropped = &m.dropped
	r.audioDropped = &m.audioDropped
	if err := r.restore(ctx); err != nil {
		return nil, fmt.Errorf("live: restore room %d: %w", id, err)
	}
	r.cl = newOwner(m.opt.Bus, m.opt.Node, id)
	r.fan = clusterFanout{r}
	if err := r.cl.subscribe(id, r.done); err != nil {
		return nil, fmt.Errorf("live: own room %d: %w", id, err)
	}
	// Edges that read the lease before this node listened hold their joins
	// until they hear it: tell them now rather than at the first tick.
	r.cl.beat(r.seq)
	go r.run()
	slog.Info("live: owning a room", "session", id, "node", m.opt.Node)
	return r, nil
}

// endEdge stops an edge the manager still lists; mu is held.
func (m *Manager) endEdge(e *edge, how quitMode) {
	if m.edges[e.sess.ID] != e {
		return
	}
	delete(m.edges, e.sess.ID)
	e.quit = how
	close(e.stop)
}

// forgetEdge takes an edge that ends by itself off the list.
func (m *Manager) forgetEdge(e *edge) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.edges[e.sess.ID] == e {
		delete(m.edges, e.sess.ID)
	}
}

// demote stops a room whose lease this node no longer holds, at once and
// without writing: another node may run it already.
func (m *Manager) demote(r *Room, why string) {
	m.mu.Lock()
	if m.rooms[r.sess.ID] != r {
		m.mu.Unlock()
		return
	}
	delete(m.rooms, r.sess.ID)
	delete(m.leases, r.sess.ID)
	m.mu.Unlock()
	slog.Warn("live: gave up a room whose lease was lost", "session", r.sess.ID, "node", m.opt.Node, "why", why)
	r.quit = quitDemoted
	close(r.stop)
	<-r.done
}

// ticker renews this node's leases and checks its edges' owners until the
// manager closes.
func (m *Manager) ticker() {
	defer close(m.tickDone)
	t := time.NewTicker(renewEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			m.tick(context.Background())
		case <-m.tickStop:
			return
		}
	}
}

// tick is one round of the lease work: the owner renews the lease of each
// of its rooms (and notes its connections as still present), and gives up
// any it could not renew in time; an edge reads its owner's lease and lets
// its connections go when it ran out or changed hands. Tests call it
// after moving the clock.
func (m *Manager) tick(ctx context.Context) {
	m.tickMu.Lock()
	defer m.tickMu.Unlock()
	now := m.opt.Clock()
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return
	}
	type owned struct {
		r     *Room
		until time.Time
	}
	var rooms []owned
	for id, r := range m.rooms {
		rooms = append(rooms, owned{r, m.leases[id]})
	}
	edges := make([]*edge, 0, len(m.edges))
	for _, e := range m.edges {
		edges = append(edges, e)
	}
	m.mu.Unlock()

	for _, o := range rooms {
		id := o.r.sess.ID
		// The next renewal would come after the lease ran out: another
		// node may take the room then, so this one stops now.
		if !now.Add(renewEvery).Before(o.until) {
			m.demote(o.r, "not renewed in time")
			continue
		}
		ok, cur, err := m.db.TakeLease(ctx, leaseName(id), m.opt.Node, now, leaseTTL)
		if err != nil {
			slog.Error("live: renew a room's lease", "session", id, "err", err)
			continue // the next tick tries again, or gives the room up
		}
		if !ok {
			m.demote(o.r, "held by "+cur.Holder)
			continue
		}
		m.mu.Lock()
		if m.rooms[id] == o.r {
			m.leases[id] = now.Add(leaseTTL)
		}
		m.mu.Unlock()
		// Presence is last seen now: were this node to die, the next
		// owner closes it here, not up to half a minute earlier.
		m.writes.Enqueue(func(tx *store.Tx) error { return tx.TouchPresence(context.Background(), id, now) })
	}

	for _, e := range edges {
		l, err := m.db.LeaseOf(ctx, leaseName(e.sess.ID))
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			slog.Error("live: read a room's lease", "session", e.sess.ID, "err", err)
			continue
		}
		m.mu.Lock()
		if err != nil || l.Holder != e.owner || !now.Before(l.ExpiresAt) {
			slog.Info("live: a room's owner is gone; its connections here reconnect", "session", e.sess.ID, "owner", e.owner)
			m.endEdge(e, quitDemoted)
		} else if m.edges[e.sess.ID] == e {
			e.until = l.ExpiresAt
		}
		m.mu.Unlock()
	}

	if m.ticks++; m.ticks%sweepEvery == 0 {
		m.sweep(ctx)
	}
}

// sweep closes the presence of rooms whose owner died and that no node
// took over (everyone left): their rows would otherwise count as present
// until the session ends. It takes each such room's lease for the moment,
// so that no node starts the room meanwhile.
func (m *Manager) sweep(ctx context.Context) {
	ids, err := m.db.OpenPresenceSessions(ctx)
	if err != nil {
		slog.Error("live: sweep presence", "err", err)
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		if m.rooms[id] != nil || m.closed {
			continue
		}
		ok, _, err := m.db.TakeLease(ctx, leaseName(id), m.opt.Node, m.opt.Clock(), leaseTTL)
		if err != nil || !ok {
			continue // owned and alive, or the database is away
		}
		var n int64
		err = m.writes.Do(ctx, func(tx *store.Tx) error {
			var err error
			n, err = tx.CloseStalePresence(ctx, id)
			return err
		})
		if err != nil {
			slog.Error("live: close presence of a room left behind", "session", id, "err", err)
		} else if n > 0 {
			slog.Info("live: closed presence of a room whose owner stopped answering", "session", id, "rows", n)
		}
		if err := m.db.DropLease(ctx, leaseName(id), m.opt.Node); err != nil {
			slog.Error("live: drop a sweep's lease", "session", id, "err", err)
		}
	}
}

// checkRemote is Check for a room this node does not run: what it needs
// comes from the database (and the edge's list of who is expected), and
// nothing is started.
func (m *Manager) checkRemote(ctx context.Context, id int64, u model.User, e *edge) (model.LiveSession, error) {
	sess, err := m.db.LiveSession(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return model.LiveSession{}, ErrNoSession
	}
	if err != nil {
		return model.LiveSession{}, err
	}
	var expected bool
	if e != nil {
		expected = e.expected[u.ID]
	} else {
		ids, err := m.db.ExpectedUsers(ctx, id)
		if err != nil {
			return sess, err
		}
		for _, x := range ids {
			expected = expected || x == u.ID
		}
	}
	var st savedState
	if sess.State != "" && json.Unmarshal([]byte(sess.State), &st) != nil {
		st = savedState{}
	}
	removed := false
	for _, x := range st.Removed {
		removed = removed || x == u.ID
	}
	return sess, m.admit(sess, u, expected, removed)
}

// hallToOwner tells the owner of session id, wherever it runs, that uid
// checked in in the hall.
func (m *Manager) hallToOwner(id, uid int64) {
	if err := m.opt.Bus.Publish(ownerSubject(id), wbuf(nil).u8(wireHall).u64(uint64(uid))); err != nil {
		slog.Warn("live: relay a hall check-in", "session", id, "err", err)
	}
}

// closeCluster stops this node's rooms and edges: each edge's connections
// reconnect (to the owner's node or any other), each room tells its edges
// to let theirs go, its presence is closed and committed, and then its
// lease is dropped so that another node may take it at once.
func (m *Manager) closeCluster(rooms map[int64]*Room, edges map[int64]*edge, how quitMode) {
	m.stopTicker()
	for _, e := range edges {
		e.quit = how
		close(e.stop)
	}
	for _, e := range edges {
		<-e.done
	}
	for _, r := range rooms {
		r.quit = how
		close(r.stop)
	}
	for _, r := range rooms {
		<-r.done
	}
	if how == quitCrash || len(rooms) == 0 {
		return
	}
	// The presence each room closed must be written before another node
	// may take the room, or it would close that node's new rows.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := m.writes.Do(ctx, func(*store.Tx) error { return nil }); err != nil {
		slog.Error("live: write the rooms' last presence; their leases run out instead", "err", err)
		return
	}
	for id := range rooms {
		if err := m.db.DropLease(ctx, leaseName(id), m.opt.Node); err != nil {
			slog.Error("live: drop a room's lease", "session", id, "err", err)
		}
	}
}

func (m *Manager) stopTicker() {
	m.tickOnce.Do(func() {
		if m.tickStop != nil {
			close(m.tickStop)
			<-m.tickDone
		}
	})
}

// crash stops the node as if its process died (tests): rooms and edges
// stop without writing or saying anything, sockets are cut, leases and
// presence are left as they are.
func (m *Manager) crash() {
	m.mu.Lock()
	m.closed = true
	rooms, edges := m.rooms, m.edges
	m.rooms, m.edges = map[int64]*Room{}, map[int64]*edge{}
	m.mu.Unlock()
	m.closeCluster(rooms, edges, quitCrash)
}
