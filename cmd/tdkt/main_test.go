package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/store"
)

// The test binary doubles as tdkt when TDKT_AS_MAIN is set, so tests can
// start real server processes without building a separate binary.
func TestMain(m *testing.M) {
	if os.Getenv("TDKT_AS_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func runCmd(stdin string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestContentCheck(t *testing.T) {
	code, out, errOut := runCmd("", "content", "check")
	if code != 0 || !regexp.MustCompile(`^ok: \d+ course\(s\), \d+ module\(s\)`).MatchString(out) {
		t.Fatalf("embedded content: %d %q %q", code, out, errOut)
	}
	code, out, _ = runCmd("", "content", "check", "../../content", "--json")
	if code != 0 {
		t.Fatalf("--json exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var first map[string]any
	if len(lines) < 10 || json.Unmarshal([]byte(lines[0]), &first) != nil {
		t.Fatalf("--json output: %q", out)
	}
	for _, k := range []string{"course", "module", "title", "words", "questions", "citations"} {
		if _, ok := first[k]; !ok {
			t.Errorf("--json lacks %q: %v", k, first)
		}
	}
	bad := t.TempDir()
	os.MkdirAll(filepath.Join(bad, "khoa"), 0o755)
	os.WriteFile(filepath.Join(bad, "khoa", "course.md"), []byte("---\ntitle: K\norder: 1\n---\n"), 0o644)
	os.WriteFile(filepath.Join(bad, "khoa", "01-a.md"), []byte("---\norder: 1\nestimated_minutes: 5\n---\n## A\n"), 0o644)
	code, _, errOut = runCmd("", "content", "check", bad)
	if code != 1 || !strings.Contains(errOut, "khoa/01-a.md:1: title is missing") || !strings.Contains(errOut, "khoa/01-a.md:1: objectives are missing") {
		t.Fatalf("broken content: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runCmd("", "content", "check", filepath.Join(bad, "nope")); code != 2 || !strings.Contains(errOut, "is not a folder") {
		t.Fatalf("missing folder: %d %q", code, errOut)
	}
}

func TestUserAndUnitCreate(t *testing.T) {
	data := t.TempDir()
	if code, _, e := runCmd("", "unit", "create", "--data", data, "--code", "24", "--name", "Tỉnh Bắc Ninh", "--kind", "tinh"); code != 0 {
		t.Fatalf("unit create: %s", e)
	}
	code, _, e := runCmd("", "unit", "create", "--data", data, "--code", "X1", "--name", "Xã Một", "--kind", "xa")
	if code != 1 || !strings.Contains(e, "tdkt unit create: --parent: Communes, wards, special zones and provincial agencies must belong to a province or city.") {
		t.Fatalf("commune without parent: %d %q", code, e)
	}
	code, out, e := runCmd("", "user", "create", "--data", data, "--username", "mai", "--name", "Lê Thị Mai", "--role", "trainee", "--unit", "24")
	if code != 0 || !strings.Contains(out, "one-time password: ") {
		t.Fatalf("user create with generated password: %d %q %q", code, out, e)
	}
	code, out, _ = runCmd("mat-khau-tu-stdin\n", "user", "create", "--data", data, "--username", "lan", "--name", "Ngô Lan", "--role", "trainer", "--unit", "24")
	if code != 0 || strings.Contains(out, "one-time password") {
		t.Fatalf("user create with stdin password: %d %q", code, out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--username", "mai", "--name", "Mai Khác", "--unit", "24"}, "--username: This username is already taken."},
		{[]string{"--username", "moi", "--name", "", "--unit", "24"}, "--name: Full name is required."},
		{[]string{"--username", "moi", "--name", "Mới", "--unit", "99"}, `--unit: No unit has code "99".`},
		{[]string{"--username", "moi", "--name", "Mới", "--unit", "24", "--role", "boss"}, "--role: Role must be admin, trainer or trainee."},
	} {
		code, _, e := runCmd("", append([]string{"user", "create", "--data", data}, tc.args...)...)
		if code != 1 || !strings.Contains(e, tc.want) {
			t.Errorf("%v: exit %d, %q; want %q", tc.args, code, e, tc.want)
		}
	}
	db, err := store.Open(context.Background(), filepath.Join(data, "tdkt.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, _ := db.CountUsers(context.Background()); n != 2 {
		t.Fatalf("users = %d, want 2", n)
	}
	if code, _, e := runCmd("", "frobnicate"); code != 2 || !strings.Contains(e, `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: %d %q", code, e)
	}
}

var listenLine = regexp.MustCompile(`listening on (http://\S+)`)

// startTdkt runs this binary as `tdkt args...` and waits for it to listen.
func startTdkt(t *testing.T, env []string, args ...string) (*exec.Cmd, string, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), "TDKT_AS_MAIN=1"), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("tdkt exited before listening: %s", stderr.String())
			}
			if m := listenLine.FindStringSubmatch(l); m != nil {
				go func() {
					for range lines {
					}
				}()
				return cmd, m[1], &stderr
			}
		case <-deadline:
			t.Fatal("tdkt did not start")
		}
	}
}

func TestServeRefusesBadContent(t *testing.T) {
	bad := t.TempDir()
	os.MkdirAll(filepath.Join(bad, "khoa"), 0o755)
	os.WriteFile(filepath.Join(bad, "khoa", "course.md"), []byte("no front matter"), 0o644)
	cmd := exec.Command(os.Args[0], "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--content", bad)
	cmd.Env = append(os.Environ(), "TDKT_AS_MAIN=1")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "khoa/course.md:1: missing front matter") {
		t.Fatalf("serve with bad content: err %v, output %q", err, out)
	}
}

// seedProvince makes a data folder holding province 24 and trainee hv1
// (password mat-khau-hv1), through the commands an operator would run.
func seedProvince(t *testing.T) string {
	t.Helper()
	data := t.TempDir()
	if code, _, e := runCmd("", "unit", "create", "--data", data, "--code", "24", "--name", "Tỉnh Bắc Ninh", "--kind", "tinh"); code != 0 {
		t.Fatal(e)
	}
	if code, _, e := runCmd("mat-khau-hv1\n", "user", "create", "--data", data, "--username", "hv1", "--name", "Học Viên", "--unit", "24"); code != 0 {
		t.Fatal(e)
	}
	return data
}

func TestServeShutsDownGracefully(t *testing.T) {
	data := seedProvince(t)
	cmd, base, stderr := startTdkt(t, []string{"TDKT_ADMIN_PASSWORD=quan-tri-123", "TDKT_PROGRESS_FLUSH=1h"}, "serve", "--addr", "127.0.0.1:0", "--data", data)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(base + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v", err)
	}
	var health map[string]string
	json.NewDecoder(resp.Body).Decode(&health)
	resp.Body.Close()
	if health["status"] != "ok" || health["database"] != "ok" || health["version"] == "" {
		t.Fatalf("healthz body = %v", health)
	}
	resp, err = client.PostForm(base+"/login", url.Values{"username": {"hv1"}, "password": {"mat-khau-hv1"}})
	if err != nil || resp.StatusCode != 303 {
		t.Fatalf("login: %v %v", err, resp)
	}
	ck := resp.Cookies()[0]
	resp.Body.Close()
	req, _ := http.NewRequest("GET", base+"/courses/nghiep-vu-thi-dua-khen-thuong/modules/hinh-thuc-khen-thuong", nil)
	req.AddCookie(ck)
	resp, err = client.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("module: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	// With a one-hour flush interval the visit is still in the tracker's
	// batch: only the shutdown can write it.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v\n%s", err, stderr.String())
	}
	db, err := store.Open(context.Background(), filepath.Join(data, "tdkt.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.UserByUsername(context.Background(), "hv1")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.UserProgress(context.Background(), u.ID)
	if err != nil || len(rows) != 1 || rows[0].ModuleID != "hinh-thuc-khen-thuong" {
		t.Fatalf("progress after shutdown = %v, %v: the pending visit was lost", rows, err)
	}
	// The database held only a trainee: an administrator was created so the
	// platform can be managed, with the password from the environment.
	admin, err := db.UserByUsername(context.Background(), "admin")
	if err != nil || admin.Role != "admin" || !admin.MustChangePassword {
		t.Fatalf("bootstrap admin = %+v, %v", admin, err)
	}
}

func TestLoadtestPagesSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server")
	}
	t.Setenv("TDKT_AS_MAIN", "1") // the server it starts is this binary
	code, out, errOut := runCmd("", "loadtest", "pages", "--users", "3", "--concurrency", "2", "--duration", "1s", "--warmup", "0s")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var sum map[string]any
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("output is not JSON: %q", out)
	}
	for _, k := range []string{"requests", "errors", "requests_per_s", "p50_ms", "p99_ms", "page_bytes_gzip"} {
		if _, ok := sum[k]; !ok {
			t.Errorf("summary lacks %q", k)
		}
	}
	if sum["errors"] != 0.0 || sum["requests"].(float64) < 10 || sum["page_bytes_gzip"].(float64) < 1000 {
		t.Errorf("summary = %v", sum)
	}
	if code, _, e := runCmd("", "loadtest", "pages", "--server", "http://127.0.0.1:1"); code != 2 || !strings.Contains(e, "--login") {
		t.Errorf("--server without --login: %d %q", code, e)
	}
}

func TestLoadtestExamSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server")
	}
	t.Setenv("TDKT_AS_MAIN", "1")
	code, out, errOut := runCmd("", "loadtest", "exam", "--trainees", "20", "--ramp", "200ms", "--login-sample", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var sum map[string]any
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("output is not JSON: %q", out)
	}
	for _, k := range []string{"starts", "errors", "start_p50_ms", "start_p99_ms", "answers_sent", "answers_saved", "logins_per_s"} {
		if _, ok := sum[k]; !ok {
			t.Errorf("summary lacks %q", k)
		}
	}
	if sum["starts"] != 20.0 || sum["errors"] != 0.0 || sum["answers_saved"] != sum["answers_sent"] || sum["answers_sent"].(float64) < 20 || sum["submitted"] != 20.0 {
		t.Errorf("summary = %v", sum)
	}
}

