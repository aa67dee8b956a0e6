package live

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// Errors a join can meet; the web layer explains them.
var (
	ErrNoSession  = errors.New("live: no such session")
	ErrNotInvited = errors.New("live: not a participant of this session")
	ErrEnded      = errors.New("live: the session has ended")
	ErrRemoved    = errors.New("live: the trainer has removed this person from the session")
	ErrTooMany    = errors.New("live: too many connections for this account")
)

// maxConnsPerUser bounds one account's open connections across rooms: a
// phone, a computer and a tablet, with room for reconnections that overlap
// the old connection's last seconds; a script cannot hold hundreds.
const maxConnsPerUser = 6

// Options are what a Manager needs beside the database.
type Options struct {
	// Clock is the platform's clock: time.Now, or a fixed one in tests.
	// Attendance, polls, roll calls and chat times are read from it.
	Clock func() time.Time
	// Slides counts the slides a session's room shows, so that the trainer
	// cannot move past the last; nil leaves goto unbounded.
	Slides func(model.LiveSession) int
	// Inline renders a bank question's inline Markdown (bold, italics,
	// code) to HTML that is safe to insert; nil sends the text only.
	Inline func(string) string
	// RecordDir is where recordings of sessions are kept (a folder of the
	// data folder); empty: sessions cannot be recorded.
	RecordDir string
	// Bus links the nodes (server processes) that share live rooms; nil:
	// this is the only node, and every room runs here. With a bus, each
	// room runs on the node holding its lease, and the others relay their
	// connections to it (docs/live-cluster.md). The manager then renews its
	// leases itself; Close gives them up.
	Bus Bus
	// Node names this process on the bus and in leases: unique among the
	// nodes, new at each start (a restarted node must not pass for the
	// one that died), letters, digits, - and _. Needed with Bus.
	Node string

	// manualTick (tests): no background lease work; the test calls tick.
	manualTick bool
}

// Manager keeps one room per live session that has connections.
type Manager struct {
	db       *store.DB
	writes   *store.Batcher
	mu       sync.Mutex
	rooms    map[int64]*Room
	upgrader websocket.Upgrader
	closed   bool
	key      []byte // signs hall check-in tokens; new at each start, as the codes live for a minute (one for all the nodes of a cluster)
	opt      Options

	connMu sync.Mutex
	conns  map[int64]int // open connections by account
	open   int           // open connections in all

	dropped      atomic.Int64 // slow connections dropped since start
	audioDropped atomic.Int64 // audio messages listeners were too far behind to take

	// With a bus (node.go): the rooms other nodes own that this one
	// relays, and until when this node's lease of each of its rooms runs;
	// both guarded by mu.
	edges    map[int64]*edge
	leases   map[int64]time.Time
	edgeSeq  atomic.Uint64
	tickMu   sync.Mutex // one round of lease work at a time
	ticks    int        // guarded by tickMu
	tickStop chan struct{}
	tickDone chan struct{}
	tickOnce sync.Once
}

// Stats is what the manager reports to monitoring.
type Stats struct {
	Rooms       int   // rooms running (sessions with connections)
	Edges       int   // rooms other nodes own, with connections here relayed to them
	Connections int   // open websocket connections
	Dropped     int64 // slow connections dropped since start
	// AudioDropped counts audio messages not sent to a listener that was
	// behind (the listener stays connected).
	AudioDropped int64
}

// Stats reads the manager's figures; it takes two short locks, never a
// room's goroutine.
func (m *Manager) Stats() Stats {
	m.mu.Lock()
	rooms, edges := len(m.rooms), len(m.edges)
	m.mu.Unlock()
	m.connMu.Lock()
	open := m.open
	m.connMu.Unlock()
	return Stats{Rooms: rooms, Edges: edges, Connections: open, Dropped: m.dropped.Load(), AudioDropped: m.audioDropped.Load()}
}

