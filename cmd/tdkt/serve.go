package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/tdkt/tdkt/content"
	"github.com/tdkt/tdkt/internal/admit"
	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/broker"
	"github.com/tdkt/tdkt/internal/certificate"
	"github.com/tdkt/tdkt/internal/config"
	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/demo"
	"github.com/tdkt/tdkt/internal/exam"
	"github.com/tdkt/tdkt/internal/live"
	"github.com/tdkt/tdkt/internal/metric"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/report"
	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/web"
	"github.com/tdkt/tdkt/static"
)

func serve(args []string, stdout, stderr io.Writer, demoMode bool) int {
	cfg := config.Defaults()
	if err := cfg.FromEnv(os.Getenv); err != nil {
		fmt.Fprintln(stderr, "tdkt:", err)
		return 2
	}
	fset := flag.NewFlagSet("serve", flag.ContinueOnError)
	fset.SetOutput(stderr)
	cfg.ServeFlags(fset)
	if err := fset.Parse(args); err != nil {
		return 2
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(stderr, "tdkt serve: unexpected argument %q\n", fset.Arg(0))
		return 2
	}
	cfg.Demo = cfg.Demo || demoMode
	if cfg.BaseURL != "" && !strings.HasPrefix(cfg.BaseURL, "http://") && !strings.HasPrefix(cfg.BaseURL, "https://") {
		fmt.Fprintf(stderr, "tdkt serve: --base-url must start with http:// or https://, got %q\n", cfg.BaseURL)
		return 2
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if err := cfg.CheckBackup(); err != nil {
		fmt.Fprintln(stderr, "tdkt serve:", err)
		return 2
	}
	if err := cfg.CheckOps(); err != nil {
		fmt.Fprintln(stderr, "tdkt serve:", err)
		return 2
	}
	if err := cfg.CheckCluster(); err != nil {
		fmt.Fprintln(stderr, "tdkt serve:", err)
		return 2
	}
	if cfg.LogFormat == "json" {
		// One JSON object per line, for a log collector (Loki, ELK).
		slog.SetDefault(slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	}
	if err := runServer(cfg, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "tdkt:", err)
		return 1
	}
	return 0
}

// contentFS returns the content folder given, or the embedded content.
func contentFS(dir string) fs.FS {
	if dir == "" {
		return content.FS
	}
	return os.DirFS(dir)
}

// loadCatalog loads and checks the content; serving with broken content would
// show trainees half a course, so a problem stops the server. Content that
// rests on a document no longer in force is the exception: it is served with
// a notice and listed for review, so the day a decree is replaced does not
// take the platform down.
func loadCatalog(dir string, stderr io.Writer) (*course.Catalog, error) {
	cat, probs := course.Load(contentFS(dir))
	if block := course.Blocking(probs); len(block) > 0 {
		for _, p := range block {
			fmt.Fprintln(stderr, p)
		}
		return nil, fmt.Errorf("content has %d problem(s); fix them or run 'tdkt content check'", len(block))
	}
	for _, p := range cat.Reviews {
		slog.Warn("content needs review", "where", fmt.Sprintf("%s:%d", p.File, p.Line), "problem", p.Msg)
	}
	return cat, nil
}

func openStore(ctx context.Context, dataDir string) (*store.DB, error) {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data folder %s: %w", dataDir, err)
	}
	return store.Open(ctx, filepath.Join(dataDir, "tdkt.db"))
}

