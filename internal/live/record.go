package live

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4/pkg/media/oggwriter"
)

// A recording keeps the trainer's voice as Ogg Opus (which any player
// opens) beside a timeline of the room (slide changes, polls with their
// final tally, roll calls, approved questions), each event at its place in
// the audio. The trainer starts and stops it; everyone in the room is told
// while it runs. Each start is a take of its own, in the session's folder:
//
//	<recordings>/<session id>/<take>.opus
//	<recordings>/<session id>/<take>.jsonl   one event a line
//	<recordings>/<session id>/<take>.json    whether it is published, how long it is kept
//
// A take is hidden until the trainer publishes it, and removed when its
// keeping time is over (365 days unless the trainer says otherwise).
// Writing happens on a goroutine of its own: the room never waits on disk.

// MsgRecord starts or stops the recording (trainer: {"on": true}); the
// room tells everyone with a broadcast of the same type.
const MsgRecord = "record"

// Event is one line of a take's timeline. At is the place in the audio,
// in milliseconds.
type Event struct {
	At      int64    `json:"at"`
	Type    string   `json:"t"` // slide, poll, rollcall, question
	Index   int      `json:"index,omitempty"`
	Text    string   `json:"text,omitempty"`
	Options []string `json:"options,omitempty"`
	Tally   []int    `json:"tally,omitempty"`
	Marked  int      `json:"marked,omitempty"`
}

// Take is one recording of a session.
type Take struct {
	ID      string // the file name without extension: the start time, yyyymmdd-hhmmss
	Started time.Time
	Bytes   int64
	TakeMeta
}

// TakeMeta is what the trainer decides about a take.
type TakeMeta struct {
	Published bool      `json:"published"`  // shown to participants; trainers always see it
	KeepUntil time.Time `json:"keep_until"` // removed after this
}

// DefaultKeep is how long a take is kept unless the trainer says otherwise.
const DefaultKeep = 365 * 24 * time.Hour

type recJob struct {
	packets []byte // length-prefixed Opus packets
	event   *Event
}

type recorder struct {
	jobs chan recJob
	done chan struct{}
	pos  int64 // audio written so far, ms; owned by the room
	lost int   // jobs dropped because the disk fell behind; owned by the room
}

// startRecorder opens a new take for session in dir and writes the slide
// shown now as its first event.
func startRecorder(dir string, session int64, now time.Time, slide int) (*recorder, error) {
	folder := filepath.Join(dir, strconv.FormatInt(session, 10))
	if err := os.MkdirAll(folder, 0o750); err != nil {
		return nil, fmt.Errorf("live: recording folder: %w", err)
	}
	name := now.UTC().Format("20060102-150405")
	if err := writeMeta(filepath.Join(folder, name+".json"), TakeMeta{KeepUntil: now.Add(DefaultKeep)}); err != nil {
		return nil, err
	}
	ogg, err := oggwriter.New(filepath.Join(folder, name+".opus"), 48000, 1)
	if err != nil {
		return nil, fmt.Errorf("live: recording: %w", err)
	}
	tl, err := os.OpenFile(filepath.Join(folder, name+".jsonl"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o640)
	if err != nil {
		ogg.Close()
		return nil, fmt.Errorf("live: recording timeline: %w", err)
	}
	rec := &recorder{jobs: make(chan recJob, 1024), done: make(chan struct{})}
	go rec.run(ogg, tl)
	rec.event(Event{Type: "slide", Index: slide})
	return rec, nil
}

func (rec *recorder) run(ogg *oggwriter.OggWriter, tl *os.File) {
	defer close(rec.done)
	enc := json.NewEncoder(tl)
	var seq uint16
	for j := range rec.jobs {
		if j.event != nil {
			if err := enc.Encode(j.event); err != nil {
				slog.Error("recording timeline", "err", err)
			}
			continue
		}
		for p := j.packets; len(p) >= 2; {
			n := int(binary.BigEndian.Uint16(p))
			seq++
			pkt := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: seq}, Payload: p[2 : 2+n]}
			if err := ogg.WriteRTP(pkt); err != nil {
				slog.Warn("recording: an Opus packet was not written", "err", err)
			}
			p = p[2+n:]
		}
	}
	if err := errors.Join(ogg.Close(), tl.Close()); err != nil {
		slog.Error("recording: close", "err", err)
	}
}

// audio queues a relayed message's packets (already checked) and moves the
// audio position by their duration.
func (rec *recorder) audio(packets []byte, frameMS int) {
	n := 0
	for p := packets; len(p) >= 2; n++ {
		p = p[2+int(binary.BigEndian.Uint16(p)):]
	}
	rec.send(recJob{packets: packets})
	rec.pos += int64(n * frameMS)
}

// event notes e at the current place in the audio.
func (rec *recorder) event(e Event) {
	e.At = rec.pos
	rec.send(recJob{event: &e})
}

func (rec *recorder) send(j recJob) {
	select {
	case rec.jobs <- j:
	default: // the disk is far behind: a gap, not a stalled room
		rec.lost++
	}
}

