package web

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A dossier case end to end on a 360 px phone: wrong choices are explained
// with their article, a right report is accepted, and the trainer reads it
// and comments.
func TestBrowserDossier(t *testing.T) {
	e := newEnvFS(t, dossierContent(t))
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	ctx, cancel := browser(t)
	defer cancel()
	login := func(c context.Context, user, landing string) {
		t.Helper()
		if err := chromedp.Run(c,
			chromedp.Navigate(srv.URL+"/login"),
			chromedp.WaitVisible(`#username`, chromedp.ByID),
			chromedp.SendKeys(`#username`, user, chromedp.ByID),
			chromedp.SendKeys(`#password`, testPassword, chromedp.ByID),
			chromedp.Submit(`#password`, chromedp.ByID),
			chromedp.WaitVisible(landing, chromedp.ByQuery),
		); err != nil {
			t.Fatalf("log in as %s: %v", user, err)
		}
	}
	login(ctx, "hocvien", `.cards`)
	pick := func(step, id string) chromedp.Action {
		return chromedp.Click(`input[name="c:`+step+`"][value="`+id+`"]`, chromedp.ByQuery)
	}
	var checks string
	err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/courses/khoa"),
		chromedp.WaitVisible(`#dossier-card a`, chromedp.ByQuery),
		chromedp.Click(`#dossier-card a`, chromedp.ByQuery),
		chromedp.WaitVisible(`#dossiers a`, chromedp.ByQuery),
		chromedp.Click(`#dossiers a`, chromedp.ByQuery),
		chromedp.WaitVisible(`#dossier-form`, chromedp.ByID),
		pick("award", "ldtt"), pick("proposer", "hd-xa"), pick("decider", "ct-tinh"), pick("form", "ca-nhan"),
		chromedp.SendKeys(`#s-thanh-tich`, "Chị Lan hoàn thành tốt nhiệm vụ được giao trong năm với nhiều kết quả.", chromedp.ByID),
		chromedp.Click(`input[name="e"][value="bien-ban"]`, chromedp.ByQuery),
		chromedp.Click(`#dossier-submit`, chromedp.ByID),
		chromedp.WaitVisible(`#checks`, chromedp.ByID),
		chromedp.Text(`#checks`, &checks, chromedp.ByID),
	)
	if err != nil {
		t.Fatalf("a wrong report: %v", err)
	}
	screenshot(t, ctx, "dossier-1-wrong")
	for _, want := range []string{"✗ Danh hiệu nào?", "Đủ Lao động tiên tiến và có sáng kiến.", "(06/2022/QH15 Điều 23)", "✗ Ai quyết định?", "✗ Minh chứng sáng kiến"} {
		if !strings.Contains(checks, want) {
			t.Fatalf("checks lack %q: %q", want, checks)
		}
	}
	var fits bool
	if err := chromedp.Run(ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll('#checks li')).every(li => li.getBoundingClientRect().right <= window.innerWidth)`, &fits)); err != nil || !fits {
		t.Fatalf("at 360 px a check runs off the screen (%v)", err)
	}
	var score string
	err = chromedp.Run(ctx,
		chromedp.Click(`#report a.btn`, chromedp.ByQuery),
		chromedp.WaitVisible(`#dossier-form`, chromedp.ByID),
		pick("award", "cstdcs"), pick("proposer", "hd-xa"), pick("decider", "ct-xa"), pick("form", "ca-nhan"),
		chromedp.SendKeys(`#s-thanh-tich`, "Năm 2026 giải quyết đúng hạn 100% hồ sơ, chỉ tiêu 98%; tham mưu 1.350 văn bản, năm trước 1.100 văn bản.", chromedp.ByID),
		chromedp.SendKeys(`#s-sang-kien`, "Sáng kiến số hóa sổ hộ tịch được Hội đồng xã công nhận.", chromedp.ByID),
		chromedp.Click(`input[name="e"][value="bien-ban"]`, chromedp.ByQuery),
		chromedp.Click(`input[name="e"][value="qd-sang-kien"]`, chromedp.ByQuery),
		chromedp.Click(`#dossier-submit`, chromedp.ByID),
		chromedp.WaitVisible(`#dossier-score`, chromedp.ByID),
		chromedp.Text(`#dossier-score`, &score, chromedp.ByID),
	)
	if err != nil || score != "Hồ sơ đúng ở mọi điểm kiểm tra." {
		t.Fatalf("a right report: %q %v", score, err)
	}
	screenshot(t, ctx, "dossier-2-right")
	// The trainer finds it, reads it and comments.
	tr, cancelTr := browser(t)
	defer cancelTr()
	login(tr, "giangvien", `.cards`)
	var comment string
	err = chromedp.Run(tr,
		chromedp.Navigate(srv.URL+"/manage/dossiers"),
		chromedp.WaitVisible(`#dossier-reports a`, chromedp.ByQuery),
		chromedp.Click(`#dossier-reports a`, chromedp.ByQuery),
		chromedp.WaitVisible(`#comment-form`, chromedp.ByID),
		chromedp.SendKeys(`#comment`, "Đạt. Nhớ ghi số quyết định công nhận sáng kiến.", chromedp.ByID),
		chromedp.Click(`#comment-form button`, chromedp.ByQuery),
		chromedp.WaitVisible(`#trainer-comment`, chromedp.ByID),
		chromedp.Text(`#trainer-comment`, &comment, chromedp.ByID),
	)
	if err != nil || !strings.Contains(comment, "Nhớ ghi số quyết định") {
		t.Fatalf("the trainer's comment: %q %v", comment, err)
	}
	screenshot(t, tr, "dossier-3-trainer")
}