func runServer(cfg config.Config, stdout, stderr io.Writer) error {
	loc, err := cfg.Location()
	if err != nil {
		return err
	}
	proxies, err := cfg.Proxies()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// For diagnosing load tests: TDKT_CPUPROFILE=file profiles the server from
	// start to shutdown (go tool pprof reads it).
	if path := os.Getenv("TDKT_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}

	cat, err := loadCatalog(cfg.ContentDir, stderr)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return fmt.Errorf("create data folder %s: %w", cfg.DataDir, err)
	}
	// Held until exit, so that a restore cannot swap the database under a
	// running server, nor a second server share it.
	unlock, err := store.Lock(cfg.DataDir)
	if err != nil {
		return fmt.Errorf("%s: %w", cfg.DataDir, err)
	}
	defer unlock()
	var db *store.DB
	if cfg.Database != "" {
		db, err = store.Open(ctx, cfg.Database)
	} else {
		db, err = openStore(ctx, cfg.DataDir)
	}
	if err != nil {
		return err
	}
	slog.Info("database open", "engine", db.Engine())
	defer func() {
		if err := db.Close(); err != nil {
			slog.Error("close database", "err", err)
			return
		}
		slog.Info("database closed")
	}()

	accounts := auth.New(db, cfg.SessionTTL)
	created, user, pw, err := accounts.Bootstrap(ctx, cfg.AdminPassword)
	if err != nil {
		return err
	}
	if created {
		if cfg.AdminPassword != "" {
			pw = "(from TDKT_ADMIN_PASSWORD)"
		}
		fmt.Fprintf(stdout, "Created the first administrator.\n  username: %s\n  password: %s\nThe password must be changed at first login.\n", user, pw)
	}
	if cfg.Demo {
		logins, err := demo.Seed(ctx, accounts)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, "Demo accounts (tỉnh Minh Họa):")
		for _, l := range logins {
			fmt.Fprintf(stdout, "  %-8s %-10s %-16s %s (%s)\n", l.Role, l.Username, l.Password, l.FullName, l.Unit)
		}
	}

	tracker := course.NewTracker(db, cfg.ProgressFlush)
	// Answers and attempt starts are acknowledged only once committed; a
	// storm of them shares commits instead of queueing one per request.
	batch := store.NewBatcher(db, 256, 2*time.Millisecond)
	metrics := metric.New()
	batch.Observe(metrics.BatchObserver("exam"))
	exams := exam.New(db, batch, cat)
	node := nodeName(cfg.Node)
	// Deadlines pass on every node's clock alike; one node submits the
	// attempts past theirs.
	go repeat(ctx, 5*time.Second, "submitted attempts at their deadline",
		solo(db, node, "submit-expired", 20*time.Second, time.Now, exams.SubmitExpired))
	// Live rooms write presence, answers and marks through their own batcher,
	// so a storm of poll answers costs one commit per batch.
	liveWrites := store.NewBatcher(db, 1024, 5*time.Millisecond)
	liveWrites.Observe(metrics.BatchObserver("live"))
	liveOpt := live.Options{Clock: time.Now, Inline: course.Inline,
		RecordDir: filepath.Join(cfg.DataDir, "recordings"),
		Slides:    func(s model.LiveSession) int { return len(cat.Slides(s.Title, s.CourseID, s.Deck, s.Modules)) }}
	// Several nodes: live rooms and the caches' notices travel over NATS.
	if cfg.Nats != "" {
		connectCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
		bus, err := broker.Connect(connectCtx, cfg.Nats, node)
		cancel()
		if err != nil {
			liveWrites.Close()
			batch.Close()
			return err
		}
		// Deferred first, so it runs last: after the rooms' goodbyes
		// (rooms.Close) have been sent.
		defer bus.Close()
		liveOpt.Bus, liveOpt.Node = bus, node
		stopSharing, err := shareCaches(bus, node, accounts, tracker, exams)
		if err != nil {
			liveWrites.Close()
			batch.Close()
			return err
		}
		defer stopSharing()
		slog.Info("joined the other nodes over NATS", "node", node)
	}
	rooms, err := live.NewManager(ctx, db, liveWrites, liveOpt)
	if err != nil {
		liveWrites.Close()
		batch.Close()
		return err
	}
	sessions := live.NewSessions(db, liveWrites, time.Now)
	var gate *admit.Gate
	if cfg.MaxInFlight >= 0 {
		limit := cfg.MaxInFlight
		if limit == 0 {
			limit = 32 * runtime.GOMAXPROCS(0)
		}
		gate = admit.New(admit.Config{Limit: limit, Budget: admit.DefaultBudgets()})
	}
	watch(metrics, rooms, exams, gate)
	certs := certificate.New(db, cat, certificate.Config{Issuer: cfg.CertIssuer, SignerTitle: cfg.CertSignerRole,
		SignerName: cfg.CertSigner, Place: cfg.CertPlace, Location: loc}, static.Fonts, live.CertAttendance{S: sessions})
	handler, err := web.New(web.Deps{Auth: accounts, Catalog: cat, Tracker: tracker, Exams: exams, Certs: certs, Live: rooms, Sessions: sessions, BaseURL: cfg.BaseURL, Static: static.FS,
		Health: db.Ping, Version: version, Node: clusterNode(cfg, node), SecureCookies: cfg.SecureCookies, SessionTTL: cfg.SessionTTL,
		Clock: time.Now, Location: loc, Council: cfg.CertIssuer, TrustedProxies: proxies, Metrics: metrics, MetricsToken: cfg.MetricsToken, Gate: gate, Enrolments: course.NewEnrolments(db, cat), Progress: report.NewProgress(db, sessions.CourseAttendance)})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog: slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn)}
	fmt.Fprintf(stdout, "tdkt %s listening on http://%s (data %s)\n", version, ln.Addr(), cfg.DataDir)

	// The hourly sweeps run on one node of several (solo): their leases
	// outlast an hour by half, so a dead holder's sweep moves to another
	// node within ninety minutes.
	hourly := func(name, what string, job func(context.Context) (int, error)) {
		go repeat(ctx, time.Hour, what, solo(db, node, name, 90*time.Minute, time.Now, job))
	}
	hourly("purge-sessions", "purge expired sessions", func(ctx context.Context) (int, error) {
		n, err := accounts.PurgeSessions(ctx)
		return int(n), err
	})
	// Counts of failed logins kept in the database (PostgreSQL) a day on.
	hourly("purge-login-failures", "purge old counts of failed logins", accounts.PurgeLoginFailures)
	// Recordings whose keeping time (the trainer's choice, a year by default)
	// is over. Nodes share the recordings folder (docs/scaling.md).
	hourly("sweep-recordings", "remove recordings past their keeping time", func(context.Context) (int, error) {
		return live.Sweep(rooms.RecordDir(), time.Now())
	})
	// Keys of practice answers queued offline, once no phone can send them again.
	hourly("forget-client-keys", "forget old keys of queued answers", exams.ForgetClientKeys)
	if cfg.DebugAddr != "" {
		dln, err := net.Listen("tcp", cfg.DebugAddr)
		if err != nil {
			return fmt.Errorf("listen on --debug-addr %s: %w", cfg.DebugAddr, err)
		}
		dbg := &http.Server{Handler: debugHandler(metrics), ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = dbg.Serve(dln) }()
		defer dbg.Close()
		fmt.Fprintf(stdout, "metrics and pprof on http://%s (/metrics, /debug/pprof/)\n", dln.Addr())
	}
	if cfg.BackupDir != "" {
		go scheduleBackups(ctx, filepath.Join(cfg.DataDir, "tdkt.db"), cfg.BackupDir, cfg.BackupEvery, cfg.BackupKeep, loc)
		slog.Info("scheduled backups on", "dir", cfg.BackupDir, "every", cfg.BackupEvery, "keep", cfg.BackupKeep)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			_ = tracker.Close(context.Background())
			rooms.Close()
			liveWrites.Close()
			batch.Close()
			return fmt.Errorf("serve: %w", err)
		}
	case <-ctx.Done():
	}
	slog.Info("shutting down: finishing requests in flight")
	shutCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		slog.Warn("shutdown", "err", err)
	}
	if err := tracker.Close(shutCtx); err != nil {
		slog.Error("write pending progress", "err", err)
	}
	rooms.Close() // ends open presence now; it reopens when participants rejoin
	liveWrites.Close()
	batch.Close()
	slog.Info("requests finished and reading progress written")
	return nil
}

// repeat runs job now and then every interval until ctx ends, logging what
// it did (a count of things done) or why it failed.
func repeat(ctx context.Context, every time.Duration, what string, job func(context.Context) (int, error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := job(ctx); err != nil && ctx.Err() == nil {
			slog.Warn(what, "err", err)
		} else if n > 0 {
			slog.Info(what, "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
