package xlsx

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestWorkbook(t *testing.T) {
	var buf bytes.Buffer
	rows := [][]Cell{{1, "Trần Văn Bình", "Xã Tam Đa", "Có mặt", 95.5}, {2, "Lê Thị <Mai> & \x01", "Phường Hòa Bình", "Vắng", int64(0)}}
	if err := Write(&buf, "Điểm danh: [12/2026]", []string{"STT", "Họ và tên", "Đơn vị", "Tình trạng", "Số phút"}, rows); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var sheet, wb string
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		switch f.Name {
		case "xl/worksheets/sheet1.xml":
			sheet = string(b)
		case "xl/workbook.xml":
			wb = string(b)
		}
	}
	for _, want := range []string{`<c r="B2" t="inlineStr"><is><t xml:space="preserve">Trần Văn Bình</t></is></c>`, `<c r="E2"><v>95.5</v></c>`,
		`Lê Thị &lt;Mai&gt; &amp; </t>`, `<c r="A1" t="inlineStr" s="1">`} {
		if !strings.Contains(sheet, want) {
			t.Errorf("sheet lacks %q:\n%s", want, sheet)
		}
	}
	if !strings.Contains(wb, `name="Điểm danh- -12-2026-"`) {
		t.Errorf("sheet name not cleaned: %s", wb)
	}
	if column(0) != "A" || column(25) != "Z" || column(26) != "AA" || column(701) != "ZZ" {
		t.Error("column letters")
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
	os.WriteFile(in, buf.Bytes(), 0o644)
	cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("libreoffice: %v\n%s", err, out)
	}
	csv, err := os.ReadFile(filepath.Join(dir, "diem-danh.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(csv), "1,Trần Văn Bình,Xã Tam Đa,Có mặt,95.5") {
		t.Fatalf("LibreOffice read:\n%s", csv)
	}
}
