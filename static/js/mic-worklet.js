// The trainer's microphone, inside the audio graph: gathers 60 ms of mono
// samples (2880 at 48 kHz) and hands them to the page, which encodes them.
// An AudioWorklet works in every current browser, unlike track processors.
class TdktMic extends AudioWorkletProcessor {
  constructor() {
    super();
    this.buf = new Float32Array(2880);
    this.n = 0;
  }
  process(inputs) {
    const ch = inputs[0] && inputs[0][0];
    if (ch) {
      for (let i = 0; i < ch.length; i++) {
        this.buf[this.n++] = ch[i];
        if (this.n === this.buf.length) {
          this.port.postMessage(this.buf, [this.buf.buffer]);
          this.buf = new Float32Array(2880);
          this.n = 0;
        }
      }
    }
    return true;
  }
}
registerProcessor("tdkt-mic", TdktMic);