// content check fails, naming file and line, on the three errors an author
// of legal course material must not ship.
func TestContentCheckLegalFixtures(t *testing.T) {
	reg := "- number: \"06/2022/QH15\"\n  kind: \"Luật\"\n  title: \"Luật Thi đua, khen thưởng\"\n  status: in_force\n" +
		"- number: \"152/2025/NĐ-CP\"\n  kind: \"Nghị định\"\n  title: \"Nghị định 152\"\n  status: in_force\n" +
		"- number: \"98/2023/NĐ-CP\"\n  kind: \"Nghị định\"\n  title: \"Nghị định 98\"\n  status: replaced\n  replaced_by: \"152/2025/NĐ-CP\"\n  replaced_on: 2025-07-01\n"
	mod := func(doc string) string {
		return "---\ntitle: \"Bài\"\norder: 1\nestimated_minutes: 5\nobjectives:\n  - \"Hiểu\"\nlegal_documents:\n  - number: \"" + doc + "\"\n    articles: [\"Điều 5\"]\nlast_reviewed: 2026-11-20\n---\n## Nội dung\n\nVăn bản.\n"
	}
	write := func(dir, name, body string) {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"unregistered citation", map[string]string{"k/01-bai.md": mod("45/2099/NĐ-CP")},
			"k/01-bai.md:7: legal document 45/2099/NĐ-CP is not in the register (van-ban.yaml)"},
		{"replaced document cited as current", map[string]string{"k/01-bai.md": mod("98/2023/NĐ-CP")},
			"k/01-bai.md:7: cites 98/2023/NĐ-CP as a legal basis, but it is đã được thay thế bởi 152/2025/NĐ-CP từ 01/07/2025"},
		{"question without a citation", map[string]string{"k/01-bai.md": mod("06/2022/QH15"),
			"k/questions/q.md": "## cau-1\ntype: truefalse\ndifficulty: easy\ntags: a\nanswer: đúng\n\nĐúng?\n\n> Vì.\n"},
			"k/questions/q.md:1: question cau-1 has no citation"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write(dir, "van-ban.yaml", reg)
			write(dir, "k/course.md", "---\ntitle: \"Khóa\"\norder: 1\n---\nGiới thiệu.\n")
			for n, b := range tc.files {
				write(dir, n, b)
			}
			code, _, errOut := runCmd("", "content", "check", dir)
			if code != 1 || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, output:\n%s\nwant %q", code, errOut, tc.want)
			}
		})
	}
}

func TestLoadtestLiveSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server")
	}
	t.Setenv("TDKT_AS_MAIN", "1")
	code, out, errOut := runCmd("", "loadtest", "live", "--participants", "30", "--ramp", "300ms", "--slides", "2", "--audio", "1s")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var sum map[string]any
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("output is not JSON: %q", out)
	}
	for _, k := range []string{"participants", "joined", "join_errors", "join_p99_ms", "broadcast_p50_ms", "broadcast_p99_ms",
		"poll_answers_sent", "poll_answers_persisted", "server_rss_mb"} {
		if _, ok := sum[k]; !ok {
			t.Errorf("summary lacks %q", k)
		}
	}
	if sum["joined"] != 30.0 || sum["join_errors"] != 0.0 || sum["slide_deliveries"] != 60.0 || sum["poll_answers_persisted"] != 30.0 {
		t.Errorf("summary = %v", sum)
	}
	// The voice phase: a stream was sent and relayed, no one was cut off for it.
	au, _ := sum["audio"].(map[string]any)
	if au == nil || au["messages_sent"].(float64) < 1 || au["delivered"].(float64) < 1 || au["delivered"].(float64) > au["expected"].(float64) ||
		au["listeners_disconnected"] != 0.0 || au["mb_per_participant_hour"].(float64) <= 0 {
		t.Errorf("audio phase = %v", au)
	}
	// The stalled client must have been dropped (-1: it was not; 0: not measured).
	if d, _ := sum["stalled_client_dropped_ms"].(float64); d <= 0 {
		t.Errorf("stalled client not dropped: %v", sum["stalled_client_dropped_ms"])
	}
}

