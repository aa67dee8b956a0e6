package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/rand"
	"testing"
)

func TestGzipSpliceDecodesToTheWholeText(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	text := func(n int) []byte {
		words := []string{"thi đua ", "khen thưởng ", "<p>", "</p>\n", "Điều 23 ", "xã ", "phường "}
		var b bytes.Buffer
		for b.Len() < n {
			b.WriteString(words[rng.Intn(len(words))])
		}
		return b.Bytes()[:n]
	}
	for _, sizes := range [][3]int{{0, 0, 0}, {0, 10, 0}, {100, 0, 100}, {3000, 20000, 2000}, {70000, 100000, 65536}} {
		before, mid, after := text(sizes[0]), text(sizes[1]), text(sizes[2])
		var out bytes.Buffer
		if err := writeGzipSpliced(&out, before, newFragment(mid), after); err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(&out)
		if err != nil {
			t.Fatalf("%v: header: %v", sizes, err)
		}
		got, err := io.ReadAll(zr) // checks the CRC and length too
		if err != nil {
			t.Fatalf("%v: decode: %v", sizes, err)
		}
		want := append(append(append([]byte{}, before...), mid...), after...)
		if !bytes.Equal(got, want) {
			t.Fatalf("%v: decoded text differs", sizes)
		}
	}
}
