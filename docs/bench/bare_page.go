//go:build ignore

// bare_page is a bare Go net/http server sending a fixed gzip body: what Go
// itself gives under `../shared/bench/pages-vs-nginx.sh`'s wrk, to tell the
// tail that belongs to the runtime from the tail that belongs to tdkt.
//
//	go build -o /tmp/bare-page docs/bench/bare_page.go
//	/tmp/bare-page 127.0.0.1:39111 page.html.gz &
//	wrk -t2 -c64 -d8s --latency http://127.0.0.1:39111/page.html
package main

import (
	"net/http"
	"os"
)

func main() {
	b, err := os.ReadFile(os.Args[2])
	if err != nil {
		panic(err)
	}
	http.HandleFunc("/page.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(b)
	})
	panic(http.ListenAndServe(os.Args[1], nil))
}
