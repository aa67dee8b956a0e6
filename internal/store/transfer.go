package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
)

// TableCount is how many rows one table holds.
type TableCount struct {
	Table string
	Rows  int64
}

// derivedTables are rebuilt by the destination's triggers from the rows
// they summarise, so they are not copied (course_progress follows
// module_progress); schema_migrations is the destination's own.
var derivedTables = map[string]bool{"schema_migrations": true, "course_progress": true}

// CopyTo copies every row of db, a SQLite database, into dst, an empty
// PostgreSQL database at the same schema version: how a platform that
// outgrew one node moves its data. It reads one snapshot of db, and
// writes everything in one transaction on dst, so a failure leaves dst as
// empty as it was. Ids are kept, identity sequences set past them, and
// every table's count is compared before the commit. progress, when not
// nil, is told each table as it is copied.
func (db *DB) CopyTo(ctx context.Context, dst *DB, progress func(table string, rows int64)) ([]TableCount, error) {
	if db.d.pg || !dst.d.pg {
		return nil, fmt.Errorf("store: copy: from SQLite to PostgreSQL only")
	}
	from, err := db.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	to, err := dst.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	if from != to {
		return nil, fmt.Errorf("store: copy: the SQLite database is at schema version %d, PostgreSQL at %d; open both with this binary first", from, to)
	}
	src, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("store: copy: read snapshot: %w", err)
	}
	defer src.Rollback() //nolint:errcheck // read-only
	tables, err := copyOrder(ctx, src)
	if err != nil {
		return nil, err
	}
	var counts []TableCount
	err = dst.WithTx(ctx, func(tx *Tx) error {
		for _, t := range tables {
			if err := tx.ensureEmpty(ctx, t.name); err != nil {
				return err
			}
		}
		types, err := tx.columnTypes(ctx)
		if err != nil {
			return err
		}
		for _, t := range tables {
			n, err := tx.copyTable(ctx, src, t, types[t.name])
			if err != nil {
				return err
			}
			if progress != nil {
				progress(t.name, n)
			}
			counts = append(counts, TableCount{Table: t.name, Rows: n})
		}
		if err := tx.resetIdentities(ctx); err != nil {
			return err
		}
		// Compare the counts, derived tables included, before committing.
		for _, name := range append(tableNames(tables), "course_progress") {
			var want, got int64
			if err := src.QueryRowContext(ctx, `SELECT COUNT(*) FROM "`+name+`"`).Scan(&want); err != nil {
				return fmt.Errorf("store: copy: count %s: %w", name, err)
			}
			if err := tx.row(ctx, `SELECT COUNT(*) FROM "`+name+`"`).Scan(&got); err != nil {
				return fmt.Errorf("store: copy: count %s: %w", name, err)
			}
			if want != got {
				return fmt.Errorf("store: copy: %s has %d rows in SQLite but %d in PostgreSQL", name, want, got)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return counts, nil
}

type copyTable struct {
	name    string
	columns []string
	self    []string // columns referring to the same table, set in a second pass
}

func tableNames(ts []copyTable) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.name
	}
	return out
}

// copyOrder lists the tables to copy, each after the tables it refers to.
func copyOrder(ctx context.Context, src *sql.Tx) ([]copyTable, error) {
	rows, err := src.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: copy: list tables: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		if !derivedTables[n] {
			names = append(names, n)
		}
	}
	rows.Close()
	tables := map[string]*copyTable{}
	deps := map[string][]string{}
	for _, n := range names {
		t := &copyTable{name: n}
		cols, err := src.QueryContext(ctx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, n)
		if err != nil {
			return nil, fmt.Errorf("store: copy: columns of %s: %w", n, err)
		}
		for cols.Next() {
			var c string
			if err := cols.Scan(&c); err != nil {
				cols.Close()
				return nil, err
			}
			t.columns = append(t.columns, c)
		}
		cols.Close()
		fks, err := src.QueryContext(ctx, `SELECT "table", "from" FROM pragma_foreign_key_list(?)`, n)
		if err != nil {
			return nil, fmt.Errorf("store: copy: references of %s: %w", n, err)
		}
		for fks.Next() {
			var ref, col string
			if err := fks.Scan(&ref, &col); err != nil {
				fks.Close()
				return nil, err
			}
			if ref == n {
				t.self = append(t.self, col)
			} else {
				deps[n] = append(deps[n], ref)
			}
		}
		fks.Close()
		tables[n] = t
	}
	var order []copyTable
	state := map[string]int{} // 1: visiting, 2: done
	var visit func(n string) error
	visit = func(n string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("store: copy: tables refer to each other in a circle through %s", n)
		case 2:
			return nil
		}
		state[n] = 1
		refs := deps[n]
		sort.Strings(refs)
		for _, r := range refs {
			if tables[r] != nil {
				if err := visit(r); err != nil {
					return err
				}
			}
		}
		state[n] = 2
		order = append(order, *tables[n])
		return nil
	}
	for _, n := range names {
		if err := visit(n); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// ensureEmpty refuses to copy into a table that has rows already.
func (tx *Tx) ensureEmpty(ctx context.Context, table string) error {
	var any int
	err := tx.row(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM "`+table+`" LIMIT 1) AS t`).Scan(&any)
	if err != nil {
		return fmt.Errorf("store: copy: PostgreSQL has no table %s: %w", table, err)
	}
	if any > 0 {
		return fmt.Errorf("store: copy: the PostgreSQL database is not empty (table %s has rows); copy into a new database", table)
	}
	return nil
}

// columnTypes reads PostgreSQL's type of every column, by table.
func (tx *Tx) columnTypes(ctx context.Context) (map[string]map[string]string, error) {
	rows, err := tx.tx.QueryContext(ctx, `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema()`)
	if err != nil {
		return nil, fmt.Errorf("store: copy: column types: %w", err)
	}
	defer rows.Close()
	out := map[string]map[string]string{}
	for rows.Next() {
		var t, c, typ string
		if err := rows.Scan(&t, &c, &typ); err != nil {
			return nil, err
		}
		if out[t] == nil {
			out[t] = map[string]string{}
		}
		out[t][c] = typ
	}
	return out, rows.Err()
}

// copyTable copies one table in multi-row inserts, columns that refer to
// the table itself afterwards (a unit's parent may come after it).
func (tx *Tx) copyTable(ctx context.Context, src *sql.Tx, t copyTable, types map[string]string) (int64, error) {
	for _, c := range t.columns {
		if _, ok := types[c]; !ok {
			return 0, fmt.Errorf("store: copy: PostgreSQL's %s has no column %s", t.name, c)
		}
	}
	quoted := make([]string, len(t.columns))
	for i, c := range t.columns {
		quoted[i] = `"` + c + `"`
	}
	self := map[int]bool{}
	for i, c := range t.columns {
		for _, s := range t.self {
			if c == s {
				self[i] = true
			}
		}
	}
	rows, err := src.QueryContext(ctx, `SELECT `+strings.Join(quoted, ", ")+` FROM "`+t.name+`"`)
	if err != nil {
		return 0, fmt.Errorf("store: copy: read %s: %w", t.name, err)
	}
	defer rows.Close()
	per := max(1, min(500, 60000/len(t.columns))) // PostgreSQL takes at most 65,535 parameters
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(t.columns)), ", ") + ")"
	head := `INSERT INTO "` + t.name + `" (` + strings.Join(quoted, ", ") + `) VALUES `
	var batch []any
	var later [][]any // self references: key columns and values
	var n int64
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		k := len(batch) / len(t.columns)
		q := head + strings.TrimSuffix(strings.Repeat(one+", ", k), ", ")
		if _, err := tx.exec(ctx, q, batch...); err != nil {
			return fmt.Errorf("store: copy: write %s: %w", t.name, err)
		}
		batch = batch[:0]
		return nil
	}
	vals := make([]any, len(t.columns))
	ptrs := make([]any, len(t.columns))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, fmt.Errorf("store: copy: read %s: %w", t.name, err)
		}
		row := make([]any, len(vals))
		var ref []any
		for i, v := range vals {
			v = convertFor(types[t.columns[i]], v)
			if self[i] && v != nil {
				ref = append(ref, i, v)
				v = nil
			}
			row[i] = v
		}
		if ref != nil {
			later = append(later, append([]any{row}, ref...))
		}
		batch = append(batch, row...)
		n++
		if int(n)%per == 0 {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("store: copy: read %s: %w", t.name, err)
	}
	if err := flush(); err != nil {
		return n, err
	}
	if len(later) > 0 {
		// The rows are keyed by their id: every self-referring table has one.
		idAt := -1
		for i, c := range t.columns {
			if c == "id" {
				idAt = i
			}
		}
		if idAt < 0 {
			return n, fmt.Errorf("store: copy: %s refers to itself but has no id", t.name)
		}
		for _, l := range later {
			row := l[0].([]any)
			for j := 1; j < len(l); j += 2 {
				col := t.columns[l[j].(int)]
				if _, err := tx.exec(ctx, `UPDATE "`+t.name+`" SET "`+col+`" = ? WHERE id = ?`, l[j+1], row[idAt]); err != nil {
					return n, fmt.Errorf("store: copy: link %s.%s: %w", t.name, col, err)
				}
			}
		}
	}
	return n, nil
}

// convertFor turns a value read from SQLite into what PostgreSQL's column
// type takes: bytes for bytea, text for text.
func convertFor(typ string, v any) any {
	switch x := v.(type) {
	case []byte:
		if typ != "bytea" {
			return string(x)
		}
		return append([]byte(nil), x...)
	case string:
		if typ == "bytea" {
			return []byte(x)
		}
	}
	return v
}

// resetIdentities moves every identity sequence past the ids copied, so
// that the next row inserted gets a new one.
func (tx *Tx) resetIdentities(ctx context.Context) error {
	rows, err := tx.tx.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES'`)
	if err != nil {
		return fmt.Errorf("store: copy: identity columns: %w", err)
	}
	type ident struct{ table, col string }
	var ids []ident
	for rows.Next() {
		var i ident
		if err := rows.Scan(&i.table, &i.col); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, i)
	}
	rows.Close()
	for _, i := range ids {
		q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', '%s'), COALESCE((SELECT MAX("%s") FROM "%s"), 0) + 1, false)`,
			`"`+i.table+`"`, i.col, i.col, i.table)
		if _, err := tx.tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("store: copy: move the ids of %s on: %w", i.table, err)
		}
	}
	return nil
}
