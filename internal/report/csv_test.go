package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func TestWriteCSVNeutralisesFormulas(t *testing.T) {
	var b bytes.Buffer
	rows := [][]string{{"=HYPERLINK(\"http://x\",\"bấm\")", "+84912", "-1", "@SUM(A1)", "\tx", "\rx", "Trần Văn Bình", "a-b", ""}}
	if err := WriteCSV(&b, []string{"Họ và tên", "b", "c", "d", "e", "f", "g", "h", "i"}, rows); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "\ufeffHọ và tên,") || !strings.Contains(b.String(), "\r\n") {
		t.Fatalf("no BOM or CRLF: %q", b.String())
	}
	got, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// A carriage return inside a cell is dropped by encoding/csv's CRLF
	// writer; the apostrophe still leads.
	want := []string{`'=HYPERLINK("http://x","bấm")`, "'+84912", "'-1", "'@SUM(A1)", "'\tx", "'x", "Trần Văn Bình", "a-b", ""}
	if strings.Join(got[1], "|") != strings.Join(want, "|") {
		t.Fatalf("row = %q, want %q", got[1], want)
	}
}
