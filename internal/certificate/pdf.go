package certificate

import (
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/signintech/gopdf"
	"golang.org/x/text/unicode/norm"
	"rsc.io/qr"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/viet"
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

	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4Landscape, Unit: gopdf.UnitMM})
	// The same certificate gives the same file, byte for byte: the only
	// date inside is the issue date.
	pdf.SetInfo(gopdf.PdfInfo{Title: nfc("Giấy chứng nhận " + c.Serial), Author: nfc(s.cfg.Issuer), Creator: "tdkt", Producer: "tdkt", CreationDate: c.IssuedAt})
	if err := pdf.AddTTFFontDataWithOption("NotoSerif", regular, gopdf.TtfOption{Style: gopdf.Regular}); err != nil {
		return fmt.Errorf("certificate: font: %w", err)
	}
	if err := pdf.AddTTFFontDataWithOption("NotoSerif", bold, gopdf.TtfOption{Style: gopdf.Bold}); err != nil {
		return fmt.Errorf("certificate: font: %w", err)
	}
	pdf.AddPage()
	const W, H = 297.0, 210.0
	p := &page{pdf: pdf}

	// Frame.
	pdf.SetStrokeColor(164, 22, 26)
	pdf.SetLineWidth(1.2)
	pdf.RectFromUpperLeftWithStyle(8, 8, W-16, H-16, "D")
	pdf.SetLineWidth(0.3)
	pdf.RectFromUpperLeftWithStyle(11, 11, W-22, H-22, "D")

	text := func(y, size float64, style, s string) { p.lines(20, y, W-40, size*0.5, size, style, gopdf.Center, s) }
	pdf.SetTextColor(0, 0, 0)
	// Issuer on the left, the national heading on the right, as on official papers.
	p.lines(16, 18, 110, 5.5, 11, "B", gopdf.Center, strings.ToUpper(s.cfg.Issuer))
	p.lines(W-16-130, 18, 130, 5.5, 11, "B", gopdf.Center, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
	pdf.SetStrokeColor(0, 0, 0)
	pdf.SetLineWidth(0.3)
	pdf.Line(W-16-65-25, 30.5, W-16-65+25, 30.5)

	pdf.SetTextColor(164, 22, 26)
	text(48, 34, "B", "GIẤY CHỨNG NHẬN")
	text(66, 16, "B", "HOÀN THÀNH KHÓA BỒI DƯỠNG")
	pdf.SetTextColor(0, 0, 0)
	text(82, 13, "", "Chứng nhận")
	text(92, 24, "B", c.HolderName)
	text(108, 13, "", "Đơn vị: "+c.UnitName)
	text(118, 13, "", "Đã hoàn thành khóa bồi dưỡng")
	p.lines(30, 125, W-60, 7.5, 15, "B", gopdf.Center, "“"+c.CourseTitle+"”")
	details := "Thời lượng: " + hours(c.Hours) + " giờ"
	if c.ExamPercent > 0 {
		details += " · Kết quả kiểm tra: " + viet.Pct(c.ExamPercent, "vi") // to one decimal, as the certificate page shows it
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
	p.lines(W-16-120, 155, 120, 6, 12, "", gopdf.Center, dateLine)
	p.lines(W-16-120, 161, 120, 6, 12, "B", gopdf.Center, strings.ToUpper(s.cfg.SignerTitle))
	p.lines(W-16-120, 186, 120, 6, 12, "", gopdf.Center, s.cfg.SignerName)

	// QR code and numbers on the left: drawn as squares, sharp at any size.
	const qx, qy, qsize = 20.0, 150.0, 32.0
	cell := qsize / float64(code.Size)
	pdf.SetFillColor(0, 0, 0)
	for y := 0; y < code.Size; y++ {
		for x := 0; x < code.Size; x++ {
			if code.Black(x, y) {
				pdf.RectFromUpperLeftWithStyle(qx+float64(x)*cell, qy+float64(y)*cell, cell+0.01, cell+0.01, "F")
			}
		}
	}
	p.lines(qx+qsize+4, qy+4, 95, 5, 9, "", gopdf.Left, "Số: "+c.Serial+"\nMã xác thực: "+c.Code+"\nTra cứu: "+verifyURL)

	// A revoked certificate still prints, for the record, but says so across
	// the page: a copy must never pass for a valid one.
	if c.Status == model.CertRevoked {
		pdf.SetTextColor(190, 20, 20)
		pdf.SetStrokeColor(190, 20, 20)
		pdf.SetLineWidth(0.6)
		pdf.RectFromUpperLeftWithStyle(8, 126, W-16, 16, "D")
		p.lines(0, 128, W, 16, 40, "B", gopdf.Center, "ĐÃ THU HỒI")
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
		p.lines(16, 196, W-32, 5, 11, "B", gopdf.Center, note+". Không có giá trị.")
	}
	if p.err != nil {
		return fmt.Errorf("certificate: PDF: %w", p.err)
	}
	if _, err := pdf.WriteTo(w); err != nil {
		return fmt.Errorf("certificate: write PDF: %w", err)
	}
	return nil
}

// page writes text on the certificate and keeps the first error, so the
// layout above reads as a list of lines.
type page struct {
	pdf *gopdf.GoPdf
	err error
}

// lines writes s (NFC, "\n" for new lines, long lines wrapped at words)
// in a box w wide from (x, y), one line every lineH, aligned by align.
func (p *page) lines(x, y, w, lineH, size float64, style string, align int, s string) {
	if p.err != nil {
		return
	}
	if p.err = p.pdf.SetFont("NotoSerif", style, size); p.err != nil {
		return
	}
	for _, para := range strings.Split(nfc(s), "\n") {
		wrapped, err := p.pdf.SplitTextWithWordWrap(para, w)
		if err != nil || len(wrapped) == 0 {
			wrapped = []string{para}
		}
		for _, l := range wrapped {
			p.pdf.SetXY(x, y)
			if p.err = p.pdf.CellWithOption(&gopdf.Rect{W: w, H: lineH}, l, gopdf.CellOption{Align: align | gopdf.Top}); p.err != nil {
				return
			}
			y += lineH
		}
	}
}

func nfc(s string) string { return norm.NFC.String(s) }

// hours is the course's length the Vietnamese way (1,5): the certificate is
// a Vietnamese paper whatever language its holder reads the site in.
func hours(h float64) string { return viet.Num(h, 2, "vi") }
