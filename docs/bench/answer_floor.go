//go:build ignore

// answer_floor is the least an exam answer can cost with the parts tdkt is
// built from: Go's net/http, a session found in memory, one upsert into
// SQLite (WAL, synchronous=FULL) through a group commit, {"saved":1} back.
// Nothing else: no admission gate, no checks, no metrics, no templates.
// It is a yardstick for `tdkt loadtest exam`, not part of tdkt.
//
//	go build -o /tmp/answer-floor docs/bench/answer_floor.go
//	/tmp/answer-floor 127.0.0.1:39120 /tmp/floor.db &   # in the same CPU cgroup as the server measured
//	wrk -t2 -c64 -d8s -s docs/bench/answer_floor.lua http://127.0.0.1:39120/answers
package main

import (
	"database/sql"
	"net/http"
	"os"
	"strconv"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

type op struct {
	attempt int64
	q, ans  string
	done    chan error
}

func main() {
	db, err := sql.Open("sqlite3", "file:"+os.Args[2]+"?_journal_mode=WAL&_synchronous=FULL&_busy_timeout=5000")
	if err != nil {
		panic(err)
	}
	db.SetMaxOpenConns(1)
	db.Exec(`CREATE TABLE IF NOT EXISTS a (attempt INTEGER, q TEXT, ans TEXT, at INTEGER, PRIMARY KEY (attempt, q)) WITHOUT ROWID`)
	ops := make(chan op, 1024)
	go func() {
		for o := range ops {
			batch := []op{o}
			t := time.NewTimer(2 * time.Millisecond)
		fill:
			for len(batch) < 256 {
				select {
				case o := <-ops:
					batch = append(batch, o)
				case <-t.C:
					break fill
				}
			}
			t.Stop()
			tx, _ := db.Begin()
			st, _ := tx.Prepare(`INSERT INTO a VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET ans = excluded.ans, at = excluded.at`)
			for _, o := range batch {
				_, err := st.Exec(o.attempt, o.q, o.ans, time.Now().UnixMilli())
				o.done <- err
			}
			st.Close()
			if err := tx.Commit(); err != nil {
				panic(err)
			}
		}
	}()
	sessions := map[string]int64{}
	for i := range 10000 {
		sessions["tok"+strconv.Itoa(i)] = int64(i)
	}
	http.HandleFunc("/answers", func(w http.ResponseWriter, r *http.Request) {
		ck, err := r.Cookie("s")
		if err != nil {
			http.Error(w, "no", 401)
			return
		}
		uid, ok := sessions[ck.Value]
		if !ok {
			http.Error(w, "no", 401)
			return
		}
		r.ParseForm()
		o := op{attempt: uid, q: r.PostForm.Get("question"), ans: r.PostForm.Get("a"), done: make(chan error, 1)}
		ops <- o
		if err := <-o.done; err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write([]byte(`{"saved":1}`))
	})
	http.ListenAndServe(os.Args[1], nil)
}
