package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tdkt/tdkt/internal/model"
)

// Audit records an action in the append-only log, in the transaction of
// the action itself, so the log holds exactly what was committed. before
// and after are marshalled to JSON (nil: empty).
func (tx *Tx) Audit(ctx context.Context, at time.Time, actorID int64, action, target string, before, after any) error {
	js := func(v any) string {
		if v == nil {
			return ""
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	_, err := tx.exec(ctx, `INSERT INTO audit_log (at, actor_id, action, target, before, after) VALUES (?, ?, ?, ?, ?, ?)`,
		ms(at), actorID, action, target, js(before), js(after))
	if err != nil {
		return fmt.Errorf("store: audit %s %s: %w", action, target, err)
	}
	return nil
}

// AuditFilter narrows the log.
type AuditFilter struct {
	ActorID  int64  // 0: anyone
	Action   string // prefix, e.g. "user." ; empty: any
	From, To time.Time
	Limit    int
	Before   int64 // page by id: entries older than this id
}

// AuditLog returns entries newest first, with the actors' names.
func (db *DB) AuditLog(ctx context.Context, f AuditFilter) ([]model.AuditEntry, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	to := f.To
	if to.IsZero() {
		to = time.Unix(1<<40, 0)
	}
	before := f.Before
	if before <= 0 {
		before = 1 << 62
	}
	rows, err := db.readRows(ctx, `SELECT a.id, a.at, a.actor_id, COALESCE(u.full_name || ' (' || u.username || ')', ''), a.action, a.target, a.before, a.after
		FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
		WHERE (? = 0 OR a.actor_id = ?) AND a.action LIKE ? ESCAPE '\' AND a.at >= ? AND a.at < ? AND a.id < ?
		ORDER BY a.id DESC LIMIT ?`, f.ActorID, f.ActorID, likePrefix(f.Action), ms(f.From), ms(to), before, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	defer rows.Close()
	var out []model.AuditEntry
	for rows.Next() {
		var e model.AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.Actor, &e.Action, &e.Target, &e.Before, &e.After); err != nil {
			return nil, fmt.Errorf("store: scan audit entry: %w", err)
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// likePrefix turns a prefix into a LIKE pattern that matches it literally.
func likePrefix(p string) string {
	var b []byte
	for i := 0; i < len(p); i++ {
		if p[i] == '%' || p[i] == '_' || p[i] == '\\' {
			b = append(b, '\\')
		}
		b = append(b, p[i])
	}
	return string(b) + "%"
}
