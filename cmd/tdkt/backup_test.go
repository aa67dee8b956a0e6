package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/tdkt/tdkt/internal/store"
)

// TestBackupAndRestoreCommands backs up a running server, is refused a
// restore (and a second server) while it runs, and restores once it stops.
func TestBackupAndRestoreCommands(t *testing.T) {
	data := seedProvince(t)
	cmd, _, stderr := startTdkt(t, []string{"TDKT_ADMIN_PASSWORD=quan-tri-123"}, "serve", "--addr", "127.0.0.1:0", "--data", data)

	copyFile := filepath.Join(t.TempDir(), "tdkt-copy.db")
	code, out, e := runCmd("", "backup", "--data", data, "--to", copyFile)
	if code != 0 || !strings.Contains(out, "checked") {
		t.Fatalf("backup of a running server: %d %q %q", code, out, e)
	}
	if code, _, e := runCmd("", "backup", "--data", data, "--to", copyFile); code != 1 || !strings.Contains(e, "already exists") {
		t.Fatalf("backup over an existing file: %d %q", code, e)
	}
	if code, _, e := runCmd("", "backup", "--data", data); code != 2 || !strings.Contains(e, "--to FILE") {
		t.Fatalf("backup without --to: %d %q", code, e)
	}
	if code, _, e := runCmd("", "restore", "--data", data, "--from", copyFile); code != 1 || !strings.Contains(e, "stop it first") {
		t.Fatalf("restore under a running server: %d %q", code, e)
	}
	second := exec.Command(os.Args[0], "serve", "--addr", "127.0.0.1:0", "--data", data)
	second.Env = append(os.Environ(), "TDKT_AS_MAIN=1")
	if out, err := second.CombinedOutput(); err == nil || !strings.Contains(string(out), "in use by a running server") {
		t.Fatalf("second server on the same data: %v %q", err, out)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v\n%s", err, stderr.String())
	}
	// Something the backup does not hold, to see the restore take it away.
	if code, _, e := runCmd("mat-khau-hv2\n", "user", "create", "--data", data, "--username", "hv2", "--name", "Học Viên Hai", "--unit", "24"); code != 0 {
		t.Fatal(e)
	}
	junk := filepath.Join(t.TempDir(), "junk.db")
	os.WriteFile(junk, []byte("hello"), 0o600)
	if code, _, e := runCmd("", "restore", "--data", data, "--from", junk); code != 1 || !strings.Contains(e, "not a tdkt database") {
		t.Fatalf("restore of a junk file: %d %q", code, e)
	}
	code, out, e = runCmd("", "restore", "--data", data, "--from", copyFile)
	if code != 0 || !strings.Contains(out, "kept as") {
		t.Fatalf("restore: %d %q %q", code, out, e)
	}
	db, err := store.Open(context.Background(), filepath.Join(data, "tdkt.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.UserByUsername(context.Background(), "hv1"); err != nil {
		t.Fatalf("hv1 after restore: %v", err)
	}
	if _, err := db.UserByUsername(context.Background(), "hv2"); err == nil {
		t.Fatal("hv2, created after the backup, survived the restore")
	}
}