// TestCrashLosesNothingAcknowledged kills a real server with SIGKILL twenty
// times while exam answers, poll answers, roll-call marks and presence are
// written; after each restart every acknowledged write must be there and
// the database whole. The kill moments come from a fixed seed.
func TestCrashLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills a server twenty times")
	}
	t.Setenv("TDKT_AS_MAIN", "1")
	code, out, errOut := runCmd("", "loadtest", "crash", "--kills", "20", "--trainees", "8", "--seed", "20261130")
	t.Log(errOut)
	var sum struct {
		Kills, Lost int
		Integrity   int `json:"integrity_failures"`
		Open        int `json:"presence_left_open_after_restart"`
		Exam        int `json:"exam_answers_acknowledged"`
		Poll        int `json:"poll_answers_acknowledged"`
		Marks       int `json:"rollcall_marks_acknowledged"`
		Presence    int `json:"presence_rows"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("exit %d, output is not JSON: %q\n%s", code, out, errOut)
	}
	if code != 0 || sum.Kills != 20 || sum.Lost != 0 || sum.Integrity != 0 || sum.Open != 0 {
		t.Fatalf("exit %d: %+v\n%s", code, sum, errOut)
	}
	// The kills must have landed on a flowing load, or the test proves nothing.
	if sum.Exam == 0 || sum.Poll == 0 || sum.Marks == 0 || sum.Presence == 0 {
		t.Fatalf("nothing flowed: %+v", sum)
	}
}
