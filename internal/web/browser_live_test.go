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
	// The platform clock is the test's: everyone joins five minutes before
	// the start, and the report is read half an hour in, then after the end,
	// without waiting for either.
	sess := scheduleRoom(t, e, "777777", "Hội nghị tập huấn trực tuyến", "hocvien2", "hocvien3")
	start := sess.StartsAt
	e.clock.Set(start.Add(-5 * time.Minute))
	srv := httptest.NewServer(e.h)
	defer srv.Close()

	// Each person has a browser of their own: separate cookies, like three phones.
	person := func(name string) context.Context { return joinRoom(t, srv.URL, sess.ID, name) }
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
	// Its Markdown shows as bold on the phones, not as asterisks; A answers.
	if err == nil {
		err = chromedp.Run(a, waitText(`#poll-text`, "nguyên tắc của thi đua"),
			waitEval(`document.querySelector('#poll-text strong') !== null && document.getElementById('poll-text').textContent.indexOf('**') < 0`),
			waitEval(`!document.querySelector('#poll-options .key')`),
			chromedp.Click(`#poll-options input[value="1"]`, chromedp.ByQuery),
			chromedp.Click(`#poll-send`, chromedp.ByID),
			waitText(`#poll-status`, "Đã ghi nhận câu trả lời."))
	}
	if err == nil {
		err = chromedp.Run(tr, chromedp.Click(`#poll-close`, chromedp.ByID))
	}
	// Once closed, A's phone shows the key and, beside it, A's own choice.
	if err == nil {
		err = chromedp.Run(a, waitEval(`document.querySelectorAll('#poll-options .key').length >= 1`),
			waitEval(`document.querySelector('#poll-options input[value="1"]').checked && document.querySelector('#poll-options .yours') !== null`))
	}
	if err != nil {
		var dump string
		_ = chromedp.Run(a, chromedp.Evaluate(`document.getElementById('poll').innerHTML`, &dump))
		t.Fatalf("bank poll: %v\n%s", err, dump)
	}
	screenshot(t, tr, "live-2-trainer")
	// The attendance list read half-way through: both connected trainees
	// are attending (provisional), the third has not come.
	vn, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	hm := func(t time.Time) string { return t.In(vn).Format("15:04") } // the platform shows Vietnam time
	report := srv.URL + "/manage/live/" + strconv.FormatInt(sess.ID, 10) + "/attendance"
	e.clock.Set(start.Add(30 * time.Minute))
	var totals, notice string
	var rows []string
	read := func() {
		t.Helper()
		err := chromedp.Run(tr,
			chromedp.Navigate(report),
			chromedp.WaitVisible(`#att-totals`, chromedp.ByID),
			chromedp.Text(`#att-totals`, &totals, chromedp.ByID),
			chromedp.Evaluate(`(document.getElementById('att-provisional')||{}).textContent || ""`, &notice),
			chromedp.Evaluate(`Array.from(document.querySelectorAll('table.att tbody tr:not(.unit-head)')).map(r => Array.from(r.cells).map(c => c.textContent.trim()).join(' | '))`, &rows),
		)
		if err != nil {
			t.Fatal(err)
		}
	}
	row := func(name string) string {
		for _, r := range rows {
			if strings.Contains(r, name) {
				return r
			}
		}
		t.Fatalf("no row for %s in %q", name, rows)
		return ""
	}
	read()
	screenshot(t, tr, "live-3-attendance")
	if !strings.Contains(totals, "Dự kiến 3 người · đang tham dự 2 · đã rời 0 · chưa vào 1") || !strings.Contains(notice, "tạm thời") {
		t.Fatalf("during the session: totals %q, notice %q\n%q", totals, notice, rows)
	}
	for _, name := range []string{"Trần Văn Bình", "Học Viên hocvien2"} {
		if r := row(name); !strings.Contains(r, "| Đang tham dự | 30 | "+hm(start.Add(-5*time.Minute))+" |") {
			t.Fatalf("%s during the session: %q", name, r)
		}
	}
	if r := row("Học Viên hocvien3"); !strings.Contains(r, "| Chưa vào | 0 |") {
		t.Fatalf("hocvien3 during the session: %q", r)
	}
	// At 360 px every row shows its status within the screen.
	var fits bool
	err = chromedp.Run(tr, chromedp.Evaluate(`Array.from(document.querySelectorAll('table.att td.status')).every(td => {
		const r = td.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= window.innerWidth })`, &fits))
	if err != nil || !fits {
		t.Fatalf("at 360 px a status is off screen or hidden (%v)", err)
	}
	// After the end the list is final: both were there throughout.
	e.clock.Set(start.Add(2*time.Hour + 10*time.Minute))
	read()
	if !strings.Contains(totals, "Dự kiến 3 người · đạt yêu cầu 2 · có mặt 2") || !strings.Contains(totals, "vắng 1") || notice != "" {
		t.Fatalf("after the end: totals %q, notice %q\n%q", totals, notice, rows)
	}
	if r := row("Trần Văn Bình"); !strings.Contains(r, "| Có mặt | 120 | "+hm(start.Add(-5*time.Minute))+" | "+hm(sess.EndsAt)+" |") {
		t.Fatalf("after the end: %q", r)
	}
}

// waitText waits until the element's text contains want.
// scheduleRoom adds trainees of Xã Tam Đa and schedules a session of the
// shipped course led by giangvien for province 24, which began an hour
// ago and lasts two.
func scheduleRoom(t *testing.T, e *env, code, title string, trainees ...string) model.LiveSession {
	t.Helper()
	ctx := context.Background()
	for _, n := range trainees {
		if _, err := e.auth.CreateUser(ctx, auth.UserInput{Username: n, FullName: "Học Viên " + n, Role: "trainee", UnitCode: "07441", Password: testPassword}, false); err != nil {
			t.Fatal(err)
		}
	}
	unit, _ := e.db.UnitByCode(ctx, "24")
	start := time.Now().Truncate(time.Minute).Add(-time.Hour)
	sess := model.LiveSession{Code: code, Title: title, CourseID: "nghiep-vu-thi-dua-khen-thuong",
		Modules: []string{"nhung-van-de-chung"}, StartsAt: start, EndsAt: start.Add(2 * time.Hour),
		LateAfter: 10 * time.Minute, PresentPct: 80, TrainerID: mustUser(t, e, "giangvien").ID}
	if err := e.db.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateLiveSession(ctx, &sess, []int64{unit.ID}, nil) }); err != nil {
		t.Fatal(err)
	}
	return sess
}

// joinRoom opens a browser of its own (its own cookies, like a phone of
// its own), logs name in and waits until the live room of session id is
// connected.
func joinRoom(t *testing.T, base string, id int64, name string, flags ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	c, cancel := browser(t, flags...)
	t.Cleanup(cancel)
	err := chromedp.Run(c,
		chromedp.Navigate(base+"/login?next=/live/"+strconv.FormatInt(id, 10)),
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
