// Package broker links the nodes of a tdkt cluster over NATS: a live.Bus
// on which a room's owner and the nodes relaying its connections talk
// (docs/live-cluster.md). It is the only package that knows NATS; live
// sees two methods.
package broker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
)

// prefix is put in front of every subject, so that tdkt can share a NATS
// server with other applications: tdkt.room.<id>… for live rooms,
// tdkt.forget.… for the caches' notices.
const prefix = "tdkt."

const (
	// reconnectWait is the pause between two tries to reach the server
	// again; the client tries forever, as a node without the bus cannot
	// relay its rooms.
	reconnectWait = 250 * time.Millisecond
	// reconnectBuf holds what is published while the server is away, sent
	// once it is back; beyond it a publish fails (and is logged): a room
	// whose messages are lost resyncs its connections.
	reconnectBuf = 8 << 20
	// A subscription may fall this far behind before the client drops its
	// messages (a slow consumer, logged): the live rooms hand each message
	// on to a goroutine's queue at once.
	pendingMsgs  = 65536
	pendingBytes = 64 << 20
)

// Bus is a connection to NATS carrying the live rooms' messages. It
// implements live.Bus.
type Bus struct {
	nc *nats.Conn
}

// Connect reaches the NATS server at url (nats://host:4222, or several,
// comma-separated) as name, the node's id, which the server's monitoring
// shows. Once connected it reconnects by itself, forever, whenever the
// server goes away; ctx bounds only the first connection.
func Connect(ctx context.Context, url, name string) (*Bus, error) {
	opts := []nats.Option{
		nats.Name(name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(reconnectWait),
		nats.ReconnectJitter(100*time.Millisecond, time.Second),
		nats.ReconnectBufSize(reconnectBuf),
		nats.Timeout(5 * time.Second),
		nats.PingInterval(5 * time.Second), // a dead link is noticed in two pings
		nats.MaxPingsOutstanding(2),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			slog.Warn("broker: lost the NATS server; reconnecting", "err", err)
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			slog.Info("broker: reconnected to NATS", "server", nc.ConnectedUrlRedacted())
		}),
		nats.ClosedHandler(func(*nats.Conn) { slog.Info("broker: NATS connection closed") }),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			subject := ""
			if sub != nil {
				subject = sub.Subject
			}
			slog.Error("broker: NATS", "subject", subject, "err", err)
		}),
	}
	type result struct {
		nc  *nats.Conn
		err error
	}
	got := make(chan result, 1)
	go func() {
		nc, err := nats.Connect(url, opts...)
		got <- result{nc, err}
	}()
	select {
	case r := <-got:
		if r.err != nil {
			return nil, fmt.Errorf("broker: connect to %s: %w", url, r.err)
		}
		slog.Info("broker: connected to NATS", "server", r.nc.ConnectedUrlRedacted(), "name", name)
		return &Bus{nc: r.nc}, nil
	case <-ctx.Done():
		go func() { // the attempt ends within its timeout; close what it made
			if r := <-got; r.nc != nil {
				r.nc.Close()
			}
		}()
		return nil, fmt.Errorf("broker: connect to %s: %w", url, ctx.Err())
	}
}

// Publish sends data on subject. NATS copies it before returning; while
// the server is away it is buffered (up to reconnectBuf) and sent on
// reconnection.
func (b *Bus) Publish(subject string, data []byte) error {
	if err := b.nc.Publish(prefix+subject, data); err != nil {
		return fmt.Errorf("broker: publish %s: %w", subject, err)
	}
	return nil
}

// Subscribe calls handle for each message on subject, one at a time and
// in the order each publisher sent them, on a goroutine of the
// subscription's own. Each message's data is a new slice the handler may
// keep. It returns once the server has the subscription (when connected),
// so a message published anywhere after it returns reaches handle.
func (b *Bus) Subscribe(subject string, handle func(data []byte)) (func(), error) {
	sub, err := b.nc.Subscribe(prefix+subject, func(m *nats.Msg) { handle(m.Data) })
	if err != nil {
		return nil, fmt.Errorf("broker: subscribe %s: %w", subject, err)
	}
	if err := sub.SetPendingLimits(pendingMsgs, pendingBytes); err != nil {
		_ = sub.Unsubscribe()
		return nil, fmt.Errorf("broker: subscribe %s: %w", subject, err)
	}
	// The subscription goes to the server with the next flush of the
	// connection; a node that subscribes and at once tells another to
	// answer (a room's owner starting) must not have that answer arrive
	// first. A round trip settles it. While the server is away the client
	// subscribes again as it reconnects: nothing to wait for.
	if b.nc.IsConnected() {
		if err := b.nc.FlushTimeout(2 * time.Second); err != nil {
			slog.Warn("broker: subscription not confirmed by the server", "subject", subject, "err", err)
		}
	}
	return func() {
		if err := sub.Unsubscribe(); err != nil && !errors.Is(err, nats.ErrConnectionClosed) && !errors.Is(err, nats.ErrBadSubscription) {
			slog.Warn("broker: unsubscribe", "subject", subject, "err", err)
		}
	}, nil
}

// Connected says whether the server is reachable now (for health checks).
func (b *Bus) Connected() bool { return b.nc.IsConnected() }

// Close sends what is still buffered (for at most two seconds) and closes
// the connection. Call it after the live manager's Close, whose last
// messages tell the other nodes this one is leaving.
func (b *Bus) Close() {
	if b.nc.IsConnected() {
		if err := b.nc.FlushTimeout(2 * time.Second); err != nil {
			slog.Warn("broker: flush before closing", "err", err)
		}
	}
	b.nc.Close()
}
