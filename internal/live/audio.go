package live

import (
	"encoding/binary"
	"encoding/json"
	"time"

	"github.com/gorilla/websocket"
)

// The trainer's voice travels on the room's websocket as binary messages:
// the trainer's page encodes speech as Opus and sends a few packets at a
// time; the room stamps each message once and hands the same prepared
// bytes to every listener. Audio has its own short queue per connection:
// when a listener falls behind, its audio is dropped, never its slides,
// polls or roll calls, and never the connection for audio alone.

// MsgAudio announces that the trainer's voice starts or stops, with how it
// is encoded (both directions: the trainer sends it, everyone receives it).
const MsgAudio = "audio"

// audioKind is the first byte of a binary message that carries audio.
const audioKind = 1

// audioHeader is what the room puts in front of the trainer's packets:
// the kind, a sequence number (uint32) and the server's clock in
// milliseconds (uint64), big-endian.
const audioHeader = 1 + 4 + 8

const (
	// audioQueue is how many audio messages may wait for a listener: at the
	// page's 240 ms a message, about four seconds; more would only be late.
	audioQueue = 16
	// A trainer's page sends four or five messages a second; these bound a
	// broken or hostile one without touching the text message budget.
	audioRatePerSec = 25
	audioBurst      = 50
)

// AudioConfig says how the trainer's voice is encoded, so that a listener
// can set up its decoder before the first packet. Nil (null in JSON) while
// the trainer is not speaking.
type AudioConfig struct {
	Codec      string `json:"codec"`       // "opus"
	SampleRate int    `json:"sample_rate"` // 48000, 24000, 16000, 12000 or 8000
	Channels   int    `json:"channels"`    // 1
	FrameMS    int    `json:"frame_ms"`    // the duration of one packet: 10, 20, 40 or 60
	Kbps       int    `json:"kbps"`        // target bitrate, 8 to 32
}

type audioMsg struct {
	On bool `json:"on"`
	AudioConfig
}

func (a AudioConfig) valid() bool {
	rate := map[int]bool{48000: true, 24000: true, 16000: true, 12000: true, 8000: true}
	frame := map[int]bool{10: true, 20: true, 40: true, 60: true}
	return a.Codec == "opus" && rate[a.SampleRate] && a.Channels == 1 && frame[a.FrameMS] && a.Kbps >= 8 && a.Kbps <= 32
}

// setAudio starts or stops the trainer's voice and tells everyone.
func (r *Room) setAudio(data json.RawMessage) (code, msg string) {
	var m audioMsg
	if json.Unmarshal(data, &m) != nil {
		return "bad_request", `audio needs {"on": true, "codec": "opus", "sample_rate": 48000, "channels": 1, "frame_ms": 60, "kbps": 24} or {"on": false}`
	}
	if !m.On {
		r.audioOff()
		return "", ""
	}
	if !m.valid() {
		return "bad_request", "audio must be Opus, one channel, 8–48 kHz, packets of 10, 20, 40 or 60 ms, 8–32 kbit/s"
	}
	cfg := m.AudioConfig
	r.audio = &cfg
	r.broadcast(MsgAudio, audioMsg{On: true, AudioConfig: cfg})
	return "", ""
}

// audioOff ends the voice, when the trainer stops it or leaves.
func (r *Room) audioOff() {
	if r.audio != nil {
		r.audio = nil
		r.broadcast(MsgAudio, map[string]bool{"on": false})
	}
}

// relayAudio stamps one message of the trainer's packets and queues it for
// every other connection of the room. The payload after the kind byte is
// one or more packets, each a uint16 length then that many bytes.
func (r *Room) relayAudio(from *Client, payload []byte) {
	if !r.isTrainer(from) {
		r.refuse(from, "forbidden", "audio is for the trainer only")
		return
	}
	if r.audio == nil {
		r.refuse(from, "bad_request", `the voice is off: send {"t": "audio", "d": {"on": true, …}} first`)
		return
	}
	if !wellFormedPackets(payload[1:]) {
		r.refuse(from, "bad_request", "an audio message is the byte 1, then packets of a two-byte length and that many bytes")
		return
	}
	r.audioSeq++
	b := make([]byte, audioHeader, audioHeader+len(payload)-1)
	b[0] = audioKind
	binary.BigEndian.PutUint32(b[1:], r.audioSeq)
	binary.BigEndian.PutUint64(b[5:], uint64(r.clock().UnixMilli()))
	b = append(b, payload[1:]...)
	if r.rec != nil {
		r.rec.audio(b[audioHeader:], r.audio.FrameMS)
	}
	pm, err := websocket.NewPreparedMessage(websocket.BinaryMessage, b)
	if err != nil {
		return
	}
	for c := range r.clients {
		if c == from || c.lean { // a text-only connection saves the voice's 11 MB an hour
			continue
		}
		if c.peer != nil {
			r.cl.gather(c) // its edge queues it, and drops it for a listener behind
			continue
		}
		select {
		case c.audio <- pm:
		default: // behind: this listener loses a moment of speech, nothing else
			if r.audioDropped != nil {
				r.audioDropped.Add(1)
			}
		}
	}
	if r.cl != nil {
		r.cl.flush(r.seq, opBinary, b)
	}
}

// wellFormedPackets reports whether p is one or more length-prefixed
// packets that fill it exactly.
func wellFormedPackets(p []byte) bool {
	if len(p) == 0 {
		return false
	}
	for len(p) > 0 {
		if len(p) < 2 {
			return false
		}
		n := int(binary.BigEndian.Uint16(p))
		if n == 0 || len(p) < 2+n {
			return false
		}
		p = p[2+n:]
	}
	return true
}

// allowAudio takes an audio message from the trainer's own budget.
func (c *Client) allowAudio(now time.Time) bool {
	return c.audioIn.take(now, audioRatePerSec, audioBurst)
}
