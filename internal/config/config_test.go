package config

import (
	"flag"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
	"time"
)

// env returns a getenv that knows only vars.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// offset is loc's offset from UTC, in seconds, at a fixed winter instant.
func offset(loc *time.Location) int {
	_, off := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC).In(loc).Zone()
	return off
}

func TestTimezoneDefault(t *testing.T) {
	c := Defaults()
	if err := c.FromEnv(env(nil)); err != nil {
		t.Fatal(err)
	}
	loc, err := c.Location()
	if err != nil {
		t.Fatal(err)
	}
	if loc.String() != "Asia/Ho_Chi_Minh" || offset(loc) != 7*3600 {
		t.Errorf("default location = %s at %+ds, want Asia/Ho_Chi_Minh at +25200s", loc, offset(loc))
	}
}

func TestTimezoneFromEnv(t *testing.T) {
	c := Defaults()
	if err := c.FromEnv(env(map[string]string{"TDKT_TIMEZONE": "Asia/Tokyo"})); err != nil {
		t.Fatal(err)
	}
	loc, err := c.Location()
	if err != nil {
		t.Fatal(err)
	}
	if loc.String() != "Asia/Tokyo" || offset(loc) != 9*3600 {
		t.Errorf("location = %s at %+ds, want Asia/Tokyo at +32400s", loc, offset(loc))
	}
}

func TestTimezoneBadEnv(t *testing.T) {
	for _, v := range []string{"Vietnam/Hanoi", "UTC+7", "../etc/passwd", "Local"} {
		c := Defaults()
		err := c.FromEnv(env(map[string]string{"TDKT_TIMEZONE": v}))
		want := "config: TDKT_TIMEZONE must be an IANA zone like Asia/Ho_Chi_Minh, got " + strconv.Quote(v)
		if err == nil || err.Error() != want {
			t.Errorf("TDKT_TIMEZONE=%q: err = %v, want %q", v, err, want)
		}
		if c.Timezone != "Asia/Ho_Chi_Minh" {
			t.Errorf("TDKT_TIMEZONE=%q: Timezone = %q, want the default kept", v, c.Timezone)
		}
	}
}

func TestTimezoneFlag(t *testing.T) {
	c := Defaults()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.ServeFlags(fs)
	if err := fs.Parse([]string{"--timezone", "UTC"}); err != nil {
		t.Fatal(err)
	}
	loc, err := c.Location()
	if err != nil || offset(loc) != 0 {
		t.Fatalf("--timezone UTC: location %v, err %v", loc, err)
	}
	for _, v := range []string{"Nowhere/Atall", "", "Local"} {
		c.Timezone = v
		if _, err := c.Location(); err == nil || !strings.Contains(err.Error(), "--timezone") {
			t.Errorf("Timezone %q: err = %v, want one naming --timezone", v, err)
		}
	}
}

// TestTimezoneWithoutSystemZoneData points ZONEINFO at an empty folder, as in
// a bare container. The time package reads ZONEINFO only once per process and
// still falls back to /usr/share/zoneinfo when the machine has it, so this can
// only fail where the system data is really missing; TestTzdataEmbedded
// guards the import that makes it pass there.
func TestTimezoneWithoutSystemZoneData(t *testing.T) {
	t.Setenv("ZONEINFO", t.TempDir())
	loc, err := Defaults().Location()
	if err != nil {
		t.Fatal(err)
	}
	if offset(loc) != 7*3600 {
		t.Errorf("offset = %+ds, want +25200s", offset(loc))
	}
}

// TestTzdataEmbedded checks config.go still imports time/tzdata, the zone
// data the binary carries for machines without their own.
func TestTzdataEmbedded(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "config.go", nil, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range f.Imports {
		if imp.Path.Value == `"time/tzdata"` {
			return
		}
	}
	t.Error(`config.go no longer imports _ "time/tzdata": a server without /usr/share/zoneinfo could not load its timezone`)
}

func TestBackupSettings(t *testing.T) {
	c := Defaults()
	if err := c.FromEnv(env(map[string]string{"TDKT_BACKUP_DIR": "/backup", "TDKT_BACKUP_EVERY": "6h", "TDKT_BACKUP_KEEP": "28"})); err != nil {
		t.Fatal(err)
	}
	if c.BackupDir != "/backup" || c.BackupEvery != 6*time.Hour || c.BackupKeep != 28 {
		t.Fatalf("backup settings = %q %s %d", c.BackupDir, c.BackupEvery, c.BackupKeep)
	}
	for _, tc := range []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{"TDKT_BACKUP_DIR": "/b", "TDKT_BACKUP_EVERY": "daily"}, "TDKT_BACKUP_EVERY must be a duration"},
		{map[string]string{"TDKT_BACKUP_DIR": "/b", "TDKT_BACKUP_EVERY": "1m"}, "--backup-every (env TDKT_BACKUP_EVERY) must be at least 10m"},
		{map[string]string{"TDKT_BACKUP_DIR": "/b", "TDKT_BACKUP_KEEP": "0"}, "--backup-keep (env TDKT_BACKUP_KEEP) must be at least 1"},
		{map[string]string{"TDKT_BACKUP_KEEP": "many"}, "TDKT_BACKUP_KEEP must be a whole number"},
	} {
		c := Defaults()
		if err := c.FromEnv(env(tc.vars)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want %q", tc.vars, err, tc.want)
		}
	}
}

func TestOpsSettings(t *testing.T) {
	for _, tc := range []struct {
		vars map[string]string
		want string // "" means accepted
	}{
		{map[string]string{"TDKT_DEBUG_ADDR": "127.0.0.1:6060", "TDKT_LOG_FORMAT": "json", "TDKT_METRICS_TOKEN": "0123456789abcdef"}, ""},
		{map[string]string{"TDKT_DEBUG_ADDR": "[::1]:6060"}, ""},
		{map[string]string{"TDKT_DEBUG_ADDR": "localhost:6060"}, ""},
		{map[string]string{"TDKT_DEBUG_ADDR": ":6060"}, "--debug-addr (env TDKT_DEBUG_ADDR) must be a loopback address"},
		{map[string]string{"TDKT_DEBUG_ADDR": "0.0.0.0:6060"}, "must be a loopback address"},
		{map[string]string{"TDKT_DEBUG_ADDR": "10.0.0.5:6060"}, "must be a loopback address"},
		{map[string]string{"TDKT_METRICS_TOKEN": "short"}, "at least 16 characters"},
		{map[string]string{"TDKT_LOG_FORMAT": "xml"}, "must be text or json"},
	} {
		c := Defaults()
		err := c.FromEnv(env(tc.vars))
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%v: err = %v, want %q", tc.vars, err, tc.want)
		}
	}
}
