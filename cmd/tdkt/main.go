// Command tdkt runs the training platform and its tools: the server, the demo,
// account creation, the content checker and the load generator.
package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `tdkt: training platform for emulation and commendation officers

Usage:
  tdkt [serve] [--addr :8080] [--data ./data] [--content DIR] [--demo]
  tdkt demo [serve flags]                 run the server with a demo province
  tdkt user create --username U --name "Họ và tên" --role admin|trainer|trainee --unit CODE [--data DIR]
  tdkt unit create --code CODE --name "Tên" --kind KIND [--parent CODE] [--data DIR]
  tdkt content check [DIR] [--json]       validate the course content
  tdkt loadtest pages [--server URL] [flags]
  tdkt loadtest exam [--trainees 5000] [--ramp 10s] [--server URL --login user:pass ...]
  tdkt loadtest live [--participants 10000] [--ramp 10s] [--slides 5]
  tdkt backup --to FILE [--data DIR]     copy the database, server running or not
  tdkt restore --from FILE [--data DIR]  put a backup in place (server stopped)
  tdkt move-to-postgres --to URL [--data DIR]
                                         copy the SQLite database into a new PostgreSQL
                                         database, to run several nodes (server stopped)
  tdkt loadtest crash [--kills 20] [--trainees 40] [--seed N]
  tdkt version
`

func main() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run dispatches a subcommand and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	sub := func() (string, []string) {
		if len(args) == 0 {
			return "", nil
		}
		return args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(args, stdout, stderr, false)
	case "demo":
		return serve(args, stdout, stderr, true)
	case "user":
		if s, rest := sub(); s == "create" {
			return createUser(rest, stdin, stdout, stderr)
		}
	case "unit":
		if s, rest := sub(); s == "create" {
			return createUnit(rest, stdout, stderr)
		}
	case "content":
		if s, rest := sub(); s == "check" {
			return checkContent(rest, stdout, stderr)
		}
	case "loadtest":
		switch s, rest := sub(); s {
		case "pages":
			return loadtestPages(rest, stdout, stderr)
		case "exam":
			return loadtestExam(rest, stdout, stderr)
		case "live":
			return loadtestLive(rest, stdout, stderr)
		case "crash":
			return loadtestCrash(rest, stdout, stderr)
		}
	case "backup":
		return backupCmd(args, stdout, stderr)
	case "restore":
		return restoreCmd(args, stdout, stderr)
	case "move-to-postgres":
		return moveCmd(args, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "tdkt", version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "tdkt: unknown command %q\n\n%s", strings.TrimSpace(cmd+" "+strings.Join(args, " ")), usage)
	return 2
}
