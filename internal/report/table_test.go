package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tdkt/tdkt/internal/xlsx"
)

func TestReadTable(t *testing.T) {
	want := [][]string{{"Họ và tên", "Mã đơn vị"}, {"Trần Văn Bình", "07441"}, {"Lê Thị Mai", "07441"}}
	var wb bytes.Buffer
	if err := xlsx.Write(&wb, "Học viên", want[0], [][]xlsx.Cell{{"Trần Văn Bình", "07441"}, {"Lê Thị Mai", "07441"}}); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"comma":            []byte("Họ và tên,Mã đơn vị\nTrần Văn Bình,07441\nLê Thị Mai,07441\n"),
		"BOM and CRLF":     []byte("\ufeffHọ và tên,Mã đơn vị\r\nTrần Văn Bình,07441\r\nLê Thị Mai,07441\r\n"),
		"semicolons":       []byte("Họ và tên;Mã đơn vị\r\nTrần Văn Bình;07441\r\nLê Thị Mai;07441\r\n\r\n\r\n"),
		"quoted separator": []byte("\"Họ và tên\";\"Mã đơn vị\"\n\"Trần Văn Bình\";07441\nLê Thị Mai;\"07441\"\n"),
		"xlsx":             wb.Bytes(),
	} {
		got, err := ReadTable(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d rows: %+v", name, len(got), got)
		}
		for i := range want {
			if strings.Join(got[i].Cells, "|") != strings.Join(want[i], "|") || got[i].N != i+1 {
				t.Errorf("%s: row %d = %d %q", name, i, got[i].N, got[i].Cells)
			}
		}
	}
	// Blank lines in the middle keep the numbering of the lines after them.
	got, _ := ReadTable([]byte("a,b\n\n,\nx,y\n"))
	if len(got) != 2 || got[1].N != 4 {
		t.Fatalf("line numbers after blank lines: %+v", got)
	}
	if _, err := ReadTable([]byte("H\xe4 v\xe0 t\xean,M\xe3\n")); err != ErrNotUTF8 {
		t.Fatalf("a legacy-encoded file: %v", err)
	}
	if _, err := ReadTable([]byte("a,b\n\"x,y\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("a broken quote: %v", err)
	}
}
