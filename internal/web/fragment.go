package web

import (
	"bytes"
	"encoding/binary"
	"github.com/klauspost/compress/flate"
	"hash/crc32"
	"io"
	"sync"
)

// fragment is a piece of page that is the same for every user (a module's
// rendered text), kept both as HTML and as deflate blocks compressed once at
// start-up, so a request only compresses the few kilobytes that are its own.
type fragment struct {
	plain    []byte
	deflated []byte // non-final deflate blocks ending on a byte boundary
}

// fragmentMarker stands in the page template where the fragment goes.
const fragmentMarker = "<!--tdkt:fragment-->"

func newFragment(html []byte) *fragment {
	var b bytes.Buffer
	fw, _ := flate.NewWriter(&b, flate.BestCompression)
	_, _ = fw.Write(html)
	// Flush, not Close: a sync flush ends the blocks on a byte boundary
	// without the final-block bit, so more blocks can follow.
	_ = fw.Flush()
	return &fragment{plain: html, deflated: b.Bytes()}
}

var flatePool = sync.Pool{New: func() any {
	fw, _ := flate.NewWriter(io.Discard, flate.BestSpeed)
	return fw
}}

// gzipHeader is a minimal RFC 1952 header: deflate, no name, no time.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// writeGzipSpliced writes before + frag + after as one gzip member. Each part
// is its own run of deflate blocks: the compressor is reset before the part
// that follows the fragment, so no back-reference crosses a part boundary,
// and the CRC and length cover the whole text.
func writeGzipSpliced(w io.Writer, before []byte, frag *fragment, after []byte) error {
	fw := flatePool.Get().(*flate.Writer)
	defer flatePool.Put(fw)
	if _, err := w.Write(gzipHeader); err != nil {
		return err
	}
	fw.Reset(w)
	if _, err := fw.Write(before); err != nil {
		return err
	}
	if err := fw.Flush(); err != nil {
		return err
	}
	if _, err := w.Write(frag.deflated); err != nil {
		return err
	}
	fw.Reset(w)
	if _, err := fw.Write(after); err != nil {
		return err
	}
	if err := fw.Close(); err != nil {
		return err
	}
	crc := crc32.Update(0, crc32.IEEETable, before)
	crc = crc32.Update(crc, crc32.IEEETable, frag.plain)
	crc = crc32.Update(crc, crc32.IEEETable, after)
	var trailer [8]byte
	binary.LittleEndian.PutUint32(trailer[:4], crc)
	binary.LittleEndian.PutUint32(trailer[4:], uint32(len(before)+len(frag.plain)+len(after)))
	_, err := w.Write(trailer[:])
	return err
}
