package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// pgURL creates a fresh database on the PostgreSQL named by
// TDKT_TEST_POSTGRES (a postgres:// URL to an administrative database),
// dropped when the test ends; without it the test is skipped, except under
// CI, which must have one.
func pgURL(t *testing.T) string {
	t.Helper()
	admin := os.Getenv("TDKT_TEST_POSTGRES")
	if admin == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but TDKT_TEST_POSTGRES is not (.ci/run starts a PostgreSQL and sets it)")
		}
		t.Skip("TDKT_TEST_POSTGRES is not set; set it to a postgres:// URL to run the PostgreSQL tests")
	}
	dsn, drop, err := CreateDatabase(context.Background(), admin, fmt.Sprintf("tdkt_test_%d", time.Now().UnixNano()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := drop(); err != nil {
			t.Logf("drop test database: %v", err)
		}
	})
	return dsn
}

// openPG opens the store on a fresh PostgreSQL database.
func openPG(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), pgURL(t))
	if err != nil {
		t.Fatalf("open PostgreSQL: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// engines runs fn on SQLite and on PostgreSQL (when one is reachable), each
// with a fresh database.
func engines(t *testing.T, fn func(t *testing.T, db *DB)) {
	t.Run("sqlite", func(t *testing.T) {
		db, _ := openTest(t)
		fn(t, db)
	})
	t.Run("postgres", func(t *testing.T) { fn(t, openPG(t)) })
}

// The PostgreSQL schema has the same tables, with the same columns, as the
// one SQLite's migrations build.
func TestPostgresSchemaMatchesSQLite(t *testing.T) {
	pg := openPG(t).write
	ctx := context.Background()
	lite, err := Open(ctx, filepath.Join(t.TempDir(), "tdkt.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	want := map[string][]string{}
	rows, err := lite.read.QueryContext(ctx, `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT IN ('x') AND m.name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var tbl, col string
		if err := rows.Scan(&tbl, &col); err != nil {
			t.Fatal(err)
		}
		want[tbl] = append(want[tbl], col)
	}
	rows.Close()
	got := map[string][]string{}
	rows, err = pg.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var tbl, col string
		if err := rows.Scan(&tbl, &col); err != nil {
			t.Fatal(err)
		}
		got[tbl] = append(got[tbl], col)
	}
	rows.Close()
	if len(want) < 20 {
		t.Fatalf("SQLite has only %d tables", len(want))
	}
	for tbl, cols := range want {
		sort.Strings(cols)
		g := got[tbl]
		sort.Strings(g)
		if strings.Join(cols, ",") != strings.Join(g, ",") {
			t.Errorf("table %s: SQLite has %v, PostgreSQL %v", tbl, cols, g)
		}
		delete(got, tbl)
	}
	for tbl := range got {
		t.Errorf("PostgreSQL has table %s, SQLite does not", tbl)
	}
}
