// Package web is the HTTP face of tdkt and the only user of gin: routes,
// handlers (one per file), middleware and the embedded templates.
package web

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/admit"
	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/certificate"
	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/exam"
	"github.com/tdkt/tdkt/internal/live"
	"github.com/tdkt/tdkt/internal/metric"
	"github.com/tdkt/tdkt/internal/report"
)

// Deps is what the web layer needs from the rest of the program.
type Deps struct {
	Auth       *auth.Service
	Catalog    *course.Catalog
	Tracker    *course.Tracker
	Exams      *exam.Service
	Certs      *certificate.Service
	Live       *live.Manager
	Sessions   *live.Sessions
	Enrolments *course.Enrolments
	Progress   *report.Progress
	BaseURL    string // public address for certificate links; empty: taken from each request
	Static     fs.FS
	Health     func(ctx context.Context) error
	Version    string
	// Node names this process among several nodes (shown by /healthz, so
	// that an operator behind the proxy can tell which node answered);
	// empty on one node.
	Node          string
	SecureCookies bool          // set the Secure flag even on plain HTTP (behind a TLS proxy)
	SessionTTL    time.Duration // cookie lifetime; matches the server-side session
	// TrustedProxies are the reverse proxies whose X-Forwarded-For gives the
	// client's address; none (nil) trusts no header.
	TrustedProxies []string
	// Council is the council that runs the training, printed at the head
	// of the summaries it files.
	Council string
	// Clock is the platform's clock (time.Now when nil; a fixed one in tests).
	Clock func() time.Time
	// Location is the zone dates and times are shown and read in (Vietnam
	// time, whatever the machine's zone); nil means Asia/Ho_Chi_Minh.
	Location *time.Location
	// Metrics records every request; nil records nothing. MetricsToken,
	// when set, lets a scraper read /metrics on this address with
	// "Authorization: Bearer <token>"; empty keeps /metrics off here.
	Metrics      *metric.Registry
	MetricsToken string
	// Gate is the admission control of heavy work; nil admits everything.
	Gate *admit.Gate
}

type handler struct {
	auth     *auth.Service
	worker   []byte // the service worker, with its list of kept files (worker_show.go)
	workerGz []byte
	headers  map[string][]string // set on every answer (middleware.go)
	cat      *course.Catalog
	tracker  *course.Tracker
	exams    *exam.Service
	certs    *certificate.Service
	live     *live.Manager
	lives    *live.Sessions
	enrol    *course.Enrolments
	prog     *report.Progress
	baseURL  string
	health   func(ctx context.Context) error
	version  string
	node     string
	secure   bool
	ttl      time.Duration
	now      func() time.Time
	council  string
	loc      *time.Location
	pages    *pages
	assets   *assets
	bodies   map[bodyKey]*fragment // module texts, rendered once per language
	metrics  *metric.Registry
	mtoken   string
	gate     *admit.Gate
	rests    *restCache // attempt pages' unanswered questions, rendered once
}

type bodyKey struct {
	lang   string
	module *course.Module
}

// New builds the HTTP handler. It parses every template and reads every
// static file up front, so a missing one stops start-up instead of a request.
func New(d Deps) (http.Handler, error) {
	gin.SetMode(gin.ReleaseMode)
	as, err := loadAssets(d.Static)
	if err != nil {
		return nil, err
	}
	if d.Clock == nil {
		d.Clock = time.Now
	}
	if d.Location == nil {
		if d.Location, err = time.LoadLocation("Asia/Ho_Chi_Minh"); err != nil {
			return nil, fmt.Errorf("web: load Vietnam time: %w", err)
		}
	}
	pg, err := loadPages(as, d.Location)
	if err != nil {
		return nil, err
	}
	h := &handler{auth: d.Auth, cat: d.Catalog, tracker: d.Tracker, exams: d.Exams, certs: d.Certs, live: d.Live, lives: d.Sessions, enrol: d.Enrolments, prog: d.Progress, baseURL: d.BaseURL, health: d.Health, version: d.Version, node: d.Node,
		secure: d.SecureCookies, ttl: d.SessionTTL, now: d.Clock, loc: d.Location, council: d.Council, pages: pg, assets: as, bodies: map[bodyKey]*fragment{},
		metrics: d.Metrics, mtoken: d.MetricsToken, gate: d.Gate, rests: newRestCache(8192)}
	h.headers = newSecurityHeaders(as.styleHash)
	if h.worker, err = buildWorker(as); err != nil {
		return nil, err
	}
	h.workerGz = gzipped(h.worker)
	if err := h.renderBodies(); err != nil {
		return nil, err
	}
	if h.ttl == 0 {
		h.ttl = 14 * 24 * time.Hour
	}
	r := gin.New()
	r.HandleMethodNotAllowed = true
	// gin trusts every proxy by default: the leftmost X-Forwarded-For would be
	// the client, and anyone could pick theirs. Only configured proxies count.
	if err := r.SetTrustedProxies(d.TrustedProxies); err != nil {
		return nil, fmt.Errorf("web: trusted proxies: %w", err)
	}
	if h.metrics != nil {
		r.Use(h.observe)
	}
	r.Use(h.recoverPanic, h.securityHeaders, h.limitBody, h.loadSession)
	h.routes(r)

	// Cross-origin protection wraps everything: any state-changing request
	// that a browser marks as cross-site is refused before it reaches a route.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slog.Warn("cross-origin request refused", "method", r.Method, "path", r.URL.Path, "origin", r.Header.Get("Origin"))
		h.plainError(w, r, http.StatusForbidden, "error.crossorigin")
	}))
	return cop.Handler(r), nil
}

func (h *handler) plainError(w http.ResponseWriter, r *http.Request, status int, key string) {
	lang := langOf(r)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintln(w, tr(lang, key))
}

// renderBodies renders and compresses the text of every module in every
// language, so serving a module costs only its per-reader head and tail.
func (h *handler) renderBodies() error {
	var buf bytes.Buffer
	for lang, set := range h.pages.byLang {
		for _, co := range h.cat.Courses {
			for _, m := range co.Modules {
				buf.Reset()
				if err := set["module"].ExecuteTemplate(&buf, "module_body", m); err != nil {
					return fmt.Errorf("web: render module %s/%s: %w", co.ID, m.ID, err)
				}
				h.bodies[bodyKey{lang, m}] = newFragment(bytes.Clone(buf.Bytes()))
			}
		}
	}
	return nil
}
