// Package brokertest gives tests a NATS server of their own.
package brokertest

import (
	"errors"
	"os"
	"testing"

	"github.com/tdkt/tdkt/internal/broker"
)

// Server starts a nats-server for the test, stopped when it ends. Without
// nats-server installed the test is skipped, except under CI, which
// installs it (.ci/run).
func Server(t testing.TB) *broker.Server {
	t.Helper()
	s, err := broker.StartServer(nil)
	if errors.Is(err, broker.ErrNoServer) {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but nats-server is not installed (.ci/run installs it)")
		}
		t.Skip("nats-server is not installed; apt install nats-server to run this test")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}
