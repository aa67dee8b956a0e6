package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A participant's screen reader hears what the trainer does: a polite
// live region, hidden from the eye, says when the slide changes (its number
// and heading) and when a poll or a roll call opens.
func TestBrowserLiveAnnounces(t *testing.T) {
	e := newEnv(t)
	sess := scheduleRoom(t, e, "535353", "Hội nghị tập huấn trực tuyến")
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	tr, a := joinRoom(t, srv.URL, sess.ID, "giangvien"), joinRoom(t, srv.URL, sess.ID, "hocvien")
	var region struct {
		Live   string  `json:"live"`
		Width  float64 `json:"width"`
		Text   string  `json:"text"`
		Slides int     `json:"slides"`
		Head   string  `json:"head"`
	}
	err := chromedp.Run(a, chromedp.Evaluate(`(function () {
		var r = document.getElementById("live-announce"), h = document.querySelector('.slide[data-index="1"]').querySelector("h1, h2, h3");
		return {live: r ? r.getAttribute("aria-live") : "", width: r ? r.getBoundingClientRect().width : -1, text: r ? r.textContent : "",
			slides: document.querySelectorAll(".slide").length, head: h ? h.textContent.trim() : ""};
	})()`, &region))
	if err != nil {
		t.Fatal(err)
	}
	if region.Live != "polite" || region.Width > 1 || region.Text != "" || region.Head == "" {
		t.Fatalf("the live region before anything happens: %+v", region)
	}
	said := func(want string) {
		t.Helper()
		short, cancel := context.WithTimeout(a, 10*time.Second) // a message takes milliseconds here
		defer cancel()
		if err := chromedp.Run(short, waitText(`#live-announce`, want)); err != nil {
			var got string
			_ = chromedp.Run(a, chromedp.Text(`#live-announce`, &got, chromedp.ByID))
			t.Fatalf("the live region says %q, want %q (%v)", got, want, err)
		}
	}
	if err := chromedp.Run(tr, chromedp.Click(`#next`, chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	said(fmt.Sprintf("Trang chiếu 2/%d: %s", region.Slides, region.Head))
	err = chromedp.Run(tr,
		chromedp.SendKeys(`#poll-q`, "Ai quyết định tặng Giấy khen của Chủ tịch UBND xã?", chromedp.ByID),
		chromedp.SendKeys(`#poll-opts`, "Chủ tịch UBND xã\nChủ tịch UBND tỉnh", chromedp.ByID),
		chromedp.Click(`#poll-open button[type=submit]`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	said("Bình chọn mới: Ai quyết định tặng Giấy khen của Chủ tịch UBND xã?")
	// The room with a poll open, on both sides, passes axe too.
	axe := newAxeChecker(t)
	axe.check(a, "live room with a poll")
	if err := chromedp.Run(tr, chromedp.Click(`#rollcall-open button[type=submit]`, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	said("Điểm danh: hãy bấm nút “Có mặt”.")
	if err := chromedp.Run(a, chromedp.WaitVisible(`#here`, chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	axe.check(a, "live room with a roll call")
	axe.check(tr, "trainer's live room")
	axe.report(3)
}
