package report

import (
	"bytes"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/tdkt/tdkt/internal/xlsx"
)

// FuzzReadTable feeds ReadTable what an upload may hold: CSV in every shape
// Excel saves it, XLSX workbooks, and anything else. It never panics; every
// line it returns is not blank and names a line of the file (for CSV, at
// most the file's number of lines), in increasing order; an error about a
// CSV line names a line of the file too; and it allocates at most
// maxReadAlloc, whatever sizes a workbook declares for its parts.
//
// Seeds: the shapes of table_test.go, a workbook written by xlsx.Write
// and the checked-in corpus under testdata/fuzz/FuzzReadTable/.

var csvLineErr = regexp.MustCompile(`CSV line (\d+)`)

// maxReadAlloc bounds the memory ReadTable may allocate for one file.
const maxReadAlloc = 256 << 20

func FuzzReadTable(f *testing.F) {
	var wb bytes.Buffer
	if err := xlsx.Write(&wb, "Học viên", []string{"Họ và tên", "Mã đơn vị"},
		[][]xlsx.Cell{{"Trần Văn Bình", "07441"}, {"", ""}, {"Lê Thị Mai", "07441"}}); err != nil {
		f.Fatal(err)
	}
	f.Add(wb.Bytes())
	f.Add(wb.Bytes()[:wb.Len()/2]) // a workbook cut short
	for _, s := range []string{
		"Họ và tên,Mã đơn vị\nTrần Văn Bình,07441\nLê Thị Mai,07441\n",
		"\ufeffHọ và tên,Mã đơn vị\r\nTrần Văn Bình,07441\r\nLê Thị Mai,07441\r\n",
		"Họ và tên;Mã đơn vị\r\nTrần Văn Bình;07441\r\nLê Thị Mai;07441\r\n\r\n\r\n",
		"\"Họ và tên\";\"Mã đơn vị\"\n\"Trần Văn Bình\";07441\nLê Thị Mai;\"07441\"\n",
		"a,b\n\n,\nx,y\n",
		"H\xe4 v\xe0 t\xean,M\xe3\n",
		"a,b\n\"x,y\n",
		"a,\"b\nc\",d\ne,f,g\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		lines, err := ReadTable(data)
		runtime.ReadMemStats(&after)
		// An upload is at most 16 MB: reading it must not take gigabytes
		// (a zip may declare any size for its parts).
		if n := after.TotalAlloc - before.TotalAlloc; n > maxReadAlloc {
			t.Fatalf("reading %d bytes allocated %d MB", len(data), n>>20)
		}
		isXLSX := bytes.HasPrefix(data, []byte("PK\x03\x04"))
		last := bytes.Count(data, []byte("\n")) + 1
		if err != nil {
			if lines != nil {
				t.Fatalf("lines and an error: %v", err)
			}
			if m := csvLineErr.FindStringSubmatch(err.Error()); m != nil && !isXLSX {
				if n, _ := strconv.Atoi(m[1]); n < 1 || n > last {
					t.Fatalf("error names line %d of a file of %d lines: %v", n, last, err)
				}
			}
			return
		}
		prev := 0
		for _, l := range lines {
			if l.N <= prev {
				t.Fatalf("line %d after line %d", l.N, prev)
			}
			prev = l.N
			if !isXLSX && l.N > last {
				t.Fatalf("line %d of a file of %d lines", l.N, last)
			}
			blank := true
			for _, c := range l.Cells {
				if strings.TrimSpace(c) != "" {
					blank = false
				}
			}
			if blank {
				t.Fatalf("blank line %d kept: %q", l.N, l.Cells)
			}
		}
	})
}
