package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
)

func get(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestMetricsPprofAndJSONLogs runs a server with a metrics token, a debug
// address and JSON logs, and reads what a monitoring system would.
func TestMetricsPprofAndJSONLogs(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	debug := l.Addr().String()
	l.Close()
	const token = "scrape-token-0123456789"
	cmd, base, stderr := startTdkt(t, []string{"TDKT_ADMIN_PASSWORD=quan-tri-123", "TDKT_METRICS_TOKEN=" + token},
		"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--debug-addr", debug, "--log-format", "json")

	if code, _ := get(t, base+"/healthz", ""); code != 200 {
		t.Fatalf("healthz %d", code)
	}
	if code, body := get(t, base+"/metrics", ""); code != 401 || !strings.Contains(body, "Bearer") {
		t.Fatalf("metrics without the token: %d %q", code, body)
	}
	if code, _ := get(t, base+"/metrics", "wrong-token-0123456789"); code != 401 {
		t.Fatalf("metrics with a wrong token: %d", code)
	}
	code, body := get(t, base+"/metrics", token)
	if code != 200 {
		t.Fatalf("metrics with the token: %d", code)
	}
	for _, want := range []string{
		`tdkt_http_requests_total{code="200",method="GET",route="/healthz"} 1`,
		`tdkt_http_request_duration_seconds_bucket{method="GET",route="/healthz",le="+Inf"} 1`,
		`tdkt_http_requests_total{code="401",method="GET",route="/metrics"} 2`,
		"tdkt_live_rooms 0", "tdkt_live_connections 0", "tdkt_live_dropped_total 0", "tdkt_live_audio_dropped_total 0", "tdkt_exam_attempts_open 0",
		`tdkt_batch_commit_seconds_count{batcher="live"}`, `tdkt_batch_writes_count{batcher="exam"}`,
		"go_goroutines",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if code, _ := get(t, base+"/debug/pprof/", ""); code != 404 {
		t.Errorf("pprof on the public address: %d; want 404", code)
	}
	if code, body := get(t, "http://"+debug+"/debug/pprof/", ""); code != 200 || !strings.Contains(body, "goroutine") {
		t.Errorf("pprof on the debug address: %d", code)
	}
	if code, body := get(t, "http://"+debug+"/metrics", ""); code != 200 || !strings.Contains(body, "tdkt_live_connections") {
		t.Errorf("metrics on the debug address: %d", code)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) < 2 {
		t.Fatalf("too few log lines: %q", stderr.String())
	}
	for _, l := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil || rec["msg"] == nil || rec["level"] == nil {
			t.Errorf("log line is not a JSON record: %q", l)
		}
	}
}

func TestServeRefusesAPublicDebugAddress(t *testing.T) {
	code, _, e := runCmd("", "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--debug-addr", "0.0.0.0:6060")
	if code != 2 || !strings.Contains(e, "--debug-addr (env TDKT_DEBUG_ADDR) must be a loopback address") {
		t.Fatalf("public debug address: %d %q", code, e)
	}
}
