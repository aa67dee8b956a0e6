// Package config holds the settings of a tdkt server: one struct, one table
// of defaults, environment variables over defaults, flags over both.
package config

import (
	"flag"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	// The zone database is embedded in the binary (about 450 KB) so that a
	// bare container without /usr/share/zoneinfo still knows Vietnam time;
	// without it time.LoadLocation("Asia/Ho_Chi_Minh") fails there and the
	// server could not start.
	_ "time/tzdata"
)

// Config is every setting of the server.
type Config struct {
	Addr    string // listen address
	DataDir string // holds tdkt.db (SQLite) and the recordings
	// Database, when set, is a postgres:// URL: the data lives in that
	// PostgreSQL instead of tdkt.db, so several nodes can share it.
	Database string
	// Nats, when set, is the nats:// URL of the NATS server through which
	// several nodes share live rooms and tell each other what changed.
	Nats string
	// Node names this process among the nodes (logs, room leases); empty:
	// the host name and process id.
	Node           string
	ContentDir     string        // empty: the content embedded in the binary
	Demo           bool          // seed a demo province and print its logins
	SecureCookies  bool          // Secure cookies on plain HTTP, for a TLS proxy in front
	AdminPassword  string        // first administrator's password; random when empty
	SessionTTL     time.Duration // how long an unused session lives
	ProgressFlush  time.Duration // how often batched reading progress is written
	BaseURL        string        // public address, for links printed on certificates; empty: from each request
	CertIssuer     string        // council printed on certificates
	CertSigner     string        // signer's name
	CertSignerRole string        // signer's title
	CertPlace      string        // place in the certificate's date line
	Timezone       string        // IANA zone the platform shows and reads times in
	// TrustedProxies are the reverse proxies (IPs or CIDR ranges) whose
	// X-Forwarded-For is believed; none by default, so a client cannot
	// forge its address to slip past the login throttle.
	TrustedProxies string
	// BackupDir, when set, receives a checked copy of the database every
	// BackupEvery, the newest BackupKeep of them kept.
	BackupDir   string
	BackupEvery time.Duration
	BackupKeep  int
	// MetricsToken lets a Prometheus scraper read /metrics on the main
	// address (Bearer token); empty keeps /metrics off there.
	MetricsToken string
	// DebugAddr, when set, serves /metrics and /debug/pprof/ on a separate
	// address, which must be a loopback one.
	DebugAddr string
	LogFormat string // text or json
	// MaxInFlight bounds the heavy requests (exam work, logins, page views)
	// that run at once; the rest queue by priority or go to the waiting
	// room. 0 picks 32 per CPU (admitted requests spend most of their
	// time waiting for the group commit, which needs company to batch);
	// -1 turns admission control off.
	MaxInFlight int
}

// Defaults returns the settings used when nothing is given.
func Defaults() Config {
	return Config{Addr: ":8080", DataDir: "./data", SessionTTL: 14 * 24 * time.Hour, ProgressFlush: 250 * time.Millisecond,
		CertIssuer: "Hội đồng Thi đua – Khen thưởng", CertSignerRole: "Chủ tịch", Timezone: "Asia/Ho_Chi_Minh",
		BackupEvery: 24 * time.Hour, BackupKeep: 14, LogFormat: "text"}
}

// Location loads c.Timezone. The platform's users live in Vietnam whatever
// zone the server machine is set to, so times are never shown or read in
// time.Local but in this location.
func (c Config) Location() (*time.Location, error) {
	// LoadLocation reads "" as UTC and "Local" as the machine's zone; both
	// would quietly undo the point of the setting, so they are refused too.
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil || c.Timezone == "" || c.Timezone == "Local" {
		return nil, fmt.Errorf("config: --timezone (env TDKT_TIMEZONE) must be an IANA zone like Asia/Ho_Chi_Minh, got %q", c.Timezone)
	}
	return loc, nil
}

