package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/tdkt/tdkt/internal/admit"
	"github.com/tdkt/tdkt/internal/exam"
	"github.com/tdkt/tdkt/internal/live"
	"github.com/tdkt/tdkt/internal/metric"
)

// watch registers the gauges read from the running services at each scrape.
func watch(m *metric.Registry, rooms *live.Manager, exams *exam.Service, gate *admit.Gate) {
	m.Gauge("tdkt_live_rooms", "Live sessions with a running room (at least one connection since it started).",
		func() float64 { return float64(rooms.Stats().Rooms) })
	m.Gauge("tdkt_live_connections", "Open live-session websocket connections.",
		func() float64 { return float64(rooms.Stats().Connections) })
	m.Counter("tdkt_live_dropped_total", "Live connections dropped because they could not keep up with the room.",
		func() float64 { return float64(rooms.Stats().Dropped) })
	m.Counter("tdkt_live_audio_dropped_total", "Audio messages of a trainer's voice not sent to a listener that was behind (the listener stays connected).",
		func() float64 { return float64(rooms.Stats().AudioDropped) })
	m.Gauge("tdkt_exam_attempts_open", "Exam attempts in progress.", func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := exams.InProgress(ctx)
		if err != nil {
			slog.Warn("metrics: count open attempts", "err", err)
			return 0
		}
		return float64(n)
	})
	if gate == nil {
		return
	}
	m.Gauge("tdkt_admit_in_flight", "Heavy requests running now (at most --max-inflight).",
		func() float64 { return float64(gate.Stats().InFlight) })
	m.Gauge("tdkt_admit_queued", "Heavy requests waiting their turn in the queue.",
		func() float64 { return float64(gate.Stats().Queued) })
	m.Gauge("tdkt_waiting_room", "Clients sent to the waiting room who have not come back yet.",
		func() float64 { return float64(gate.Stats().Room) })
	m.Gauge("tdkt_waiting_room_longest_seconds", "The longest a client waited in the waiting room before it was admitted, since start.",
		func() float64 { return gate.Stats().LongestWait.Seconds() })
	classes := admit.Classes()
	names := make([]string, len(classes))
	byName := map[string]admit.Class{}
	for i, c := range classes {
		names[i], byName[c.String()] = c.String(), c
	}
	m.CounterBy("tdkt_admit_admitted_total", "Heavy requests admitted, by class.", "class", names,
		func(v string) float64 { return float64(gate.Stats().Admitted[byName[v]]) })
	m.CounterBy("tdkt_admit_refused_total", "Heavy requests answered from the waiting room, by class.", "class", names,
		func(v string) float64 { return float64(gate.Stats().Refused[byName[v]]) })
}

// debugHandler serves the metrics without a token and the Go profiler; it
// is only ever bound to a loopback address (config.CheckOps).
func debugHandler(m *metric.Registry) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", m.Handler())
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
