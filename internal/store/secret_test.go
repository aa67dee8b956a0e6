package store

import (
	"bytes"
	"context"
	"testing"
)

func TestSecretIsMadeOnce(t *testing.T) { engines(t, testSecretIsMadeOnce) }

func testSecretIsMadeOnce(t *testing.T, db *DB) {
	ctx := context.Background()
	a, err := db.Secret(ctx, "checkin", 32)
	if err != nil || len(a) != 32 {
		t.Fatalf("first: %x %v", a, err)
	}
	b, err := db.Secret(ctx, "checkin", 32)
	if err != nil || !bytes.Equal(a, b) {
		t.Fatalf("second: %x %v; want the first %x", b, err, a)
	}
	c, err := db.Secret(ctx, "other", 32)
	if err != nil || bytes.Equal(a, c) {
		t.Fatalf("another name gave the same key: %v", err)
	}
}
