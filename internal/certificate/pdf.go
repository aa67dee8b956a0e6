package certificate

import (
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"
	"rsc.io/qr"

	"github.com/tdkt/tdkt/internal/model"
)

// PDF writes certificate c as an A4 landscape PDF with the font embedded
// and a QR code that opens verifyURL.
func (s *Service) PDF(w io.Writer, c model.Certificate, verifyURL string) error {
	regular, err := fs.ReadFile(s.fonts, "fonts/NotoSerif-Regular.ttf")
	if err != nil {
		return fmt.Errorf("certificate: font: %w", err)
	}
	bold, err := fs.ReadFile(s.fonts, "fonts/NotoSerif-Bold.ttf")
	if err != nil {
		return fmt.Errorf("certificate: font: %w", err)
	}
	code, err := qr.Encode(verifyURL, qr.M)
	if err != nil {
		return fmt.Errorf("certificate: QR code: %w", err)
	}

	pdf := fpdf.New("L", "mm", "A4", "")
	// The same certificate gives the same file, byte for byte.
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(c.IssuedAt)
	pdf.SetModificationDate(c.IssuedAt)
	pdf.SetTitle(nfc("Giấy chứng nhận "+c.Serial), true)
	pdf.SetAuthor(nfc(s.cfg.Issuer), true)
	pdf.SetCreator("tdkt", true)
	pdf.AddUTF8FontFromBytes("NotoSerif", "", regular)
	pdf.AddUTF8FontFromBytes("NotoSerif", "B", bold)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddPage()
	const W, H = 297.0, 210.0

	// Frame.
	pdf.SetDrawColor(164, 22, 26)
	pdf.SetLineWidth(1.2)
	pdf.Rect(8, 8, W-16, H-16, "D")
	pdf.SetLineWidth(0.3)
	pdf.Rect(11, 11, W-22, H-22, "D")

	text := func(y, size float64, style, s string) {
		pdf.SetFont("NotoSerif", style, size)
		pdf.SetXY(20, y)
		pdf.CellFormat(W-40, size*0.5, nfc(s), "", 0, "C", false, 0, "")
	}
	pdf.SetTextColor(0, 0, 0)
	// Issuer on the left, the national heading on the right, as on official papers.
	pdf.SetFont("NotoSerif", "B", 11)
	pdf.SetXY(16, 18)
	pdf.MultiCell(110, 5.5, nfc(strings.ToUpper(s.cfg.Issuer)), "", "C", false)
	pdf.SetFont("NotoSerif", "B", 11)
	pdf.SetXY(W-16-130, 18)
	pdf.CellFormat(130, 5.5, nfc("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), "", 2, "C", false, 0, "")
	pdf.CellFormat(130, 5.5, nfc("Độc lập - Tự do - Hạnh phúc"), "", 0, "C", false, 0, "")
	pdf.Line(W-16-65-25, 30.5, W-16-65+25, 30.5)

	pdf.SetTextColor(164, 22, 26)
	text(48, 34, "B", "GIẤY CHỨNG NHẬN")
	text(66, 16, "B", "HOÀN THÀNH KHÓA BỒI DƯỠNG")
	pdf.SetTextColor(0, 0, 0)
	text(82, 13, "", "Chứng nhận")
	text(92, 24, "B", c.HolderName)
	text(108, 13, "", "Đơn vị: "+c.UnitName)
	text(118, 13, "", "Đã hoàn thành khóa bồi dưỡng")
	pdf.SetFont("NotoSerif", "B", 15)
	pdf.SetXY(30, 125)
	pdf.MultiCell(W-60, 7.5, nfc("“"+c.CourseTitle+"”"), "", "C", false)
	details := "Thời lượng: " + hours(c.Hours) + " giờ"
	if c.ExamPercent > 0 {
		details += " · Kết quả kiểm tra: " + strconv.FormatFloat(c.ExamPercent, 'f', 0, 64) + "%"
	}
	text(143, 12, "", details)

	// Date and signature on the right.
	d := c.IssuedAt.Local()
	if s.cfg.Location != nil {
		d = c.IssuedAt.In(s.cfg.Location) // a certificate issued at 01:00 in Hà Nội is dated that day, not the day before in UTC
	}
	dateLine := fmt.Sprintf("ngày %02d tháng %02d năm %d", d.Day(), int(d.Month()), d.Year())
	if s.cfg.Place != "" {
		dateLine = s.cfg.Place + ", " + dateLine
	}
	pdf.SetFont("NotoSerif", "", 12)
	pdf.SetXY(W-16-120, 155)
	pdf.CellFormat(120, 6, nfc(dateLine), "", 2, "C", false, 0, "")
	pdf.SetFont("NotoSerif", "B", 12)
	pdf.CellFormat(120, 6, nfc(strings.ToUpper(s.cfg.SignerTitle)), "", 2, "C", false, 0, "")
	pdf.SetY(186)
	pdf.SetX(W - 16 - 120)
	pdf.CellFormat(120, 6, nfc(s.cfg.SignerName), "", 0, "C", false, 0, "")

	// QR code and numbers on the left: drawn as squares, sharp at any size.
	const qx, qy, qsize = 20.0, 150.0, 32.0
	cell := qsize / float64(code.Size)
	pdf.SetFillColor(0, 0, 0)
	for y := 0; y < code.Size; y++ {
		for x := 0; x < code.Size; x++ {
			if code.Black(x, y) {
				pdf.Rect(qx+float64(x)*cell, qy+float64(y)*cell, cell+0.01, cell+0.01, "F")
			}
		}
	}
	pdf.SetFont("NotoSerif", "", 9)
	pdf.SetXY(qx+qsize+4, qy+4)
	pdf.MultiCell(95, 5, nfc("Số: "+c.Serial+"\nMã xác thực: "+c.Code+"\nTra cứu: "+verifyURL), "", "L", false)

	// A revoked certificate still prints, for the record, but says so across
	// the page: a copy must never pass for a valid one.
	if c.Status == model.CertRevoked {
		pdf.SetTextColor(190, 20, 20)
		pdf.SetFont("NotoSerif", "B", 40)
		pdf.SetXY(0, 126)
		pdf.CellFormat(W, 16, nfc("ĐÃ THU HỒI"), "1", 0, "C", false, 0, "")
		pdf.SetFont("NotoSerif", "B", 11)
		pdf.SetXY(16, 200)
		note := "Giấy chứng nhận này đã bị thu hồi"
		if !c.RevokedAt.IsZero() {
			at := c.RevokedAt.Local()
			if s.cfg.Location != nil {
				at = c.RevokedAt.In(s.cfg.Location)
			}
			note += fmt.Sprintf(" ngày %02d/%02d/%d", at.Day(), int(at.Month()), at.Year())
		}
		if c.RevokedReason != "" {
			note += ": " + c.RevokedReason
		}
		pdf.MultiCell(W-32, 5, nfc(note+". Không có giá trị."), "", "C", false)
	}
	return pdf.Output(w)
}

func nfc(s string) string { return norm.NFC.String(s) }

func hours(h float64) string {
	return strings.Replace(strconv.FormatFloat(h, 'f', -1, 64), ".", ",", 1)
}
