package store

import (
	"reflect"
	"testing"
)

func TestDialectBind(t *testing.T) {
	pg, lite := dialect{pg: true}, dialect{}
	for _, tc := range []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`SELECT * FROM users WHERE id = ? AND role = ?`, `SELECT * FROM users WHERE id = $1 AND role = $2`},
		{`SELECT '?' || name FROM units WHERE code = ?`, `SELECT '?' || name FROM units WHERE code = $1`},
		{`UPDATE x SET a = 'it''s ?' WHERE b = ?`, `UPDATE x SET a = 'it''s ?' WHERE b = $1`},
	} {
		if got := pg.bind(tc.in); got != tc.want {
			t.Errorf("pg.bind(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := lite.bind(tc.in); got != tc.in {
			t.Errorf("sqlite.bind(%q) = %q, want it unchanged", tc.in, got)
		}
	}
}

func TestDialectArgs(t *testing.T) {
	in := []any{int64(3), true, "x", false}
	if got := (dialect{pg: true}).args(in); !reflect.DeepEqual(got, []any{int64(3), int64(1), "x", int64(0)}) {
		t.Fatalf("pg args = %v", got)
	}
	if !reflect.DeepEqual(in, []any{int64(3), true, "x", false}) {
		t.Fatal("args changed the caller's slice")
	}
	if got := (dialect{}).args(in); &got[0] != &in[0] {
		t.Fatal("sqlite args copied the slice")
	}
	if got := (dialect{pg: true}).args(nil); len(got) != 0 {
		t.Fatalf("no args: %v", got)
	}
}