// NewManager returns a manager writing through writes. On one node it first
// closes the presence a crashed process left open, where each was last
// seen: from then on an open presence row is a connection of this process,
// which reports count up to the moment they are read. With a bus, other
// nodes' rooms are live: a room's presence is closed only by the node that
// takes it over from a dead owner (or sweeps it when no one does).
func NewManager(ctx context.Context, db *store.DB, writes *store.Batcher, opt Options) (*Manager, error) {
	if opt.Clock == nil {
		opt.Clock = time.Now
	}
	if opt.Bus != nil && !validNode(opt.Node) {
		return nil, fmt.Errorf("live: node id %q: want 1 to 64 letters, digits, - or _", opt.Node)
	}
	if opt.Bus == nil {
		var orphans int64
		err := db.WithTx(ctx, func(tx *store.Tx) error {
			var err error
			orphans, err = tx.CloseOrphanPresence(ctx)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("live: recover presence: %w", err)
		}
		if orphans > 0 {
			slog.Info("closed presence left open by a stopped server", "rows", orphans)
		}
	}
	m := &Manager{db: db, writes: writes, rooms: map[int64]*Room{}, key: make([]byte, 32), opt: opt, conns: map[int64]int{},
		edges: map[int64]*edge{}, leases: map[int64]time.Time{}}
	_, _ = rand.Read(m.key)
	if opt.Bus != nil {
		// The hall's QR code, shown by one node, is checked by whichever
		// node the phone reaches: the nodes sign with one key.
		key, err := sharedKey(ctx, db)
		if err != nil {
			return nil, err
		}
		m.key = key
	}
	if opt.Bus != nil && !opt.manualTick {
		m.tickStop, m.tickDone = make(chan struct{}), make(chan struct{})
		go m.ticker()
	}
	// Ten thousand mostly idle connections: a small read buffer each, and
	// write buffers shared through a pool, held only while writing.
	m.upgrader = websocket.Upgrader{ReadBufferSize: 512, WriteBufferSize: 2048, WriteBufferPool: &sync.Pool{},
		CheckOrigin: sameOrigin, EnableCompression: false}
	return m, nil
}

// RecordDir is where the recordings of sessions are kept; empty when
// sessions cannot be recorded.
func (m *Manager) RecordDir() string { return m.opt.RecordDir }

// Now is the platform's clock.
func (m *Manager) Now() time.Time { return m.opt.Clock() }

// sameOrigin accepts a browser only from this site; clients that send no
// Origin (the load generator, apps) are accepted, as they carry no
// cross-site cookies by accident.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

// room returns the running room of a session, starting it if needed.
func (m *Manager) room(ctx context.Context, id int64) (*Room, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrEnded
	}
	if r := m.rooms[id]; r != nil {
		return r, nil
	}
	sess, err := m.db.LiveSession(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, err
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
	m.rooms[id] = r
	go r.run()
	return r, nil
}

// Check says whether u may join session id, without joining. With a bus,
// it starts nothing: a room this node does not run is checked against the
// database.
func (m *Manager) Check(ctx context.Context, id int64, u model.User) (model.LiveSession, error) {
	if m.opt.Bus != nil {
		m.mu.Lock()
		r, e := m.rooms[id], m.edges[id]
		m.mu.Unlock()
		if r == nil {
			return m.checkRemote(ctx, id, u, e)
		}
		return r.sess, m.admit(r.sess, u, r.expected[u.ID], r.isRemoved(u.ID))
	}
	r, err := m.room(ctx, id)
	if err != nil {
		return model.LiveSession{}, err
	}
	return r.sess, m.admit(r.sess, u, r.expected[u.ID], r.isRemoved(u.ID))
}

// admit applies the rules of entry to u.
func (m *Manager) admit(sess model.LiveSession, u model.User, expected, removed bool) error {
	if m.Now().After(sess.EndsAt.Add(time.Hour)) {
		return ErrEnded
	}
	if !expected && !sess.OpenToAll && !trainer(sess, u) {
		return ErrNotInvited
	}
	if removed && !trainer(sess, u) {
		return ErrRemoved
	}
	return nil
}

func trainer(s model.LiveSession, u model.User) bool {
	return u.ID == s.TrainerID || u.Role == model.RoleAdmin
}

// Join upgrades the request to a websocket and connects u to the room of
// session id. The caller has authenticated u; Join checks membership, and
// refuses before the upgrade anyone who may not enter, so a client gets a
// plain HTTP status rather than a socket that closes at once.
func (m *Manager) Join(w http.ResponseWriter, r *http.Request, id int64, u model.User) error {
	sess, err := m.Check(r.Context(), id, u)
	if err != nil {
		return err
	}
	room, e, err := m.hub(r.Context(), id)
	if err != nil {
		return err
	}
	m.connMu.Lock()
	if m.conns[u.ID] >= maxConnsPerUser {
		m.connMu.Unlock()
		return ErrTooMany
	}
	m.conns[u.ID]++
	m.open++
	m.connMu.Unlock()
	var once sync.Once
	release := func() {
		once.Do(func() {
			m.connMu.Lock()
			if m.conns[u.ID]--; m.conns[u.ID] <= 0 {
				delete(m.conns, u.ID)
			}
			m.open--
			m.connMu.Unlock()
		})
	}
	conn, err := m.upgrader.Upgrade(w, r, nil)
	if err != nil {
		release()
		return nil // the upgrader has answered the request
	}
	lean := r.URL.Query().Get("lean") == "1"
	c := &Client{room: room, edge: e, conn: conn, send: make(chan *frame, sendQueue), audio: make(chan *websocket.PreparedMessage, audioQueue), release: release,
		p: Participant{ID: u.ID, Name: u.FullName, Trainer: trainer(sess, u)}, lean: lean, chat: !lean}
	register, done := c.hubRegister()
	select {
	case register <- c:
	case <-done: // the room moved off this node as the socket opened
		_ = conn.WriteControl(websocket.CloseMessage, closeMoved, time.Now().Add(time.Second))
		conn.Close()
		release()
		return nil
	}
	go c.writePump()
	go c.readPump()
	return nil
}

// Close stops every room: connections are closed and open presence is
// ended now, so a restart reopens it when participants rejoin.
//
// With a bus, this node's edges let their connections go (they reconnect
// to another node), each room's edges are told to do the same, and its
// lease is dropped once its presence is written, so that no node waits
// for the lease to run out.
func (m *Manager) Close() {
	m.mu.Lock()
	m.closed = true
	rooms, edges := m.rooms, m.edges
	m.rooms, m.edges = map[int64]*Room{}, map[int64]*edge{}
	m.mu.Unlock()
	if m.opt.Bus != nil {
		m.closeCluster(rooms, edges, quitClean)
		return
	}
	for _, r := range rooms {
		close(r.stop)
		<-r.done
	}
}

// checkinWindow is how often the hall QR code changes.
const checkinWindow = 30 * time.Second

// CheckinToken is the token in the hall QR code of session id at now. It
// changes every 30 s, so a photo of the code passed to someone at home soon
// stops working.
func (m *Manager) CheckinToken(id int64, now time.Time) string {
	return m.token(id, now.Unix()/int64(checkinWindow/time.Second))
}

func (m *Manager) token(id, window int64) string {
	mac := hmac.New(sha256.New, m.key)
	fmt.Fprintf(mac, "%d:%d", id, window)
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:12])
}

