package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"time"

	"github.com/tdkt/tdkt/internal/config"
	"github.com/tdkt/tdkt/internal/store"
)

// nodeName is this process's name among several nodes: --node (a host
// name, say), or the host name, then a random suffix new at each start. A
// node restarted after a crash must not pass for the one that died: the
// leases and live rooms the dead one held are taken over, not resumed as
// if nothing had happened. Only letters, digits, - and _ (it stands in
// NATS subjects).
func nodeName(given string) string {
	if given == "" {
		given, _ = os.Hostname()
	}
	name := []byte(given)
	for i, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			name[i] = '-'
		}
	}
	if len(name) > 40 {
		name = name[:40]
	}
	if len(name) == 0 {
		name = []byte("tdkt")
	}
	var suffix [4]byte
	_, _ = rand.Read(suffix[:])
	return fmt.Sprintf("%s-%x", name, suffix)
}

// solo makes job run on one node only when several share a PostgreSQL
// database: each turn, the node first takes (or renews) the lease
// "job:<name>" for ttl, and a node that does not get it skips the turn.
// The holder renews at every turn, so it keeps the job; if it dies, the
// lease runs out and the next node to try takes over. ttl must be longer
// than the time between turns. On SQLite there is one node, and job runs
// as it is.
func solo(db *store.DB, node, name string, ttl time.Duration, now func() time.Time, job func(context.Context) (int, error)) func(context.Context) (int, error) {
	if db.Engine() != "postgres" {
		return job
	}
	return func(ctx context.Context) (int, error) {
		ok, _, err := db.TakeLease(ctx, "job:"+name, node, now(), ttl)
		if err != nil {
			return 0, err
		}
		if !ok {
			return 0, nil // another node's turn
		}
		return job(ctx)
	}
}

// clusterNode is the node name shown by /healthz: only when nodes share a
// database, where telling them apart matters.
func clusterNode(cfg config.Config, node string) string {
	if cfg.Database == "" {
		return ""
	}
	return node
}
