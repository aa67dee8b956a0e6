package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/tdkt/tdkt/internal/course"
)

// checkContent validates a content tree and prints every problem as
// file:line: message; with --json it prints one object per module.
func checkContent(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("content check", flag.ContinueOnError)
	fset.SetOutput(stderr)
	asJSON := fset.Bool("json", false, "print one JSON object per module")
	// Accept the folder before or after the flags.
	var dir string
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		dir, args = args[0], args[1:]
	}
	if err := fset.Parse(args); err != nil {
		return 2
	}
	if dir == "" {
		dir = fset.Arg(0)
	}
	if dir == "" {
		dir = os.Getenv("TDKT_CONTENT")
	}
	if dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "tdkt content check: %s is not a folder\n", dir)
			return 2
		}
	}
	cat, probs := course.Load(contentFS(dir))
	for _, p := range probs {
		fmt.Fprintln(stderr, p)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		for _, co := range cat.Courses {
			for _, m := range co.Modules {
				cites := 0
				for _, d := range m.LegalDocuments {
					cites += max(1, len(d.Articles))
				}
				_ = enc.Encode(map[string]any{"course": co.ID, "module": m.ID, "file": m.File, "title": m.Title,
					"words": m.Words, "minutes": m.EstimatedMinutes, "objectives": len(m.Objectives),
					"questions": len(m.Questions), "citations": cites})
			}
		}
	}
	if len(probs) > 0 {
		fmt.Fprintf(stderr, "%d problem(s)\n", len(probs))
		return 1
	}
	if !*asJSON {
		n := 0
		for _, co := range cat.Courses {
			n += len(co.Modules)
		}
		fmt.Fprintf(stdout, "ok: %d course(s), %d module(s)\n", len(cat.Courses), n)
	}
	return 0
}
