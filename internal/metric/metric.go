// Package metric owns the Prometheus client: it holds the platform's
// collectors and serves them in the Prometheus text format. Other packages
// report through plain functions and never import the client themselves.
package metric

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Registry is the platform's set of metrics. Its own registry (not the
// global default) keeps tests independent of each other.
type Registry struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	batches  *prometheus.HistogramVec
	commits  *prometheus.HistogramVec
	handler  http.Handler
}

// New returns a registry with the Go runtime and process collectors.
func New() *Registry {
	r := &Registry{reg: prometheus.NewRegistry()}
	r.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	r.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "tdkt_http_requests_total", Help: "HTTP requests answered, by route pattern, method and status code.",
	}, []string{"route", "method", "code"})
	// Buckets from a cached page (under a millisecond) to a slow export.
	r.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "tdkt_http_request_duration_seconds", Help: "Time to answer an HTTP request, by route pattern and method.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method"})
	r.batches = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "tdkt_batch_writes", Help: "Writes committed together in one group-commit batch, by batcher.",
		Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024},
	}, []string{"batcher"})
	r.commits = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "tdkt_batch_commit_seconds", Help: "Time to run and commit one group-commit batch, by batcher.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1},
	}, []string{"batcher"})
	r.reg.MustRegister(r.requests, r.latency, r.batches, r.commits)
	r.handler = promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{})
	return r
}

// ObserveRequest records one answered request. route is the pattern
// (/courses/:course), never the path, so the number of series stays fixed.
func (r *Registry) ObserveRequest(route, method string, code int, took time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	r.requests.WithLabelValues(route, method, strconv.Itoa(code)).Inc()
	r.latency.WithLabelValues(route, method).Observe(took.Seconds())
}

// BatchObserver returns the function a group-commit batcher calls after
// each commit.
func (r *Registry) BatchObserver(name string) func(writes int, took time.Duration) {
	size, commit := r.batches.WithLabelValues(name), r.commits.WithLabelValues(name)
	return func(writes int, took time.Duration) {
		size.Observe(float64(writes))
		commit.Observe(took.Seconds())
	}
}

// Gauge registers a value read at each scrape.
func (r *Registry) Gauge(name, help string, read func() float64) {
	r.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, read))
}

// Counter registers a running total read at each scrape.
func (r *Registry) Counter(name, help string, read func() float64) {
	r.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, read))
}

// CounterBy registers one running total per value of a label, each read
// at each scrape.
func (r *Registry) CounterBy(name, help, label string, values []string, read func(value string) float64) {
	for _, v := range values {
		r.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help,
			ConstLabels: prometheus.Labels{label: v}}, func() float64 { return read(v) }))
	}
}

// Handler serves the metrics in the Prometheus text format.
func (r *Registry) Handler() http.Handler { return r.handler }
