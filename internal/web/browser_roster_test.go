package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// A trainer, in a browser: loads a roster from a CSV file, fixes nothing
// but imports the valid lines, prints the slips, enrols the commune with a
// due date and reads the dashboard; a new officer logs in with the slip,
// sets a password and completes a module; the dashboard moves; after the
// due date the overdue list exports.
func TestBrowserRosterEnrolAndTrack(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC))
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	tr, cancel := browser(t)
	defer cancel()
	login := func(ctx context.Context, user, pw, landing string) {
		t.Helper()
		if err := chromedp.Run(ctx,
			chromedp.Navigate(srv.URL+"/login"),
			chromedp.WaitVisible(`#username`, chromedp.ByID),
			chromedp.SendKeys(`#username`, user, chromedp.ByID),
			chromedp.SendKeys(`#password`, pw, chromedp.ByID),
			chromedp.Submit(`#password`, chromedp.ByID),
			chromedp.WaitVisible(landing, chromedp.ByQuery),
		); err != nil {
			t.Fatalf("log in as %s: %v", user, err)
		}
	}
	login(tr, "giangvien", testPassword, `.cards`)

	// The roster: two officers, one with a wrong unit code.
	file := filepath.Join(t.TempDir(), "xa-tam-da.csv")
	if err := os.WriteFile(file, []byte("\ufeffHọ và tên;Mã đơn vị;Số điện thoại\r\nĐỗ Thị Hạnh;07441;0912000111\r\nMai Văn Lộc;0744;\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var counts, problems string
	err := chromedp.Run(tr,
		chromedp.Navigate(srv.URL+"/manage/roster"),
		chromedp.WaitVisible(`#roster-upload`, chromedp.ByID),
		chromedp.SetUploadFiles(`#file`, []string{file}, chromedp.ByID),
		chromedp.Click(`#roster-upload button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#roster-counts`, chromedp.ByID),
		chromedp.Text(`#roster-counts`, &counts, chromedp.ByID),
		chromedp.Text(`#roster-problems`, &problems, chromedp.ByID),
	)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	if counts != "2 dòng: 1 dòng hợp lệ, 1 dòng có lỗi." || !strings.Contains(problems, `Không có đơn vị mã "0744"`) {
		t.Fatalf("preview: %q / %q", counts, problems)
	}
	screenshot(t, tr, "roster-1-preview")
	var slips string
	err = chromedp.Run(tr,
		chromedp.Click(`#roster-import-valid`, chromedp.ByID),
		chromedp.WaitVisible(`#roster-result`, chromedp.ByID),
		chromedp.Click(`#slips`, chromedp.ByID),
		chromedp.WaitVisible(`.slip`, chromedp.ByQuery),
		chromedp.Text(`.slips`, &slips, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("import and slips: %v", err)
	}
	screenshot(t, tr, "roster-2-slips")
	m := regexp.MustCompile(`Tên đăng nhập: (\S+)\s+Mật khẩu lần đầu: (\S+)`).FindStringSubmatch(slips)
	if m == nil || m[1] != "dthanh" || !strings.Contains(slips, "Đỗ Thị Hạnh") {
		t.Fatalf("slips: %q", slips)
	}

	// Enrol the commune, due in two weeks.
	var notice string
	err = chromedp.Run(tr,
		chromedp.Navigate(srv.URL+"/manage/enrol"),
		chromedp.WaitVisible(`#enrol-form`, chromedp.ByID),
		chromedp.SetValue(`#unit`, "07441", chromedp.ByID),
		chromedp.SetValue(`#due`, "2026-12-14", chromedp.ByID),
		chromedp.Click(`#enrol-form button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.notice`, chromedp.ByQuery),
		chromedp.Text(`.notice`, &notice, chromedp.ByQuery),
	)
	if err != nil || !strings.Contains(notice, "Đã giao 1 lượt.") {
		t.Fatalf("enrol: %q %v", notice, err)
	}
	totals := func() string {
		t.Helper()
		var s string
		if err := chromedp.Run(tr, chromedp.Navigate(srv.URL+"/manage/progress"), chromedp.WaitVisible(`#progress-totals`, chromedp.ByID),
			chromedp.Text(`#progress-totals`, &s, chromedp.ByID)); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if got := totals(); got != "2 cán bộ · được giao 2 · đã bắt đầu 0 · hoàn thành 0 (0%) · quá hạn 0" {
		t.Fatalf("dashboard before: %q", got)
	}
	screenshot(t, tr, "roster-3-dashboard")

	// The new officer logs in with the slip, must choose a password, then
	// completes the first module.
	hv, cancelHV := browser(t)
	defer cancelHV()
	login(hv, m[1], m[2], `#new`)
	steps := []struct {
		what string
		act  chromedp.Action
	}{
		{"choose a password", chromedp.Tasks{chromedp.SendKeys(`#current`, m[2], chromedp.ByID),
			chromedp.SendKeys(`#new`, "mat-khau-cua-hanh", chromedp.ByID),
			chromedp.SendKeys(`#confirm`, "mat-khau-cua-hanh", chromedp.ByID),
			chromedp.Submit(`#confirm`, chromedp.ByID)}},
		{"see the assigned course", chromedp.WaitVisible(`#assigned`, chromedp.ByID)},
		{"open it", chromedp.Tasks{chromedp.Click(`#assigned a`, chromedp.ByQuery), chromedp.WaitVisible(`main p a.btn.primary`, chromedp.ByQuery)}},
		{"open the first module", chromedp.Tasks{chromedp.Click(`main p a.btn.primary`, chromedp.ByQuery), chromedp.WaitVisible(`#complete-btn`, chromedp.ByID)}},
		// Marking it done moves the reader on to the next module, counting one of ten.
		{"complete it", chromedp.Tasks{chromedp.Click(`#complete-btn`, chromedp.ByID), waitText(`#course-progress-text`, "Đã học xong 1/")}},
	}
	for _, st := range steps {
		short, cancelShort := context.WithTimeout(hv, 15*time.Second)
		err := chromedp.Run(short, st.act)
		cancelShort()
		if err != nil {
			var page string
			_ = chromedp.Run(hv, chromedp.Evaluate(`location.href + " | " + document.querySelector("main").innerText.slice(0, 600)`, &page))
			t.Fatalf("the new officer: %s: %v\n%s", st.what, err, page)
		}
	}
	if err := e.tracker.Close(context.Background()); err != nil { // the batched progress is written
		t.Fatal(err)
	}
	if got := totals(); got != "2 cán bộ · được giao 2 · đã bắt đầu 1 · hoàn thành 0 (0%) · quá hạn 0" {
		t.Fatalf("dashboard after a module: %q", got)
	}
	// After the due date: the overdue list and its export.
	e.clock.Set(time.Date(2026, 12, 20, 3, 0, 0, 0, time.UTC))
	var csv, list string
	err = chromedp.Run(tr,
		chromedp.Navigate(srv.URL+"/manage/progress"),
		chromedp.WaitVisible(`#overdue-link`, chromedp.ByID),
		chromedp.Click(`#overdue-link`, chromedp.ByID),
		chromedp.WaitVisible(`#officers`, chromedp.ByID),
		chromedp.Text(`#officers`, &list, chromedp.ByID),
		chromedp.Evaluate(`fetch(document.querySelector('a[href*="format=csv"]').href).then(r => r.text())`, &csv, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
			return p.WithAwaitPromise(true)
		}),
	)
	if err != nil {
		t.Fatalf("overdue list: %v", err)
	}
	screenshot(t, tr, "roster-4-overdue")
	if !strings.Contains(list, "Đỗ Thị Hạnh") || !strings.Contains(list, "Trần Văn Bình") || !strings.Contains(csv, fmt.Sprintf("Đỗ Thị Hạnh,dthanh,Xã Tam Đa,0912000111,,1/%d,,,14/12/2026,0/0,Quá hạn", len(e.cat.Course("nghiep-vu-thi-dua-khen-thuong").Modules))) {
		t.Fatalf("overdue: %q\n%q", list, csv)
	}
}
