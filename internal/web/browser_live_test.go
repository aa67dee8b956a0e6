package web

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// A trainer and two trainees, each in a separate browser context: the trainer
// moves a slide, opens a poll and a roll call; the trainees follow, answer and
// check in; one reloads and comes back to the same state; the attendance
// report shows who was there.
func TestBrowserLiveSession(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, n := range []string{"hocvien2", "hocvien3"} {
		if _, err := e.auth.CreateUser(ctx, auth.UserInput{Username: n, FullName: "Học Viên " + n, Role: "trainee", UnitCode: "07441", Password: testPassword}, false); err != nil {
			t.Fatal(err)
		}
	}
	trainerU := mustUser(t, e, "giangvien")
	unit, _ := e.db.UnitByCode(ctx, "24")
	sess := model.LiveSession{Code: "777777", Title: "Hội nghị tập huấn trực tuyến", CourseID: "nghiep-vu-thi-dua-khen-thuong",
		Modules: []string{"nhung-van-de-chung"}, StartsAt: time.Now().Add(5 * time.Second), EndsAt: time.Now().Add(2 * time.Hour),
		LateAfter: 10 * time.Minute, PresentPct: 80, TrainerID: trainerU.ID}
	if err := e.db.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateLiveSession(ctx, &sess, []int64{unit.ID}, nil) }); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	room := srv.URL + "/live/" + strconv.FormatInt(sess.ID, 10)

	// Each person has a browser of their own: separate cookies, like three phones.
	person := func(name string) context.Context {
		c, cancel := browser(t)
		t.Cleanup(cancel)
		err := chromedp.Run(c,
			chromedp.Navigate(srv.URL+"/login?next="+strings.TrimPrefix(room, srv.URL)),
			chromedp.WaitVisible(`#username`, chromedp.ByID),
			chromedp.SendKeys(`#username`, name, chromedp.ByID),
			chromedp.SendKeys(`#password`, testPassword, chromedp.ByID),
			chromedp.Submit(`#password`, chromedp.ByID),
			chromedp.WaitVisible(`#slides`, chromedp.ByID),
			waitText(`#live-status`, "đã kết nối"),
		)
		if err != nil {
			t.Fatalf("%s joins: %v", name, err)
		}
		return c
	}
	tr, a, b := person("giangvien"), person("hocvien"), person("hocvien2")
	visible := func(c context.Context) string {
		var idx string
		if err := chromedp.Run(c, chromedp.Evaluate(`document.querySelector('.slide:not([hidden])').dataset.index`, &idx)); err != nil {
			t.Fatal(err)
		}
		return idx
	}
	// The trainer moves on; both trainees follow.
	if err := chromedp.Run(tr, chromedp.Click(`#next`, chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []context.Context{a, b} {
		if err := chromedp.Run(c, waitEval(`document.querySelector('.slide:not([hidden])').dataset.index === "1"`)); err != nil {
			t.Fatalf("trainee did not follow the slide: now at %s", visible(c))
		}
	}
	// A poll: trainee A answers.
	err := chromedp.Run(tr,
		chromedp.SendKeys(`#poll-q`, "Ai quyết định tặng Giấy khen của Chủ tịch UBND xã?", chromedp.ByID),
		chromedp.SendKeys(`#poll-opts`, "Chủ tịch UBND xã\nChủ tịch UBND tỉnh", chromedp.ByID),
		chromedp.Click(`#poll-open button[type=submit]`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Run(a,
		chromedp.WaitVisible(`#poll-options input`, chromedp.ByQuery),
		chromedp.Click(`#poll-options input[value="0"]`, chromedp.ByQuery),
		chromedp.Click(`#poll-send`, chromedp.ByID),
		waitText(`#poll-status`, "Đã ghi nhận câu trả lời."),
	)
	if err != nil {
		t.Fatalf("answer the poll: %v", err)
	}
	// A roll call: both check in.
	if err := chromedp.Run(tr, chromedp.Click(`#rollcall-open button[type=submit]`, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []context.Context{a, b} {
		if err := chromedp.Run(c, chromedp.WaitVisible(`#here`, chromedp.ByID), chromedp.Click(`#here`, chromedp.ByID),
			waitText(`#rollcall-text`, "Đã ghi nhận bạn có mặt."),
			waitEval(`getComputedStyle(document.getElementById('here')).display === "none"`)); err != nil {
			t.Fatalf("check in (the button must go once marked): %v", err)
		}
	}
	screenshot(t, a, "live-1-trainee")
	// A reloads and finds the same state.
	var checked bool
	var rollText string
	err = chromedp.Run(a,
		chromedp.Reload(),
		chromedp.WaitVisible(`#slides`, chromedp.ByID),
		waitText(`#live-status`, "đã kết nối"),
		waitEval(`document.querySelector('.slide:not([hidden])').dataset.index === "1"`),
		chromedp.WaitVisible(`#poll-options input`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#poll-options input[value="0"]').checked`, &checked),
		chromedp.Text(`#rollcall-text`, &rollText, chromedp.ByID),
	)
	if err != nil || !checked || rollText != "Đã ghi nhận bạn có mặt." {
		t.Fatalf("after reload: answer checked %v, roll call %q, %v", checked, rollText, err)
	}
	// The console knows who has not come: the third expected trainee.
	short, cancelShort := context.WithTimeout(tr, 10*time.Second)
	defer cancelShort()
	if err := chromedp.Run(short, waitText(`#absent-list`, "Học Viên hocvien3"), waitText(`#online-n`, "3")); err != nil {
		var dump string
		_ = chromedp.Run(tr, chromedp.Evaluate(`document.getElementById('console').innerText + " | " + document.getElementById('live-error').textContent`, &dump))
		t.Fatalf("console roster: %v\n%s", err, dump)
	}
	// A raises a hand; the trainer sees it and lowers it.
	err = chromedp.Run(a, chromedp.Click(`#hand`, chromedp.ByID), waitText(`#hand`, "Hạ tay"))
	if err == nil {
		err = chromedp.Run(tr, waitText(`#hands`, "Trần Văn Bình"), chromedp.Click(`#hands li button`, chromedp.ByQuery), waitText(`#hands-n`, "0"))
	}
	if err == nil {
		err = chromedp.Run(a, waitText(`#hand`, "Giơ tay phát biểu"))
	}
	if err != nil {
		t.Fatalf("raise hand: %v", err)
	}
	// A asks; B up-votes; the trainer marks it answered.
	err = chromedp.Run(a, chromedp.SendKeys(`#ask-text`, "Tờ trình khen thưởng gửi qua đâu?", chromedp.ByID),
		chromedp.Click(`#ask-form button`, chromedp.ByQuery))
	if err == nil {
		err = chromedp.Run(b, waitText(`#questions`, "Tờ trình khen thưởng gửi qua đâu?"), chromedp.Click(`#questions li button`, chromedp.ByQuery))
	}
	if err == nil {
		err = chromedp.Run(a, waitText(`#questions`, "1 lượt tán thành"))
	}
	if err == nil {
		err = chromedp.Run(tr, waitText(`#questions`, "1 lượt tán thành"),
			chromedp.Evaluate(`Array.from(document.querySelectorAll('#questions li button')).find(b => b.textContent === "Đã trả lời").click()`, nil))
	}
	if err == nil {
		err = chromedp.Run(b, waitText(`#questions`, "đã trả lời"))
	}
	if err != nil {
		t.Fatalf("questions: %v", err)
	}
	// Chat, then the trainer turns it off.
	err = chromedp.Run(b, chromedp.SendKeys(`#chat-text`, "Xin chào cả lớp", chromedp.ByID), chromedp.Click(`#chat-form button`, chromedp.ByQuery))
	if err == nil {
		err = chromedp.Run(tr, waitText(`#chat-lines`, "Xin chào cả lớp"), chromedp.Click(`#chat-on`, chromedp.ByID))
	}
	if err == nil {
		err = chromedp.Run(a, waitText(`#chat-lines`, "Xin chào cả lớp"),
			waitEval(`!document.getElementById('chat-off').hidden && document.getElementById('chat-form').hidden`))
	}
	if err == nil { // a stale form still sending gets the server's refusal in Vietnamese
		err = chromedp.Run(a,
			chromedp.Evaluate(`document.getElementById('chat-form').hidden = false`, nil),
			chromedp.SendKeys(`#chat-text`, "Còn ai không?", chromedp.ByID), chromedp.Click(`#chat-form button`, chromedp.ByQuery),
			waitText(`#live-error`, "Giảng viên đã tắt phần trao đổi."))
	}
	if err != nil {
		t.Fatalf("chat: %v", err)
	}
	// A poll from the module's bank: the key shows on the phones once it closes.
	err = chromedp.Run(tr,
		chromedp.Evaluate(`(() => { const s = document.getElementById('poll-bank'); s.value = "0"; s.dispatchEvent(new Event('change')); return s.options.length > 1 })()`, nil),
		waitEval(`document.getElementById('poll-q').value.length > 0`),
		chromedp.Click(`#poll-open button[type=submit]`, chromedp.ByQuery))
	if err == nil {
		var want string
		_ = chromedp.Run(tr, chromedp.Evaluate(`document.getElementById('poll-q').value`, &want))
		err = chromedp.Run(a, waitText(`#poll-text`, want), waitEval(`!document.querySelector('#poll-options .key')`))
	}
	if err == nil {
		err = chromedp.Run(tr, chromedp.Click(`#poll-close`, chromedp.ByID))
	}
	if err == nil {
		err = chromedp.Run(a, waitEval(`document.querySelectorAll('#poll-options .key').length >= 1`))
	}
	if err != nil {
		t.Fatalf("bank poll: %v", err)
	}
	screenshot(t, tr, "live-2-trainer")
	// The attendance report: A and B present, the third expected trainee absent.
	// Everyone joined before the start; read the report a little after it, so
	// presence since the start is the whole elapsed time.
	time.Sleep(time.Until(sess.StartsAt.Add(3 * time.Second)))
	var totals, table string
	err = chromedp.Run(tr,
		chromedp.Navigate(srv.URL+"/manage/live/"+strconv.FormatInt(sess.ID, 10)+"/attendance"),
		chromedp.WaitVisible(`#att-totals`, chromedp.ByID),
		chromedp.Text(`#att-totals`, &totals, chromedp.ByID),
		chromedp.Text(`table.att tbody`, &table, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, tr, "live-3-attendance")
	if !strings.Contains(totals, "Dự kiến 3 người · đạt yêu cầu 2 · có mặt 2") || !strings.Contains(totals, "vắng 1") {
		t.Fatalf("totals = %q\n%s", totals, table)
	}
	if !strings.Contains(table, "Trần Văn Bình") || !strings.Contains(table, "Học Viên hocvien3") {
		t.Fatalf("table = %q", table)
	}
}

// waitText waits until the element's text contains want.
func waitText(sel, want string) chromedp.Action {
	return waitEval(`(document.querySelector('` + sel + `')||{}).textContent && document.querySelector('` + sel + `').textContent.indexOf(` + strconv.Quote(want) + `) >= 0`)
}

// waitEval waits until a script returns true.
func waitEval(script string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		for {
			var ok bool
			if err := chromedp.Evaluate(script, &ok).Do(ctx); err == nil && ok {
				return nil
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}