// FromEnv overrides c with the TDKT_* environment variables that are set.
func (c *Config) FromEnv(getenv func(string) string) error {
	if v := getenv("TDKT_ADDR"); v != "" {
		c.Addr = v
	}
	if v := getenv("TDKT_DATA"); v != "" {
		c.DataDir = v
	}
	for env, dst := range map[string]*string{"TDKT_DATABASE": &c.Database, "TDKT_NATS": &c.Nats, "TDKT_NODE": &c.Node} {
		if v := getenv(env); v != "" {
			*dst = v
		}
	}
	if v := getenv("TDKT_CONTENT"); v != "" {
		c.ContentDir = v
	}
	if v := getenv("TDKT_ADMIN_PASSWORD"); v != "" {
		c.AdminPassword = v
	}
	if v := getenv("TDKT_SECURE_COOKIES"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("config: TDKT_SECURE_COOKIES must be true or false, got %q", v)
		}
		c.SecureCookies = b
	}
	if v := getenv("TDKT_SESSION_TTL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute {
			return fmt.Errorf("config: TDKT_SESSION_TTL must be a duration of at least 1m, like 336h, got %q", v)
		}
		c.SessionTTL = d
	}
	for env, dst := range map[string]*string{"TDKT_BASE_URL": &c.BaseURL, "TDKT_CERT_ISSUER": &c.CertIssuer,
		"TDKT_CERT_SIGNER": &c.CertSigner, "TDKT_CERT_SIGNER_TITLE": &c.CertSignerRole, "TDKT_CERT_PLACE": &c.CertPlace} {
		if v := getenv(env); v != "" {
			*dst = v
		}
	}
	if c.BaseURL != "" && !strings.HasPrefix(c.BaseURL, "http://") && !strings.HasPrefix(c.BaseURL, "https://") {
		return fmt.Errorf("config: TDKT_BASE_URL must start with http:// or https://, got %q", c.BaseURL)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if v := getenv("TDKT_PROGRESS_FLUSH"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("config: TDKT_PROGRESS_FLUSH must be a positive duration, like 250ms, got %q", v)
		}
		c.ProgressFlush = d
	}
	if v := getenv("TDKT_TIMEZONE"); v != "" {
		if _, err := time.LoadLocation(v); err != nil || v == "Local" {
			return fmt.Errorf("config: TDKT_TIMEZONE must be an IANA zone like Asia/Ho_Chi_Minh, got %q", v)
		}
		c.Timezone = v
	}
	if v := getenv("TDKT_TRUSTED_PROXIES"); v != "" {
		c.TrustedProxies = v
	}
	if _, err := c.Proxies(); err != nil {
		return err
	}
	if v := getenv("TDKT_BACKUP_DIR"); v != "" {
		c.BackupDir = v
	}
	if v := getenv("TDKT_BACKUP_EVERY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("config: TDKT_BACKUP_EVERY must be a duration like 24h or 6h, got %q", v)
		}
		c.BackupEvery = d
	}
	if v := getenv("TDKT_BACKUP_KEEP"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("config: TDKT_BACKUP_KEEP must be a whole number, got %q", v)
		}
		c.BackupKeep = n
	}
	if v := getenv("TDKT_MAX_INFLIGHT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("config: TDKT_MAX_INFLIGHT must be a whole number (0: 32 per CPU, -1: off), got %q", v)
		}
		c.MaxInFlight = n
	}
	for env, dst := range map[string]*string{"TDKT_METRICS_TOKEN": &c.MetricsToken, "TDKT_DEBUG_ADDR": &c.DebugAddr, "TDKT_LOG_FORMAT": &c.LogFormat} {
		if v := getenv(env); v != "" {
			*dst = v
		}
	}
	if err := c.CheckOps(); err != nil {
		return err
	}
	if err := c.CheckCluster(); err != nil {
		return err
	}
	return c.CheckBackup()
}

// CheckCluster checks the settings for several nodes: a PostgreSQL URL,
// a NATS URL, and NATS only with a shared database (nodes that each kept
// their own SQLite file would each see a different platform).
func (c Config) CheckCluster() error {
	if c.Database != "" && !strings.HasPrefix(c.Database, "postgres://") && !strings.HasPrefix(c.Database, "postgresql://") {
		return fmt.Errorf("config: --database (env TDKT_DATABASE) must be a postgres:// URL, like postgres://tdkt:secret@db:5432/tdkt; leave it empty for SQLite in the data folder")
	}
	if c.Nats != "" && !strings.HasPrefix(c.Nats, "nats://") && !strings.HasPrefix(c.Nats, "tls://") {
		return fmt.Errorf("config: --nats (env TDKT_NATS) must be a nats:// or tls:// URL, like nats://nats:4222, got %q", c.Nats)
	}
	if c.Nats != "" && c.Database == "" {
		return fmt.Errorf("config: --nats (env TDKT_NATS) joins this node to others, which must share one database: set --database (env TDKT_DATABASE) to a postgres:// URL")
	}
	if c.Database != "" && c.BackupDir != "" {
		return fmt.Errorf("config: --backup-dir (env TDKT_BACKUP_DIR) copies the SQLite file; with --database on PostgreSQL, back up with pg_dump or the server's own tools")
	}
	for _, r := range c.Node {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return fmt.Errorf("config: --node (env TDKT_NODE) takes letters, digits, '-', '_' and '.', got %q", c.Node)
		}
	}
	return nil
}

