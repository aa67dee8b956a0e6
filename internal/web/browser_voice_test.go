package web

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The trainer speaks through Chromium's fake microphone (a steady beep):
// two trainees' pages decode the Opus stream (their decoded-frame counts
// keep rising), one listening through the speaker; a trainee who joins
// while the trainer speaks decodes too; a slide change during speech
// reaches everyone; stopping tells everyone.
func TestBrowserVoice(t *testing.T) {
	e := newEnv(t)
	sess := scheduleRoom(t, e, "555555", "Hội nghị có tiếng", "hocvien2")
	e.clock.Set(sess.StartsAt.Add(10 * time.Minute))
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	person := func(name string, flags ...chromedp.ExecAllocatorOption) context.Context {
		return joinRoom(t, srv.URL, sess.ID, name, flags...)
	}
	tr := person("giangvien", chromedp.Flag("use-fake-device-for-media-stream", true), chromedp.Flag("use-fake-ui-for-media-stream", true))
	// A's browser may start the replay's player from the test, as a tap would.
	a := person("hocvien", chromedp.Flag("autoplay-policy", "no-user-gesture-required"))
	frames := func(c context.Context) int {
		var n string
		if err := chromedp.Run(c, chromedp.Evaluate(`document.getElementById('voice').dataset.frames`, &n)); err != nil {
			t.Fatal(err)
		}
		i, _ := strconv.Atoi(n)
		return i
	}
	if err := chromedp.Run(a, waitText(`#voice-state`, "Giảng viên chưa nói")); err != nil {
		t.Fatal(err)
	}
	// The trainer records the session; everyone sees that it is recorded.
	if err := chromedp.Run(tr, chromedp.Click(`#record`, chromedp.ByID), waitEval(`document.getElementById('record').getAttribute('aria-pressed') === 'true'`)); err != nil {
		t.Fatalf("recording did not start: %v", err)
	}
	if err := chromedp.Run(a, chromedp.WaitVisible(`#recording`, chromedp.ByID)); err != nil {
		t.Fatalf("the trainee is not told the session is recorded: %v", err)
	}
	if err := chromedp.Run(tr, chromedp.Click(`#voice-mic`, chromedp.ByID), waitEval(`document.getElementById('voice-mic').getAttribute('aria-pressed') === 'true'`)); err != nil {
		var st string
		_ = chromedp.Run(tr, chromedp.Text(`#voice-mic-state`, &st, chromedp.ByID))
		t.Fatalf("the trainer's microphone did not start: %v (%q)", err, st)
	}
	// Trainee A taps "listen" and decodes what the trainer says.
	if err := chromedp.Run(a, chromedp.WaitVisible(`#voice-play`, chromedp.ByID), chromedp.Click(`#voice-play`, chromedp.ByID),
		waitEval(`Number(document.getElementById('voice').dataset.frames) >= 10`), waitText(`#voice-state`, "Trực tiếp")); err != nil {
		t.Fatalf("trainee A hears nothing: %v (%d frames)", err, frames(a))
	}
	// B joins while the trainer speaks and decodes from the next message on.
	b := person("hocvien2")
	if err := chromedp.Run(b, waitEval(`Number(document.getElementById('voice').dataset.frames) >= 10`)); err != nil {
		t.Fatalf("the late joiner hears nothing: %v (%d frames)", err, frames(b))
	}
	// Frames keep coming, and a slide change during speech reaches both.
	before := frames(a)
	if err := chromedp.Run(tr, chromedp.Click(`#next`, chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []context.Context{a, b} {
		if err := chromedp.Run(c, waitEval(`document.querySelector('.slide:not([hidden])').dataset.index === "1"`)); err != nil {
			t.Fatal("a slide change during speech did not arrive")
		}
	}
	if err := chromedp.Run(a, waitEval(`Number(document.getElementById('voice').dataset.frames) > `+strconv.Itoa(before+10))); err != nil {
		t.Fatalf("decoding stopped at %d frames", frames(a))
	}
	// The trainer stops speaking and recording: everyone is told.
	if err := chromedp.Run(tr, chromedp.Click(`#voice-mic`, chromedp.ByID), chromedp.Click(`#record`, chromedp.ByID),
		waitEval(`document.getElementById('record').getAttribute('aria-pressed') === 'false'`)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []context.Context{a, b} {
		if err := chromedp.Run(c, waitText(`#voice-state`, "Giảng viên chưa nói")); err != nil {
			var st string
			_ = chromedp.Run(c, chromedp.Text(`#voice-state`, &st, chromedp.ByID))
			t.Fatalf("after the trainer stopped: %q", strings.TrimSpace(st))
		}
	}
	// The trainer publishes the take (hidden from participants until then).
	replay := srv.URL + "/live/" + strconv.FormatInt(sess.ID, 10) + "/replay"
	if err := chromedp.Run(tr, chromedp.Navigate(replay), chromedp.WaitVisible(`#replay-settings`, chromedp.ByID),
		chromedp.Click(`#replay-settings input[name=published]`, chromedp.ByQuery),
		chromedp.Submit(`#replay-settings`, chromedp.ByID), waitText(`#replay-settings`, "Đã công bố")); err != nil {
		t.Fatalf("the trainer cannot publish the recording: %v", err)
	}
	// The replay: the recording plays in the page's player, and the slides
	// follow the audio when the viewer seeks.
	if err := chromedp.Run(a, chromedp.Navigate(srv.URL+"/live/"+strconv.FormatInt(sess.ID, 10)+"/replay"),
		chromedp.WaitVisible(`#replay-audio`, chromedp.ByID),
		waitEval(`document.getElementById('replay-audio').readyState >= 1 && document.getElementById('replay-audio').duration > 1`)); err != nil {
		var st string
		_ = chromedp.Run(a, chromedp.Evaluate(`String(document.getElementById('replay-audio') && document.getElementById('replay-audio').error && document.getElementById('replay-audio').error.code)`, &st))
		t.Fatalf("the recording does not load in the player: %v (error %s)", err, st)
	}
	seek := func(where, want string) {
		t.Helper()
		err := chromedp.Run(a, chromedp.Evaluate(`(function(){var au=document.getElementById('replay-audio'); au.currentTime=`+where+`; return true})()`, nil),
			waitEval(`document.querySelector('#slides .slide:not([hidden])').dataset.index === "`+want+`"`))
		if err != nil {
			t.Fatalf("seeking to %s does not show slide %s", where, want)
		}
	}
	seek("document.getElementById('replay-audio').duration - 0.05", "1")
	seek("0", "0")
	if err := chromedp.Run(a, chromedp.Evaluate(`document.getElementById('replay-audio').play().then(function(){return true}).catch(function(){return true})`, nil),
		waitEval(`document.getElementById('replay-audio').currentTime > 1.5`)); err != nil {
		t.Fatalf("the recording does not play: %v", err)
	}
	// Leaving the page reports what was played, for make-up attendance.
	if err := chromedp.Run(a, chromedp.Evaluate(`window.dispatchEvent(new Event('pagehide')); true`, nil)); err != nil {
		t.Fatal(err)
	}
	hv := mustUser(t, e, "hocvien")
	for deadline := time.Now().Add(10 * time.Second); ; {
		w, err := e.db.ReplayWatch(context.Background(), sess.ID)
		if err != nil {
			t.Fatal(err)
		}
		if w[hv.ID] >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replay page did not report the time played: %v", w)
		}
		time.Sleep(50 * time.Millisecond) // polling the database for the beacon, bounded by the deadline
	}
}
