package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

// The log only grows: the database refuses to change or delete an entry,
// whoever asks.
func TestAuditLogIsAppendOnly(t *testing.T) { engines(t, testAuditLogIsAppendOnly) }

func testAuditLogIsAppendOnly(t *testing.T, db *DB) {
	ctx := context.Background()
	at := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
	err := db.WithTx(ctx, func(tx *Tx) error {
		if err := tx.Audit(ctx, at, 0, "user.update", "user:1", map[string]string{"role": "trainee"}, map[string]string{"role": "trainer"}); err != nil {
			return err
		}
		return tx.Audit(ctx, at.Add(time.Minute), 0, "roster.import", "roster:1", nil, map[string]int{"created": 5})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE audit_log SET action = 'x'`, `DELETE FROM audit_log`, `UPDATE audit_log SET after = '' WHERE id = 1`} {
		err := db.WithTx(ctx, func(tx *Tx) error {
			_, err := tx.tx.ExecContext(ctx, q)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("%s: %v", q, err)
		}
	}
	all, err := db.AuditLog(ctx, AuditFilter{})
	if err != nil || len(all) != 2 || all[0].Action != "roster.import" || all[1].Before != `{"role":"trainee"}` {
		t.Fatalf("log = %+v %v", all, err)
	}
	if users, _ := db.AuditLog(ctx, AuditFilter{Action: "user."}); len(users) != 1 {
		t.Fatalf("filter by action: %+v", users)
	}
	if late, _ := db.AuditLog(ctx, AuditFilter{From: at.Add(30 * time.Second)}); len(late) != 1 || late[0].Action != "roster.import" {
		t.Fatalf("filter by time: %+v", late)
	}
}