// CheckOps refuses a debug address reachable from other machines (pprof
// shows the program's insides), a guessable metrics token and an unknown
// log format.
func (c Config) CheckOps() error {
	if c.DebugAddr != "" {
		host, _, err := net.SplitHostPort(c.DebugAddr)
		ip := net.ParseIP(host)
		if err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
			return fmt.Errorf("config: --debug-addr (env TDKT_DEBUG_ADDR) must be a loopback address like 127.0.0.1:6060, got %q", c.DebugAddr)
		}
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		return fmt.Errorf("config: --metrics-token (env TDKT_METRICS_TOKEN) must be at least 16 characters")
	}
	if c.MaxInFlight < -1 {
		return fmt.Errorf("config: --max-inflight (env TDKT_MAX_INFLIGHT) must be -1 (off), 0 (32 per CPU) or a positive number, got %d", c.MaxInFlight)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("config: --log-format (env TDKT_LOG_FORMAT) must be text or json, got %q", c.LogFormat)
	}
	return nil
}

// CheckBackup refuses backup settings that would fill the disk or keep
// nothing.
func (c Config) CheckBackup() error {
	if c.BackupDir == "" {
		return nil
	}
	if c.BackupEvery < 10*time.Minute {
		return fmt.Errorf("config: --backup-every (env TDKT_BACKUP_EVERY) must be at least 10m, got %s", c.BackupEvery)
	}
	if c.BackupKeep < 1 {
		return fmt.Errorf("config: --backup-keep (env TDKT_BACKUP_KEEP) must be at least 1, got %d", c.BackupKeep)
	}
	return nil
}

// Proxies reads TrustedProxies: addresses or CIDR ranges separated by
// commas or spaces.
func (c Config) Proxies() ([]string, error) {
	var out []string
	for _, p := range strings.FieldsFunc(c.TrustedProxies, func(r rune) bool { return r == ',' || r == ' ' }) {
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			return nil, fmt.Errorf("config: --trusted-proxies (env TDKT_TRUSTED_PROXIES) takes IP addresses or CIDR ranges, got %q", p)
		}
		out = append(out, p)
	}
	return out, nil
}

// ServeFlags registers the server flags on fs, with c's values as defaults.
func (c *Config) ServeFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (env TDKT_ADDR)")
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data folder holding tdkt.db, created if missing (env TDKT_DATA)")
	fs.StringVar(&c.Database, "database", c.Database, "postgres:// URL of a PostgreSQL database to use instead of tdkt.db in the data folder (env TDKT_DATABASE)")
	fs.StringVar(&c.Nats, "nats", c.Nats, "nats:// URL of the NATS server that joins this node to others sharing --database (env TDKT_NATS)")
	fs.StringVar(&c.Node, "node", c.Node, "name of this node among several, shown by /healthz and in logs, a random suffix added at each start; default: the host name (env TDKT_NODE)")
	fs.StringVar(&c.ContentDir, "content", c.ContentDir, "course folder to read instead of the embedded content (env TDKT_CONTENT)")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "seed a demo province with a trainer and trainees and print their logins")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", c.SecureCookies, "mark cookies Secure even on plain HTTP, behind a TLS proxy (env TDKT_SECURE_COOKIES)")
	fs.DurationVar(&c.SessionTTL, "session-ttl", c.SessionTTL, "how long an unused login session lasts (env TDKT_SESSION_TTL)")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "public address printed in certificate QR codes, like https://tdkt.example.gov.vn (env TDKT_BASE_URL)")
	fs.StringVar(&c.Timezone, "timezone", c.Timezone, "zone dates and times are shown and read in (env TDKT_TIMEZONE)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", c.TrustedProxies, "reverse proxies whose X-Forwarded-For is believed, IPs or CIDRs separated by commas; none by default (env TDKT_TRUSTED_PROXIES)")
	fs.StringVar(&c.BackupDir, "backup-dir", c.BackupDir, "folder that receives a checked copy of the database on a schedule; off when empty (env TDKT_BACKUP_DIR)")
	fs.DurationVar(&c.BackupEvery, "backup-every", c.BackupEvery, "time between scheduled backups (env TDKT_BACKUP_EVERY)")
	fs.StringVar(&c.MetricsToken, "metrics-token", c.MetricsToken, "bearer token a Prometheus scraper sends to read /metrics on the main address; off when empty (env TDKT_METRICS_TOKEN)")
	fs.StringVar(&c.DebugAddr, "debug-addr", c.DebugAddr, "loopback address serving /metrics and /debug/pprof/, like 127.0.0.1:6060; off when empty (env TDKT_DEBUG_ADDR)")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "log lines as text or json (env TDKT_LOG_FORMAT)")
	fs.IntVar(&c.MaxInFlight, "max-inflight", c.MaxInFlight, "heavy requests run at once, the rest queue or wait in the waiting room; 0: 32 per CPU, -1: off (env TDKT_MAX_INFLIGHT)")
	fs.IntVar(&c.BackupKeep, "backup-keep", c.BackupKeep, "how many scheduled backups to keep (env TDKT_BACKUP_KEEP)")
}
