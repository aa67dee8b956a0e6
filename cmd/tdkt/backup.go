package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/tdkt/tdkt/internal/store"
)

// backupCmd copies the database of a data folder, running or not, into a
// new file and checks the copy.
func backupCmd(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("backup", flag.ContinueOnError)
	fset.SetOutput(stderr)
	to := fset.String("to", "", "new file to write the backup into, e.g. /backup/tdkt-2026-11-30.db")
	data := dataFlag(fset)
	if err := fset.Parse(args); err != nil {
		return 2
	}
	if pgRefused(stderr, "backup") {
		return 2
	}
	if *to == "" || fset.NArg() > 0 {
		fmt.Fprintln(stderr, "tdkt backup: give the file to write with --to FILE")
		return 2
	}
	start := time.Now()
	if err := store.Backup(context.Background(), filepath.Join(*data, "tdkt.db"), *to); err != nil {
		fmt.Fprintln(stderr, "tdkt backup:", err)
		return 1
	}
	fmt.Fprintf(stdout, "backup written to %s and checked (%s)\n", *to, time.Since(start).Round(time.Millisecond))
	return 0
}

// restoreCmd puts a backup in place as the database of a stopped server.
func restoreCmd(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("restore", flag.ContinueOnError)
	fset.SetOutput(stderr)
	from := fset.String("from", "", "backup file to restore")
	data := dataFlag(fset)
	if err := fset.Parse(args); err != nil {
		return 2
	}
	if pgRefused(stderr, "restore") {
		return 2
	}
	if *from == "" || fset.NArg() > 0 {
		fmt.Fprintln(stderr, "tdkt restore: give the backup to restore with --from FILE")
		return 2
	}
	kept, err := store.Restore(context.Background(), *from, *data, time.Now())
	if errors.Is(err, store.ErrInUse) {
		fmt.Fprintf(stderr, "tdkt restore: a running server holds %s; stop it first, then restore\n", *data)
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "tdkt restore:", err)
		return 1
	}
	fmt.Fprintf(stdout, "restored %s into %s\n", *from, filepath.Join(*data, "tdkt.db"))
	if kept != "" {
		fmt.Fprintf(stdout, "the database it replaced is kept as %s\n", kept)
	}
	return 0
}

// scheduleBackups writes a backup into dir every interval until ctx ends.
// A failed backup is logged and tried again at the next tick; it never
// stops the server.
func scheduleBackups(ctx context.Context, src, dir string, every time.Duration, keep int, loc *time.Location) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			start := time.Now()
			f, err := store.BackupInto(ctx, src, dir, now.In(loc), keep)
			if err != nil {
				slog.Error("scheduled backup failed", "dir", dir, "err", err)
				continue
			}
			slog.Info("scheduled backup", "file", f, "took", time.Since(start).Round(time.Millisecond))
		}
	}
}

// pgRefused says, when TDKT_DATABASE names a PostgreSQL database, that
// backup and restore are about the SQLite file: PostgreSQL has its own.
func pgRefused(stderr io.Writer, cmd string) bool {
	if os.Getenv("TDKT_DATABASE") == "" {
		return false
	}
	fmt.Fprintf(stderr, "tdkt %s: TDKT_DATABASE names a PostgreSQL database; tdkt %s copies the SQLite file of a data folder. Use pg_dump and pg_restore (see docs/scaling.md)\n", cmd, cmd)
	return true
}

// moveCmd copies the SQLite database of a stopped server's data folder into
// an empty PostgreSQL database, for a platform moving to several nodes.
func moveCmd(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("move-to-postgres", flag.ContinueOnError)
	fset.SetOutput(stderr)
	to := fset.String("to", "", "postgres:// URL of an empty PostgreSQL database, e.g. postgres://tdkt:secret@db:5432/tdkt")
	data := dataFlag(fset)
	if err := fset.Parse(args); err != nil {
		return 2
	}
	if !store.IsPostgres(*to) || fset.NArg() > 0 {
		fmt.Fprintln(stderr, "tdkt move-to-postgres: give the PostgreSQL database with --to postgres://…")
		return 2
	}
	path := filepath.Join(*data, "tdkt.db")
	if _, err := os.Stat(path); err != nil {
		fmt.Fprintf(stderr, "tdkt move-to-postgres: no database at %s (--data)\n", path)
		return 1
	}
	unlock, err := store.Lock(*data)
	if errors.Is(err, store.ErrInUse) {
		fmt.Fprintf(stderr, "tdkt move-to-postgres: a running server holds %s; stop it first, so that nothing changes during the copy\n", *data)
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "tdkt move-to-postgres:", err)
		return 1
	}
	defer unlock()
	ctx := context.Background()
	src, err := store.Open(ctx, path)
	if err != nil {
		fmt.Fprintln(stderr, "tdkt move-to-postgres:", err)
		return 1
	}
	defer src.Close()
	dst, err := store.Open(ctx, *to)
	if err != nil {
		fmt.Fprintln(stderr, "tdkt move-to-postgres:", err)
		return 1
	}
	defer dst.Close()
	start := time.Now()
	counts, err := src.CopyTo(ctx, dst, func(table string, rows int64) {
		fmt.Fprintf(stdout, "  %-24s %d\n", table, rows)
	})
	if err != nil {
		fmt.Fprintln(stderr, "tdkt move-to-postgres:", err, "(nothing was written)")
		return 1
	}
	var total int64
	for _, c := range counts {
		total += c.Rows
	}
	fmt.Fprintf(stdout, "copied %d rows of %d tables in %s and checked the counts; start the nodes with --database on it\n",
		total, len(counts), time.Since(start).Round(time.Millisecond))
	return 0
}
