package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/tdkt/tdkt/internal/loadtest"
)

type loginList []loadtest.Login

func (l *loginList) String() string { return fmt.Sprint(len(*l), " logins") }

func (l *loginList) Set(v string) error {
	user, pw, ok := strings.Cut(v, ":")
	if !ok || user == "" || pw == "" {
		return fmt.Errorf("want user:password, got %q", v)
	}
	*l = append(*l, loadtest.Login{Username: user, Password: pw})
	return nil
}

// loadtestPages requests module pages as logged-in trainees and prints a JSON summary.
func loadtestPages(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("loadtest pages", flag.ContinueOnError)
	fset.SetOutput(stderr)
	var cfg loadtest.PagesConfig
	var logins loginList
	fset.StringVar(&cfg.Server, "server", "", "base URL of a running server; without it a server is started on a temporary database")
	fset.StringVar(&cfg.Exe, "exe", "", "tdkt binary started as the server when --server is not given (default: this one), so one load measures two builds side by side")
	fset.Var(&logins, "login", "user:password of an account to use with --server (repeat for more)")
	fset.IntVar(&cfg.Users, "users", 200, "trainee accounts to seed for the server started here")
	fset.IntVar(&cfg.Concurrency, "concurrency", 64, "requests in flight at once")
	fset.DurationVar(&cfg.Duration, "duration", 10*time.Second, "how long to measure")
	fset.DurationVar(&cfg.Warmup, "warmup", 2*time.Second, "load before measuring, not counted")
	fset.IntVar(&cfg.Requests, "requests", 0, "stop after this many requests (0: run for --duration)")
	fset.StringVar(&cfg.Database, "database", "", "postgres:// URL of an administrative database: the server started here keeps its data in a new PostgreSQL database (dropped after) instead of SQLite")
	findCap := fset.Bool("find-capacity", false, "offer page views at a rising rate (open loop, --rate x--growth each --step) until p99 passes --target or errors appear; report the sustainable requests per second")
	rate := fset.Float64("rate", 1000, "with --find-capacity: requests per second of the first step")
	growth := fset.Float64("growth", 1.25, "with --find-capacity: each step's rate is the last one's times this")
	step := fset.Duration("step", 5*time.Second, "with --find-capacity: how long each step lasts")
	target := fset.Duration("target", 300*time.Millisecond, "with --find-capacity: the p99 a step must stay under")
	if err := fset.Parse(args); err != nil {
		return 2
	}
	if *findCap {
		if cfg.Server != "" {
			fmt.Fprintln(stderr, "tdkt loadtest pages: --find-capacity starts its own server; leave out --server")
			return 2
		}
		cfg.Log = stderr
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		rep, err := loadtest.PagesCapacity(ctx, cfg, *rate, *growth, *step, *target)
		if err != nil {
			fmt.Fprintln(stderr, "tdkt loadtest pages:", err)
			return 1
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
		return 0
	}
	if cfg.Server != "" && len(logins) == 0 {
		fmt.Fprintln(stderr, "tdkt loadtest pages: --server needs at least one --login user:password")
		return 2
	}
	if cfg.Server == "" && len(logins) > 0 {
		fmt.Fprintln(stderr, "tdkt loadtest pages: --login goes with --server")
		return 2
	}
	cfg.Logins = logins
	cfg.Log = stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	sum, err := loadtest.Pages(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "tdkt loadtest pages:", err)
		return 1
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(sum)
	return 0
}

// loadtestExam runs the exam-start storm and prints a JSON summary.
func loadtestExam(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("loadtest exam", flag.ContinueOnError)
	fset.SetOutput(stderr)
	var cfg loadtest.ExamConfig
	var logins loginList
	fset.StringVar(&cfg.Server, "server", "", "base URL of a running server; without it a server is started on a temporary database")
	fset.StringVar(&cfg.Exe, "exe", "", "tdkt binary started as the server when --server is not given (default: this one), so one load measures two builds side by side")
	fset.Var(&logins, "login", "user:password of a trainee to use with --server (repeat for more)")
	fset.IntVar(&cfg.Trainees, "trainees", 5000, "trainees to seed (each with a session) for the server started here")
	fset.DurationVar(&cfg.Ramp, "ramp", 10*time.Second, "the exam starts are spread evenly over this time")
	fset.StringVar(&cfg.Course, "course", "", "course id (default: the first course with an exam)")
	fset.IntVar(&cfg.LoginSample, "login-sample", 50, "password logins to time for logins_per_s")
	fset.BoolVar(&cfg.Submit, "submit", true, "submit each attempt after answering")
	fset.DurationVar(&cfg.Think, "think", 0, "pause between one trainee's answers (0: all answers back to back, the worst case)")
	fset.StringVar(&cfg.Database, "database", "", "postgres:// URL of an administrative database: the server started here keeps its data in a new PostgreSQL database (dropped after) instead of SQLite")
	fset.BoolVar(&cfg.FindCapacity, "find-capacity", false, "raise the start rate step by step until p99 passes --target (or the waiting room or errors show), and report the sustainable starts and answers per second")
	fset.Float64Var(&cfg.Rate, "rate", 20, "with --find-capacity: starts per second of the first step")
	fset.Float64Var(&cfg.Growth, "growth", 1.25, "with --find-capacity: each step's rate is the last one's times this")
	fset.DurationVar(&cfg.Step, "step", 5*time.Second, "with --find-capacity: how long each step starts trainees")
	fset.DurationVar(&cfg.Target, "target", 300*time.Millisecond, "with --find-capacity: the p99 a step must stay under")
	if err := fset.Parse(args); err != nil {
		return 2
	}
	trainees := false
	fset.Visit(func(f *flag.Flag) { trainees = trainees || f.Name == "trainees" })
	if cfg.FindCapacity && !trainees {
		cfg.Trainees = 40000 // enough for the steps up to a few hundred starts a second
	}
	if cfg.FindCapacity && (cfg.Rate <= 0 || cfg.Growth <= 1 || cfg.Step <= 0 || cfg.Target <= 0) {
		fmt.Fprintln(stderr, "tdkt loadtest exam: --rate, --step and --target must be positive and --growth above 1")
		return 2
	}
	if cfg.Server != "" && len(logins) == 0 {
		fmt.Fprintln(stderr, "tdkt loadtest exam: --server needs at least one --login user:password")
		return 2
	}
	if cfg.Server == "" && len(logins) > 0 {
		fmt.Fprintln(stderr, "tdkt loadtest exam: --login goes with --server")
		return 2
	}
	if cfg.Ramp < 0 {
		fmt.Fprintln(stderr, "tdkt loadtest exam: --ramp must not be negative")
		return 2
	}
	cfg.Logins = logins
	cfg.Log = stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	sum, err := loadtest.Exam(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "tdkt loadtest exam:", err)
		return 1
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(sum)
	return 0
}

// loadtestLive runs participants over real websockets and prints a JSON summary.
func loadtestLive(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("loadtest live", flag.ContinueOnError)
	fset.SetOutput(stderr)
	var cfg loadtest.LiveConfig
	var cookiesFile string
	fset.StringVar(&cfg.Server, "server", "", "base URL of a running server; without it a server is started on a temporary database")
	fset.StringVar(&cfg.Exe, "exe", "", "tdkt binary started as the server when --server is not given (default: this one), so one load measures two builds side by side")
	fset.IntVar(&cfg.Participants, "participants", 10000, "participants to seed and connect")
	fset.DurationVar(&cfg.Ramp, "ramp", 10*time.Second, "the joins are spread evenly over this time")
	fset.IntVar(&cfg.Slides, "slides", 5, "slide changes, one a second, after everyone has joined")
	fset.DurationVar(&cfg.Audio, "audio", 0, "after the slides, the trainer speaks this long (e.g. 60s): a synthetic Opus stream relayed to everyone, a slide a second meanwhile; reports the audio delay, skipped messages, MB per participant-hour, slide p99 and server CPU")
	fset.IntVar(&cfg.AudioKbps, "audio-kbps", 24, "with --audio: the stream's bitrate (8 to 32 kbit/s)")
	fset.Int64Var(&cfg.Session, "session", 0, "with --server: the live session id")
	fset.StringVar(&cfg.Trainer, "trainer-cookie", "", "with --server: the trainer's tdkt_session cookie value")
	fset.StringVar(&cookiesFile, "cookies-file", "", "with --server: a file of participants' tdkt_session cookie values, one a line")
	conference := fset.Duration("conference", 0, "play a conference this long (e.g. 10m) with --participants (default 200 here) and report the bytes one participant's connection carries per hour: a slide a minute, a poll every 10 minutes, a roll call every 15, a chat line every 10 s, a question every 2 minutes, the trainer's voice throughout")
	lean := fset.Bool("lean", false, "with --conference: participants join text-only (?lean=1), as phones on 3G do")
	findCap := fset.Bool("find-capacity", false, "grow one room step by step (--first, x--growth, up to --max), three slides a step, until slide p99 passes --target; report the largest room that kept under it")
	first := fset.Int("first", 1000, "with --find-capacity: participants of the first step")
	maxN := fset.Int("max", 19000, "with --find-capacity: the largest room tried (one open file per connection on each side)")
	growth := fset.Float64("growth", 1.25, "with --find-capacity: each step's room is the last one's times this")
	target := fset.Duration("target", 300*time.Millisecond, "with --find-capacity: the slide p99 a step must stay under")
	nodes := fset.Int("nodes", 0, "run the session over this many tdkt nodes (2 or more) sharing a new PostgreSQL database (--database) and NATS (--nats, or a nats-server started here); each node after the first gets its share of participants from a follower process")
	database := fset.String("database", "", "with --nodes: postgres:// URL of an administrative database, where a new database is made for the run")
	natsURL := fset.String("nats", "", "with --nodes: nats:// URL of a NATS server; default: start nats-server for the run")
	fset.BoolVar(&cfg.Follow, "follow", false, "with --server: join the participants without a trainer and time the slides and poll another generator's trainer sends (used by --nodes)")
	fset.StringVar(&cfg.LatencyFile, "latency-file", "", "with --follow: write each slide latency in ms to this file, one a line")
	if err := fset.Parse(args); err != nil {
		return 2
	}
	if *nodes > 0 {
		if cfg.Server != "" || *nodes < 2 || !strings.HasPrefix(*database, "postgres") {
			fmt.Fprintln(stderr, "tdkt loadtest live: --nodes needs 2 or more, --database postgres://… and no --server")
			return 2
		}
		cfg.Log = stderr
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		rep, err := loadtest.LiveNodes(ctx, loadtest.NodesConfig{Live: cfg, Nodes: *nodes, Database: *database, Nats: *natsURL})
		if err != nil {
			fmt.Fprintln(stderr, "tdkt loadtest live:", err)
			return 1
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
		return 0
	}
	if *conference > 0 {
		n := cfg.Participants
		if !participantsSet(fset) {
			n = 200
		}
		if n <= 0 || cfg.Server != "" {
			fmt.Fprintln(stderr, "tdkt loadtest live: --conference starts its own server (leave out --server) and needs --participants above 0")
			return 2
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		rep, err := loadtest.Conference(ctx, loadtest.ConferenceConfig{Exe: cfg.Exe, Participants: n, Lean: *lean, Duration: *conference, Log: stderr})
		if err != nil {
			fmt.Fprintln(stderr, "tdkt loadtest live:", err)
			return 1
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
		return 0
	}
	if *findCap {
		if cfg.Server != "" {
			fmt.Fprintln(stderr, "tdkt loadtest live: --find-capacity starts its own server; leave out --server")
			return 2
		}
		cfg.Log = stderr
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		rep, err := loadtest.LiveCapacity(ctx, cfg, *first, *maxN, *growth, *target)
		if err != nil {
			fmt.Fprintln(stderr, "tdkt loadtest live:", err)
			return 1
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
		return 0
	}
	if cfg.Server != "" {
		b, err := os.ReadFile(cookiesFile)
		if err != nil || cfg.Session == 0 || (cfg.Trainer == "" && !cfg.Follow) {
			fmt.Fprintln(stderr, "tdkt loadtest live: --server needs --session, --trainer-cookie (not with --follow) and a readable --cookies-file")
			return 2
		}
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				cfg.Sessions = append(cfg.Sessions, l)
			}
		}
	}
	if cfg.Participants <= 0 || cfg.Slides < 0 || cfg.Ramp < 0 {
		fmt.Fprintln(stderr, "tdkt loadtest live: --participants must be positive, --slides and --ramp not negative")
		return 2
	}
	if cfg.Audio < 0 || cfg.Audio > 0 && (cfg.AudioKbps < 8 || cfg.AudioKbps > 32) {
		fmt.Fprintln(stderr, "tdkt loadtest live: --audio must not be negative and --audio-kbps must be 8 to 32")
		return 2
	}
	cfg.Log = stderr
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	sum, err := loadtest.Live(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "tdkt loadtest live:", err)
		return 1
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(sum)
	return 0
}

// loadtestCrash kills a server under write load again and again and checks
// that nothing acknowledged was lost.
func loadtestCrash(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("loadtest crash", flag.ContinueOnError)
	fset.SetOutput(stderr)
	var cfg loadtest.CrashConfig
	fset.IntVar(&cfg.Kills, "kills", 20, "how many times to kill the server with SIGKILL")
	fset.IntVar(&cfg.Trainees, "trainees", 40, "officers answering the exam, the poll and the roll call meanwhile")
	fset.Uint64Var(&cfg.Seed, "seed", uint64(time.Now().UnixNano()), "chooses the kill moments (print it to repeat a run)")
	fset.StringVar(&cfg.Database, "database", "", "postgres:// URL of an administrative database: the server keeps its data in a new PostgreSQL database (dropped after) instead of SQLite")
	if err := fset.Parse(args); err != nil {
		return 2
	}
	if cfg.Kills <= 0 || cfg.Trainees <= 0 {
		fmt.Fprintln(stderr, "tdkt loadtest crash: --kills and --trainees must be positive")
		return 2
	}
	cfg.Log = stderr
	fmt.Fprintf(stderr, "seed %d\n", cfg.Seed)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	sum, err := loadtest.Crash(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "tdkt loadtest crash:", err)
		return 1
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(sum)
	if sum.Lost > 0 || sum.IntegrityBad > 0 || sum.OpenPresence > 0 {
		fmt.Fprintf(stderr, "tdkt loadtest crash: %d acknowledged writes lost, %d integrity failures, %d presence rows left open\n", sum.Lost, sum.IntegrityBad, sum.OpenPresence)
		return 1
	}
	return 0
}

// participantsSet reports whether --participants was given.
func participantsSet(fset *flag.FlagSet) bool {
	set := false
	fset.Visit(func(f *flag.Flag) { set = set || f.Name == "participants" })
	return set
}
