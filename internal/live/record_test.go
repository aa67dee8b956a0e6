package live

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tdkt/tdkt/internal/store/storetest"
)

// silence is one Opus packet of 60 ms (TOC 0x18: SILK narrowband, 60 ms,
// one frame) with an empty frame, which a decoder plays as silence.
var silence = []byte{0x18}

// A recorded session: everyone is told it is recorded (a late joiner in
// its hello); the take holds the voice as Ogg Opus of the right length,
// which a standard tool reads, and the timeline places the slide change,
// the poll with its final tally and the approved question at their moments
// in the audio.
func TestRecording(t *testing.T) {
	path := storetest.DSN(t)
	e := newEnv(t, path)
	dir := e.m.RecordDir()
	tr, a := e.dial(t, e.trainer), e.dial(t, e.a)
	tr.expect(MsgHello)
	a.expect(MsgHello)
	tr.send(MsgRecord, map[string]bool{"on": true})
	if got := decode[map[string]bool](t, a.expect(MsgRecord)); !got["on"] {
		t.Fatalf("record announced as %v", got)
	}
	b := e.dial(t, e.b)
	if hello := decode[Snapshot](t, b.expect(MsgHello)); !hello.Recording {
		t.Fatal("a late joiner is not told the session is recorded")
	}
	tr.send(MsgAudio, voiceOn)
	a.expect(MsgAudio)
	msg := []byte{audioKind}
	for range 4 {
		msg = append(msg, 0, byte(len(silence)))
		msg = append(msg, silence...)
	}
	speak := func(n int) {
		for range n {
			tr.sendBinary(msg)
		}
	}
	speak(16) // 3.84 s: within the audio burst of 50 messages, sent faster than speech
	tr.send(MsgGoto, map[string]int{"index": 3})
	speak(16) // 7.68 s
	tr.send(MsgPollOpen, map[string]any{"text": "Ai tặng Giấy khen?", "options": []string{"Chủ tịch xã", "Chủ tịch tỉnh"}})
	p := decode[PollView](t, a.expect(MsgPoll))
	a.send(MsgAnswer, map[string]any{"poll": p.ID, "choices": []int{0}})
	a.expect(MsgAnswered)
	tr.send(MsgPollClose, nil)
	tr.send(MsgModeration, map[string]bool{"on": true}) // questions wait for the trainer
	a.expect(MsgSettings)
	a.send(MsgAsk, map[string]string{"text": "Hồ sơ nộp mấy bộ?"})
	q := decode[QuestionView](t, a.expect(MsgQuestion))
	speak(16) // 11.52 s
	tr.send(MsgModerate, map[string]any{"question": q.Seq, "action": "approve"})
	tr.send(MsgRecord, map[string]bool{"on": false})
	if got := decode[map[string]bool](t, a.expect(MsgRecord)); got["on"] {
		t.Fatalf("record off announced as %v", got)
	}
	takes, err := Takes(dir, e.sess.ID)
	if err != nil || len(takes) != 1 {
		t.Fatalf("takes: %v %v", takes, err)
	}
	audio, tl, err := TakeFiles(dir, e.sess.ID, takes[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []Event{{At: 0, Type: "slide"}, {At: 3840, Type: "slide", Index: 3},
		{At: 7680, Type: "poll", Text: "Ai tặng Giấy khen?", Options: []string{"Chủ tịch xã", "Chủ tịch tỉnh"}, Tally: []int{1, 0}},
		{At: 11520, Type: "question", Text: "Hồ sơ nộp mấy bộ?"}}
	if len(tl) != len(want) {
		t.Fatalf("timeline %+v", tl)
	}
	for i := range want {
		g, w := tl[i], want[i]
		if g.At != w.At || g.Type != w.Type || g.Index != w.Index || g.Text != w.Text || strings.Join(g.Options, "|") != strings.Join(w.Options, "|") ||
			len(g.Tally) != len(w.Tally) || len(w.Tally) > 0 && g.Tally[0] != w.Tally[0] {
			t.Fatalf("timeline event %d: %+v, want %+v", i, g, w)
		}
	}
	b1, err := os.ReadFile(audio)
	if err != nil || !strings.HasPrefix(string(b1), "OggS") || !strings.Contains(string(b1[:200]), "OpusHead") {
		t.Fatalf("not an Ogg Opus file: %v", err)
	}
	// A standard tool reads it with the right length: 48 messages of four
	// 60 ms packets, less the 80 ms the file declares as the decoder's
	// pre-skip (RFC 7845's default when the encoder's delay is not known).
	tool, err := exec.LookPath("opusinfo")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but opusinfo is not installed (apt-get install -y opus-tools)")
		}
		t.Skip("opusinfo not installed")
	}
	out, err := exec.Command(tool, audio).CombinedOutput()
	if err != nil {
		t.Fatalf("opusinfo: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`Playback length: 0m:11\.4[34]\d*s`).Match(out) {
		t.Fatalf("opusinfo does not read 11.44 s:\n%s", out)
	}
}

// A take is hidden and kept for a year when it is made; the trainer's
// settings are kept with it; the sweep removes it once its time is over,
// and only it.
func TestTakeSettingsAndSweep(t *testing.T) {
	dir := t.TempDir()
	start := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
	for i, at := range []time.Time{start, start.Add(time.Hour)} {
		rec, err := startRecorder(dir, 7, at, i)
		if err != nil {
			t.Fatal(err)
		}
		rec.audio([]byte{0, 1, 0x18}, 60)
		rec.stop()
	}
	takes, err := Takes(dir, 7)
	if err != nil || len(takes) != 2 || takes[0].Published || !takes[0].KeepUntil.Equal(start.Add(DefaultKeep)) {
		t.Fatalf("new takes: %+v %v", takes, err)
	}
	if err := SetTake(dir, 7, takes[0].ID, TakeMeta{Published: true, KeepUntil: start.Add(30 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := SetTake(dir, 7, "../../etc", TakeMeta{}); err == nil {
		t.Fatal("a take id outside the folder was accepted")
	}
	takes, _ = Takes(dir, 7)
	if !takes[0].Published || takes[1].Published {
		t.Fatalf("after publishing the first: %+v", takes)
	}
	if n, err := Sweep(dir, start.Add(29*24*time.Hour)); err != nil || n != 0 {
		t.Fatalf("sweep before the time: %d %v", n, err)
	}
	if n, err := Sweep(dir, start.Add(31*24*time.Hour)); err != nil || n != 1 {
		t.Fatalf("sweep after 30 days: %d %v", n, err)
	}
	takes, _ = Takes(dir, 7)
	if len(takes) != 1 || takes[0].ID != "20261130-020000" {
		t.Fatalf("left: %+v", takes)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "7", "20261130-010000*")); len(left) != 0 {
		t.Fatalf("files of the removed take left: %v", left)
	}
}