// stop closes the take and waits for it to be on disk.
func (rec *recorder) stop() {
	close(rec.jobs)
	<-rec.done
	if rec.lost > 0 {
		slog.Warn("recording: parts were lost while the disk was behind", "parts", rec.lost)
	}
}

// Takes lists the recordings of a session, oldest first.
func Takes(dir string, session int64) ([]Take, error) {
	folder := filepath.Join(dir, strconv.FormatInt(session, 10))
	entries, err := os.ReadDir(folder)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("live: list recordings: %w", err)
	}
	var out []Take
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".opus")
		if !ok {
			continue
		}
		at, err := time.Parse("20060102-150405", id)
		if err != nil {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		meta, err := readMeta(filepath.Join(folder, id+".json"))
		if err != nil {
			return nil, err
		}
		out = append(out, Take{ID: id, Started: at, Bytes: info.Size(), TakeMeta: meta})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// TakeFiles returns the audio file and the timeline of a take, checking
// that the take exists (the id comes from a URL).
func TakeFiles(dir string, session int64, id string) (audio string, timeline []Event, err error) {
	if _, err := time.Parse("20060102-150405", id); err != nil || len(id) != len("20060102-150405") {
		return "", nil, os.ErrNotExist
	}
	folder := filepath.Join(dir, strconv.FormatInt(session, 10))
	audio = filepath.Join(folder, id+".opus")
	if _, err := os.Stat(audio); err != nil {
		return "", nil, err
	}
	b, err := os.ReadFile(filepath.Join(folder, id+".jsonl"))
	if err != nil {
		return "", nil, err
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var e Event
		if line != "" && json.Unmarshal([]byte(line), &e) == nil {
			timeline = append(timeline, e)
		}
	}
	return audio, timeline, nil
}

// record starts or stops the recording on the trainer's word.
func (r *Room) record(c *Client, data json.RawMessage) {
	var d struct {
		On *bool `json:"on"`
	}
	if json.Unmarshal(data, &d) != nil || d.On == nil {
		r.refuse(c, "bad_request", `record needs {"on": true} or {"on": false}`)
		return
	}
	switch {
	case *d.On && r.recDir == "":
		r.refuse(c, "bad_request", "recording is not set up on this server")
	case *d.On && r.rec == nil:
		rec, err := startRecorder(r.recDir, r.sess.ID, r.clock(), r.slide)
		if err != nil {
			slog.Error("start recording", "session", r.sess.ID, "err", err)
			r.refuse(c, "internal", "the recording could not start")
			return
		}
		r.rec = rec
		r.broadcast(MsgRecord, map[string]bool{"on": true})
	case !*d.On && r.rec != nil:
		r.rec.stop()
		r.rec = nil
		r.broadcast(MsgRecord, map[string]bool{"on": false})
	}
}

// note adds e to the timeline of the take being recorded, if any.
func (r *Room) note(e Event) {
	if r.rec != nil {
		r.rec.event(e)
	}
}

func readMeta(path string) (TakeMeta, error) {
	var m TakeMeta
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return m, nil // an older take: hidden, kept until removed by hand
	}
	if err != nil {
		return m, fmt.Errorf("live: read recording settings: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("live: recording settings %s: %w", filepath.Base(path), err)
	}
	return m, nil
}

// writeMeta replaces a take's settings in one step (a new file renamed
// over the old), so a reader never sees half of them.
func writeMeta(path string, m TakeMeta) error {
	b, _ := json.Marshal(m)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o640); err != nil {
		return fmt.Errorf("live: recording settings: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("live: recording settings: %w", err)
	}
	return nil
}

// SetTake publishes or hides a take and sets until when it is kept.
func SetTake(dir string, session int64, id string, m TakeMeta) error {
	audio, _, err := TakeFiles(dir, session, id)
	if err != nil {
		return err
	}
	return writeMeta(strings.TrimSuffix(audio, ".opus")+".json", m)
}

// Sweep removes the takes whose keeping time is over and reports how many.
func Sweep(dir string, now time.Time) (int, error) {
	sessions, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("live: sweep recordings: %w", err)
	}
	removed := 0
	for _, s := range sessions {
		id, err := strconv.ParseInt(s.Name(), 10, 64)
		if err != nil || !s.IsDir() {
			continue
		}
		takes, err := Takes(dir, id)
		if err != nil {
			return removed, err
		}
		for _, t := range takes {
			if t.KeepUntil.IsZero() || now.Before(t.KeepUntil) {
				continue
			}
			base := filepath.Join(dir, s.Name(), t.ID)
			var errs []error
			for _, ext := range []string{".opus", ".jsonl", ".json"} {
				if err := os.Remove(base + ext); err != nil && !errors.Is(err, os.ErrNotExist) {
					errs = append(errs, err)
				}
			}
			if err := errors.Join(errs...); err != nil {
				return removed, fmt.Errorf("live: remove recording: %w", err)
			}
			removed++
		}
	}
	return removed, nil
}
