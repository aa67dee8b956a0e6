package xlsx

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestWorkbookRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	rows := [][]Cell{{1, "Trần Văn Bình", "Xã Tam Đa", "0912345678", 95.5}, {2, "Lê Thị <Mai> & \x01", "=HYPERLINK(\"x\")", "Vắng", int64(0)}}
	if err := Write(&buf, "Điểm danh: [12/2026]", []string{"STT", "Họ và tên", "Đơn vị", "Tình trạng", "Số phút"}, rows); err != nil {
		t.Fatal(err)
	}
	got, err := Read(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"STT", "Họ và tên", "Đơn vị", "Tình trạng", "Số phút"}, {"1", "Trần Văn Bình", "Xã Tam Đa", "0912345678", "95.5"},
		{"2", "Lê Thị <Mai> & ", `=HYPERLINK("x")`, "Vắng", "0"}}
	if len(got) != len(want) {
		t.Fatalf("rows = %q", got)
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i, got[i], want[i])
		}
	}
	if _, err := Read(strings.NewReader("họ tên,đơn vị\n")); !errors.Is(err, ErrNotWorkbook) {
		t.Fatalf("a CSV read as a workbook: %v", err)
	}
	if sheetName("Điểm danh: [12/2026]") != "Điểm danh- -12-2026-" || sheetName(strings.Repeat("x", 40)) != strings.Repeat("x", 31) {
		t.Error("sheet names")
	}
	// Read it back with LibreOffice, when it is installed, as a person would.
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but LibreOffice is missing (apt-get install -y libreoffice-calc)")
		}
		t.Skip("LibreOffice not installed")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "diem-danh.xlsx")
	if err := os.WriteFile(in, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("libreoffice: %v\n%s", err, out)
	}
	csv, err := os.ReadFile(filepath.Join(dir, "diem-danh.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// The phone number keeps its zero and the formula stays text.
	for _, want := range []string{"1,Trần Văn Bình,Xã Tam Đa,0912345678,95.5", `"=HYPERLINK(""x"")"`} {
		if !strings.Contains(string(csv), want) {
			t.Fatalf("LibreOffice read (want %s):\n%s", want, csv)
		}
	}
}

// A sheet with a cell far to the right is refused by row before it is
// held in memory at full width; blank rows inside keep their numbers.
func TestReadRefusesARowWiderThanARoster(t *testing.T) {
	wide := make([]string, MaxColumns+1)
	wide[MaxColumns] = "x"
	var buf bytes.Buffer
	header := []string{"Họ và tên"}
	rows := [][]Cell{{"Trần Văn Bình"}, {""}, {"Lê Thị Mai"}}
	if err := Write(&buf, "Danh sách", header, rows); err != nil {
		t.Fatal(err)
	}
	got, err := Read(bytes.NewReader(buf.Bytes()))
	if err != nil || len(got) != 4 || len(got[2]) != 0 || got[3][0] != "Lê Thị Mai" {
		t.Fatalf("rows = %q, %v; want the blank third row kept empty", got, err)
	}
	cells := make([]Cell, len(wide))
	for i, v := range wide {
		cells[i] = v
	}
	buf.Reset()
	if err := Write(&buf, "Danh sách", header, [][]Cell{{"Trần Văn Bình"}, cells}); err != nil {
		t.Fatal(err)
	}
	_, err = Read(bytes.NewReader(buf.Bytes()))
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "row 3 has 257 columns") {
		t.Fatalf("wide row: %v", err)
	}
}
