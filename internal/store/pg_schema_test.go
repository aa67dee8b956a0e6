package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// pgTest opens a fresh database on the PostgreSQL named by
// TDKT_TEST_POSTGRES (a postgres:// URL to an administrative database),
// dropped when the test ends; without it the test is skipped.
func pgTest(t *testing.T) *sql.DB {
	t.Helper()
	admin := os.Getenv("TDKT_TEST_POSTGRES")
	if admin == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but TDKT_TEST_POSTGRES is not (.ci/run starts a PostgreSQL and sets it)")
		}
		t.Skip("TDKT_TEST_POSTGRES is not set; set it to a postgres:// URL to run the PostgreSQL tests")
	}
	ctx := context.Background()
	root, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	name := fmt.Sprintf("tdkt_test_%d", time.Now().UnixNano())
	if _, err := root.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("TDKT_TEST_POSTGRES: %v", err)
	}
	u.Path = "/" + name
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Close()
		_, _ = root.ExecContext(ctx, "DROP DATABASE "+name+" WITH (FORCE)")
	})
	return db
}

// The PostgreSQL schema has the same tables, with the same columns, as the
// one SQLite's migrations build.
func TestPostgresSchemaMatchesSQLite(t *testing.T) {
	pg := pgTest(t)
	ctx := context.Background()
	ddl, err := os.ReadFile(filepath.Join("migrations_pg", "0015_schema.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pg.ExecContext(ctx, string(ddl)); err != nil {
		t.Fatalf("apply the PostgreSQL schema: %v", err)
	}
	lite, err := Open(ctx, filepath.Join(t.TempDir(), "tdkt.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	want := map[string][]string{}
	rows, err := lite.read.QueryContext(ctx, `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT IN ('schema_migrations') AND m.name NOT LIKE 'sqlite_%'`)
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
