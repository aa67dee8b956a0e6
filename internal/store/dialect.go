package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// dialect is what differs between the engines the store speaks. The SQL in
// this package is written once, with ? placeholders and the syntax both
// engines read (ON CONFLICT, RETURNING, CASE instead of scalar MIN/MAX);
// what cannot be shared is decided here. SQLite is the only engine so far:
// PostgreSQL comes next (issue 15), and with it dollar placeholders and
// integers in place of Go's booleans.
type dialect struct {
	pg bool
}

// bind writes q for the engine: PostgreSQL numbers its placeholders ($1,
// $2, …). A ? inside a quoted string is left alone.
func (d dialect) bind(q string) string {
	if !d.pg || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n, quoted := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			quoted = !quoted
		case c == '?' && !quoted:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// args turns Go booleans into 0 and 1 for PostgreSQL, where the flags are
// integer columns as in SQLite (so that queries can say passed = 1 on both).
// SQLite's driver does this itself.
func (d dialect) args(a []any) []any {
	if !d.pg {
		return a
	}
	out := a
	for i, v := range a {
		if b, ok := v.(bool); ok {
			if &out[0] == &a[0] {
				out = append([]any(nil), a...)
			}
			out[i] = int64(0)
			if b {
				out[i] = int64(1)
			}
		}
	}
	return out
}

// exec and row run a statement in the write transaction.
func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(ctx, tx.db.d.bind(q), tx.db.d.args(args)...)
}

func (tx *Tx) row(ctx context.Context, q string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, tx.db.d.bind(q), tx.db.d.args(args)...)
}

func (tx *Tx) prepare(ctx context.Context, q string) (*sql.Stmt, error) {
	return tx.tx.PrepareContext(ctx, tx.db.d.bind(q))
}

// readRows and readRow run a query on the read pool without keeping it
// prepared: for queries built on the fly or seldom run.
func (db *DB) readRows(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return db.read.QueryContext(ctx, db.d.bind(q), db.d.args(args)...)
}

func (db *DB) readRow(ctx context.Context, q string, args ...any) *sql.Row {
	return db.read.QueryRowContext(ctx, db.d.bind(q), db.d.args(args)...)
}
