package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/tdkt/tdkt/internal/config"
	"github.com/tdkt/tdkt/internal/store"
)

// nodeName is this process's name among several nodes: --node, or the host
// name and process id, which two processes never share.
func nodeName(given string) string {
	if given != "" {
		return given
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "tdkt"
	}
	return fmt.Sprintf("%s-%d", host, os.Getpid())
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
