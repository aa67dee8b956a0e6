package web

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// dropFor is how long the participant's network is down: the case
// of a phone losing its signal for half a minute in a conference.
const dropFor = 30 * time.Second

// A participant in text-only mode marks the roll call and loses the network
// at once; while it is down, they answer the open poll and the trainer moves
// on two slides. When the network returns the page rejoins by itself, shows
// the trainer's slide and the poll, and the server holds both the mark and
// the answer.
func TestBrowserLiveRejoinAfterDrop(t *testing.T) {
	e := newEnv(t)
	sess := scheduleRoom(t, e, "303030", "Hội nghị qua mạng yếu", "hvyeu")
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	tr, p := joinRoom(t, srv.URL, sess.ID, "giangvien"), joinRoom(t, srv.URL, sess.ID, "hvyeu")
	net := newNetSwitch(p)
	u := mustUser(t, e, "hvyeu")
	err := chromedp.Run(p,
		waitEval(`!!navigator.serviceWorker.controller`), // the worker's network is cut too
		chromedp.Click(`#lean`, chromedp.ByID),
		waitText(`#live-status`, "chỉ chữ"),
	)
	if err != nil {
		t.Fatalf("text-only mode: %v", err)
	}
	err = chromedp.Run(tr,
		chromedp.SendKeys(`#poll-q`, "Ai quyết định tặng Giấy khen của Chủ tịch UBND xã?", chromedp.ByID),
		chromedp.SendKeys(`#poll-opts`, "Chủ tịch UBND xã\nChủ tịch UBND tỉnh", chromedp.ByID),
		chromedp.Click(`#poll-open button[type=submit]`, chromedp.ByQuery),
		chromedp.SetValue(`#rc-seconds`, "600", chromedp.ByID),
		chromedp.Click(`#rollcall-open button[type=submit]`, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	// The mark, then at once the network goes.
	err = chromedp.Run(p,
		chromedp.WaitVisible(`#here`, chromedp.ByID),
		chromedp.WaitVisible(`#poll-options input`, chromedp.ByQuery),
		chromedp.Click(`#here`, chromedp.ByID),
		net.set(true),
		waitText(`#live-status`, "không có mạng"),
		chromedp.Click(`#poll-options input[value="1"]`, chromedp.ByQuery),
		chromedp.Click(`#poll-send`, chromedp.ByID),
		waitText(`#poll-status`, "Đã giữ trên máy"),
	)
	if err != nil {
		t.Fatalf("during the drop: %v", err)
	}
	// Two quick taps, the second before the room has answered the first: the
	// room must end two slides on (the participant's view checks it below).
	err = chromedp.Run(tr,
		chromedp.Click(`#next`, chromedp.ByID),
		chromedp.Click(`#next`, chromedp.ByID),
		waitEval(`document.querySelector('.slide:not([hidden])').dataset.index === "2"`),
	)
	if err != nil {
		t.Fatalf("the trainer moves on: %v", err)
	}
	answers, _ := e.db.PollAnswers(context.Background(), 1)
	if _, ok := answers[u.ID]; ok {
		t.Fatal("the answer given offline reached the server during the drop")
	}
	time.Sleep(dropFor)

	// The network returns; nothing is pressed.
	var slide string
	rctx, rcancel := context.WithTimeout(p, 20*time.Second)
	defer rcancel()
	err = chromedp.Run(rctx,
		net.set(false),
		waitText(`#live-status`, "đã kết nối"),
		waitEval(`document.querySelector('.slide:not([hidden])').dataset.index === "2"`),
		waitText(`#poll-status`, "Đã ghi nhận câu trả lời."),
		chromedp.Evaluate(`document.querySelector('.slide:not([hidden])').dataset.index`, &slide),
	)
	if err != nil {
		var st string
		_ = chromedp.Run(p, chromedp.Evaluate(`document.getElementById("live-status").textContent+" | "+document.getElementById("poll-status").textContent+" | "+document.querySelector('.slide:not([hidden])').dataset.index+" | online="+navigator.onLine+" conn="+document.getElementById("live").dataset.conn`, &st))
		t.Fatalf("rejoin: %v (%s)", err, st)
	}
	if !waitFor(func() bool {
		answers, _ := e.db.PollAnswers(context.Background(), 1)
		marks, _ := e.db.RollCallMarks(context.Background(), 1)
		_, answered := answers[u.ID]
		_, marked := marks[u.ID]
		return answered && marked
	}) {
		answers, _ := e.db.PollAnswers(context.Background(), 1)
		marks, _ := e.db.RollCallMarks(context.Background(), 1)
		t.Fatalf("after the drop the server holds answers %v and marks %v; want user %d in both", answers, marks, u.ID)
	}
}
