package main

import (
	"fmt"
	"io"
)

func loadtestPages(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "tdkt loadtest pages: not built yet")
	return 1
}
