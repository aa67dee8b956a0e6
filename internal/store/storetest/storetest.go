// Package storetest gives tests a fresh database on either engine: a SQLite
// file by default, or a new PostgreSQL database when one is reachable.
package storetest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/store"
)

var seq atomic.Int64

// PostgresURL creates a fresh database on the PostgreSQL named by
// TDKT_TEST_POSTGRES (a postgres:// URL to an administrative database) and
// drops it when the test ends. Without that variable the test is skipped,
// except under CI, which must provide one (.ci/run starts a PostgreSQL).
func PostgresURL(t testing.TB) string {
	t.Helper()
	admin := os.Getenv("TDKT_TEST_POSTGRES")
	if admin == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but TDKT_TEST_POSTGRES is not (.ci/run starts a PostgreSQL and sets it)")
		}
		t.Skip("TDKT_TEST_POSTGRES is not set; set it to a postgres:// URL to run the PostgreSQL tests")
	}
	name := fmt.Sprintf("tdkt_test_%d_%d_%d", os.Getpid(), time.Now().UnixNano(), seq.Add(1))
	dsn, drop, err := store.CreateDatabase(context.Background(), admin, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := drop(); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	return dsn
}

// DSN is where a test's store lives: a SQLite file in the test's temporary
// folder, or, when TDKT_TEST_DATABASE=postgres, a fresh PostgreSQL database
// (so that a whole package's tests can be run against PostgreSQL).
func DSN(t testing.TB) string {
	t.Helper()
	if os.Getenv("TDKT_TEST_DATABASE") == "postgres" {
		return PostgresURL(t)
	}
	return filepath.Join(t.TempDir(), "tdkt.db")
}
