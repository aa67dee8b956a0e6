package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium finds Debian's Chromium. Browser tests skip without it, except
// under CI, where a missing browser is a failure.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI is set but Chromium is not installed (apt-get install -y chromium)")
	}
	t.Skip("Chromium not installed; set CI=1 to make this a failure")
	return ""
}

func browser(t *testing.T, flags ...chromedp.ExecAllocatorOption) (context.Context, func()) {
	t.Helper()
	// The profile is removed by hand rather than by t.TempDir: Chromium's
	// helper processes can still be writing its cache for a moment after
	// the browser is closed, and TempDir's cleanup would fail the test on
	// "directory not empty". A profile left behind in the temporary folder
	// is harmless, so one attempt is made and no wait.
	profile, err := os.MkdirTemp("", "tdkt-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := os.RemoveAll(profile); err != nil {
			t.Logf("left the browser profile %s behind: %v", profile, err)
		}
	})
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(360, 740), // a cheap Android phone
	)
	opts = append(opts, flags...)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 150*time.Second) // bounds a hung test; the live drop test alone waits 30 s
	// Headless Chromium keeps windows at least 500 px wide; emulate the phone.
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2))); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx, func() { cancelT(); cancelC(); cancelA() }
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("TDKT_SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	var png []byte
	if err := chromedp.Run(ctx, chromedp.CaptureScreenshot(&png)); err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	_ = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
}

func TestBrowserTraineeReadsAndResumes(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	ctx, cancel := browser(t)
	defer cancel()

	login := func(landing string) {
		t.Helper()
		err := chromedp.Run(ctx,
			chromedp.Navigate(srv.URL+"/login"),
			chromedp.WaitVisible(`#username`, chromedp.ByID),
			chromedp.SendKeys(`#username`, "hocvien", chromedp.ByID),
			chromedp.SendKeys(`#password`, testPassword, chromedp.ByID),
			chromedp.Submit(`#password`, chromedp.ByID),
			chromedp.WaitVisible(landing, chromedp.ByQuery),
		)
		if err != nil {
			t.Fatalf("log in: %v", err)
		}
	}
	login(`.cards`) // nothing read yet: the catalog
	screenshot(t, ctx, "1-catalog")

	// Open the course from the catalog and start the first module.
	var progress string
	err := chromedp.Run(ctx,
		chromedp.Click(`.cards h2 a`, chromedp.ByQuery),
		chromedp.WaitVisible(`#course-progress-text`, chromedp.ByID),
		chromedp.Text(`#course-progress-text`, &progress, chromedp.ByID),
	)
	if err != nil {
		t.Fatalf("open course: %v", err)
	}
	total := len(e.cat.Course("nghiep-vu-thi-dua-khen-thuong").Modules)
	onePct := fmt.Sprint(100 / total)
	if !strings.Contains(progress, fmt.Sprintf("0/%d", total)) {
		t.Fatalf("course progress before reading = %q", progress)
	}
	screenshot(t, ctx, "2-course")
	var before string
	err = chromedp.Run(ctx,
		chromedp.Click(`main p a.btn.primary`, chromedp.ByQuery),
		chromedp.WaitVisible(`#module`, chromedp.ByID),
		chromedp.AttributeValue(`#course-progress`, "value", &before, nil, chromedp.ByID),
	)
	if err != nil {
		t.Fatalf("open module: %v", err)
	}
	if before != "0" {
		t.Fatalf("progress bar before reading = %q", before)
	}
	screenshot(t, ctx, "3-module-top")

	// Before the end the button says what it does.
	var btn string
	if err := chromedp.Run(ctx, chromedp.Text(`#complete-btn`, &btn, chromedp.ByID)); err != nil || btn != "Đánh dấu đã học xong" {
		t.Fatalf("button before the end: %q, %v", btn, err)
	}
	// Read to the end: the page records completion by itself, the bar moves,
	// and the button gives way to a statement and a link onwards.
	var after, state, here, there string
	err = chromedp.Run(ctx,
		chromedp.Location(&here),
		chromedp.Evaluate(`window.scrollTo(0, document.body.scrollHeight)`, nil),
		chromedp.WaitVisible(`#complete-state`, chromedp.ByID),
		chromedp.WaitVisible(`#next-link`, chromedp.ByID),
		chromedp.WaitNotVisible(`#complete-btn`, chromedp.ByID),
		chromedp.AttributeValue(`#course-progress`, "value", &after, nil, chromedp.ByID),
		chromedp.Text(`#complete-state`, &state, chromedp.ByID),
	)
	if err != nil {
		t.Fatalf("read to the end: %v", err)
	}
	if after != onePct || state != "✓ Đã học xong bài này." {
		t.Fatalf("after reading: bar %q, state %q", after, state)
	}
	screenshot(t, ctx, "4-module-end")
	// A tap on the done state stays on the page.
	err = chromedp.Run(ctx,
		chromedp.Click(`#complete-state`, chromedp.ByID),
		chromedp.Location(&there),
	)
	if err != nil || there != here {
		t.Fatalf("tap on the done state: went from %q to %q (%v)", here, there, err)
	}

	// Go on to the second module, then log out.
	var title string
	err = chromedp.Run(ctx,
		chromedp.Click(`a[rel=next]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#module`, chromedp.ByID),
		chromedp.Text(`#module h1`, &title, chromedp.ByQuery),
		chromedp.Click(`form[action="/logout"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#username`, chromedp.ByID),
	)
	if err != nil {
		t.Fatalf("next module and log out: %v", err)
	}
	if !strings.HasPrefix(title, "Bài 2.") {
		t.Fatalf("second module title = %q", title)
	}

	// Logging back in lands on the module being read, with progress kept.
	login(`#module`)
	var url, again, bar string
	err = chromedp.Run(ctx,
		chromedp.Location(&url),
		chromedp.Text(`#module h1`, &again, chromedp.ByQuery),
		chromedp.AttributeValue(`#course-progress`, "value", &bar, nil, chromedp.ByID),
	)
	if err != nil {
		t.Fatalf("after second login: %v", err)
	}
	if !strings.HasSuffix(url, "/modules/danh-hieu-thi-dua") || again != title || bar != onePct {
		t.Fatalf("after second login: url %q, title %q, bar %q", url, again, bar)
	}
	screenshot(t, ctx, "5-resumed")
}