// ValidCheckin accepts the token of the current window or of the two before
// it: a phone may need a minute to log in after scanning.
func (m *Manager) ValidCheckin(id int64, token string, now time.Time) bool {
	w := now.Unix() / int64(checkinWindow/time.Second)
	for i := int64(0); i <= 2; i++ {
		if hmac.Equal([]byte(token), []byte(m.token(id, w-i))) {
			return true
		}
	}
	return false
}

// CheckIn records u as present in the hall of session id from now on;
// checking in again is harmless.
func (m *Manager) CheckIn(ctx context.Context, id int64, u model.User, now time.Time) error {
	if _, err := m.Check(ctx, id, u); err != nil {
		return err
	}
	done, err := m.db.CheckedIn(ctx, id, u.ID)
	if err != nil || done {
		return err
	}
	if err := m.writes.Do(ctx, func(tx *store.Tx) error { return tx.OpenPresence(ctx, id, u.ID, "hall", now) }); err != nil {
		return err
	}
	if m.opt.Bus != nil {
		m.mu.Lock()
		r := m.rooms[id]
		m.mu.Unlock()
		if r == nil { // the owner, on another node or none: it reads check-ins when it starts
			m.hallToOwner(id, u.ID)
			return nil
		}
		select {
		case r.hallIn <- u.ID:
		default:
		}
		return nil
	}
	if r, err := m.room(ctx, id); err == nil {
		select {
		case r.hallIn <- u.ID: // the console stops listing them as absent
		default: // a room this busy learns it at its next start
		}
	}
	return nil
}
