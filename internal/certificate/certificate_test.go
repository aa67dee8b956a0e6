package certificate

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
	"github.com/tdkt/tdkt/internal/store/storetest"
	"github.com/tdkt/tdkt/static"
)

type fixture struct {
	svc   *Service
	db    *store.DB
	co    *course.Course
	users []model.User
	now   time.Time
}

const mod = "---\ntitle: \"%s\"\norder: %d\nestimated_minutes: 10\nobjectives:\n  - \"Hiểu\"\nlegal_documents:\n  - number: \"06/2022/QH15\"\n    articles: [\"Điều 5\"]\nlast_reviewed: 2026-11-20\n---\n## Nội dung\n\nVăn bản.\n"

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	files := fstest.MapFS{
		"khoa/course.md":      {Data: []byte("---\ntitle: \"Nghiệp vụ công tác thi đua, khen thưởng\"\norder: 1\nexam:\n  questions: 1\n  time_limit_minutes: 10\n  pass_percent: 70\ncertificate:\n  hours: 8\n  require_modules: all\n  exam_min_percent: 80\n  live_attendance_percent: 80\n---\nGiới thiệu.\n")},
		"khoa/01-mot.md":      {Data: []byte(strings.NewReplacer("%s", "Bài một", "%d", "1").Replace(mod))},
		"khoa/02-hai.md":      {Data: []byte(strings.NewReplacer("%s", "Bài hai", "%d", "2").Replace(mod))},
		"khoa/questions/q.md": {Data: []byte("## c1\ntype: truefalse\ndifficulty: easy\ntags: a\ncite: 06/2022/QH15 Điều 5\nanswer: đúng\n\nĐúng?\n\n> Vì.\n")},
	}
	cat, probs := course.Load(files)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	db, err := store.Open(ctx, storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{db: db, co: cat.Course("khoa"), now: time.Date(2026, 11, 22, 9, 30, 0, 0, time.Local)}
	f.svc = New(db, cat, Config{Issuer: "Hội đồng Thi đua – Khen thưởng tỉnh Minh Họa", SignerTitle: "Chủ tịch",
		SignerName: "Nguyễn Văn Thắng", Place: "Minh Họa"}, static.Fonts, nil)
	f.svc.SetClock(func() time.Time { return f.now })
	err = db.WithTx(ctx, func(tx *store.Tx) error {
		unit := model.Unit{Code: "X1", Name: "Xã Tân Lập", Kind: model.KindOther}
		if err := tx.CreateUnit(ctx, &unit); err != nil {
			return err
		}
		for _, n := range []string{"Trần Văn Bình", "Lê Thị Mai", "Phạm Quốc Anh"} {
			u := model.User{Username: strings.ToLower(strings.Fields(n)[2]), FullName: n, Role: model.RoleTrainee, UnitID: unit.ID, PasswordHash: "h"}
			if err := tx.CreateUser(ctx, &u); err != nil {
				return err
			}
			f.users = append(f.users, u)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// complete finishes every module and passes the exam with pct percent.
func (f *fixture) complete(t *testing.T, u model.User, modules int, pct float64) {
	t.Helper()
	ctx := context.Background()
	err := f.db.WithTx(ctx, func(tx *store.Tx) error {
		for _, m := range f.co.Modules[:modules] {
			if err := tx.CompleteModule(ctx, u.ID, "khoa", m.ID, f.now); err != nil {
				return err
			}
		}
		if pct < 0 {
			return nil
		}
		a := model.Attempt{UserID: u.ID, CourseID: "khoa", Kind: model.AttemptExam, Questions: []string{"c1"}, StartedAt: f.now}
		if err := tx.CreateAttempt(ctx, &a); err != nil {
			return err
		}
		a.SubmittedAt, a.Score, a.MaxScore = f.now, pct, 100
		return tx.SubmitAttempt(ctx, a, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRulesIssueRevokeReissue(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	binh, mai, anh := f.users[0], f.users[1], f.users[2]

	st, err := f.svc.Status(ctx, binh.ID, f.co)
	if err != nil || st.Eligible || len(st.Requirements) != 3 {
		t.Fatalf("status before = %+v, %v", st, err)
	}
	if _, _, err := f.svc.IssueIfEligible(ctx, binh, f.co, 0); !errors.Is(err, ErrNotEligible) {
		t.Fatalf("issue before: %v", err)
	}
	f.complete(t, binh, 2, 75) // exam below the certificate's 80%
	st, _ = f.svc.Status(ctx, binh.ID, f.co)
	if st.Eligible || !st.Requirements[0].Done || st.Requirements[1].Done || !st.Requirements[2].Done {
		t.Fatalf("status with 75%% = %+v", st.Requirements)
	}
	f.complete(t, binh, 2, 90)
	c, issued, err := f.svc.IssueIfEligible(ctx, binh, f.co, 0)
	if err != nil || !issued {
		t.Fatalf("issue: %v", err)
	}
	if c.Serial != "TDKT-2026-000001" || !regexp.MustCompile(`^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$`).MatchString(c.Code) ||
		c.HolderName != "Trần Văn Bình" || c.UnitName != "Xã Tân Lập" || c.Hours != 8 || c.ExamPercent != 90 {
		t.Fatalf("certificate = %+v", c)
	}
	if again, issued, err := f.svc.IssueIfEligible(ctx, binh, f.co, 0); err != nil || issued || again.ID != c.ID {
		t.Fatalf("second issue: %+v %v %v", again, issued, err)
	}
	// Bulk: Mai qualifies, Anh does not, Bình already has one.
	f.complete(t, mai, 2, 100)
	f.complete(t, anh, 1, -1)
	r, err := f.svc.BulkIssue(ctx, f.co, []model.User{binh, mai, anh}, 42)
	if err != nil || r != (BulkResult{Issued: 1, Already: 1, NotEligible: 1}) {
		t.Fatalf("bulk = %+v, %v", r, err)
	}
	// Verification takes the code as people type it.
	got, err := f.svc.Verify(ctx, strings.ToLower(strings.ReplaceAll(c.Code, "-", " ")))
	if err != nil || got.ID != c.ID {
		t.Fatalf("verify: %+v %v", got, err)
	}
	if _, err := f.svc.Verify(ctx, "AAAA-BBBB-CCCC-DDDD"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown code: %v", err)
	}
	// Revocation needs a reason and is recorded.
	if err := f.svc.Revoke(ctx, c.ID, "  ", 7); !errors.Is(err, ErrReason) {
		t.Fatalf("revoke without reason: %v", err)
	}
	f.now = f.now.Add(time.Hour)
	nc, err := f.svc.Reissue(ctx, c.ID, "Sửa họ tên theo căn cước", 7)
	if err != nil || nc.Serial != "TDKT-2026-000003" || nc.Code == c.Code {
		t.Fatalf("reissue: %+v %v", nc, err)
	}
	old, _ := f.svc.Get(ctx, c.ID)
	if old.Status != model.CertRevoked || old.ReplacedBy != nc.ID || old.RevokedReason != "Sửa họ tên theo căn cước" {
		t.Fatalf("old after reissue = %+v", old)
	}
	if err := f.svc.Revoke(ctx, c.ID, "lần nữa", 7); !errors.Is(err, ErrRevoked) {
		t.Fatalf("revoke twice: %v", err)
	}
	if _, err := f.svc.Reissue(ctx, c.ID, "lần nữa", 7); !errors.Is(err, ErrRevoked) {
		t.Fatalf("reissue of a replaced certificate: %v", err)
	}
	if err := f.svc.Revoke(ctx, nc.ID, "Vi phạm quy chế kiểm tra", 7); err != nil {
		t.Fatal(err)
	}
	ev, _ := f.svc.Events(ctx, c.ID)
	if len(ev) != 2 || ev[0].Action != "issue" || ev[0].ActorID != 0 || ev[1].Action != "revoke" || ev[1].ActorID != 7 {
		t.Fatalf("events of the first = %+v", ev)
	}
	ev, _ = f.svc.Events(ctx, nc.ID)
	if len(ev) != 2 || ev[0].Action != "reissue" || ev[1].Action != "revoke" || ev[1].Reason != "Vi phạm quy chế kiểm tra" {
		t.Fatalf("events of the second = %+v", ev)
	}
	// A revocation stands: neither the automatic nor the bulk issue undoes it.
	if _, _, err := f.svc.IssueIfEligible(ctx, binh, f.co, 0); !errors.Is(err, ErrWithdrawn) {
		t.Fatalf("automatic issue after revocation: %v", err)
	}
	if r, err := f.svc.BulkIssue(ctx, f.co, []model.User{binh}, 42); err != nil || r.Withdrawn != 1 || r.Issued != 0 {
		t.Fatalf("bulk after revocation: %+v %v", r, err)
	}
	// Only an admin's re-issue gives a new one.
	back, err := f.svc.Reissue(ctx, nc.ID, "Kết luận thanh tra: không vi phạm", 7)
	if err != nil || back.Status != model.CertValid {
		t.Fatalf("reissue after revocation: %+v %v", back, err)
	}
	if revoked, _ := f.svc.Get(ctx, nc.ID); revoked.ReplacedBy != back.ID || revoked.RevokedReason != "Vi phạm quy chế kiểm tra" {
		t.Fatalf("revoked certificate after reissue: %+v", revoked)
	}
	// Disabled accounts are left out of bulk issues.
	anh.Disabled = true
	f.complete(t, anh, 2, 100)
	if r, _ := f.svc.BulkIssue(ctx, f.co, []model.User{anh}, 42); r != (BulkResult{}) {
		t.Fatalf("bulk with a disabled account: %+v", r)
	}
}

// tool finds a command the PDF tests need; missing ones skip the test unless CI is set.
func tool(t *testing.T, name string) string {
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is missing (apt-get install -y poppler-utils zbar-tools)", name)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

func TestPDFHasTheTextTheFontAndTheQRCode(t *testing.T) {
	pdftotext, pdffonts, pdftoppm, zbarimg := tool(t, "pdftotext"), tool(t, "pdffonts"), tool(t, "pdftoppm"), tool(t, "zbarimg")
	f := newFixture(t)
	ctx := context.Background()
	f.complete(t, f.users[0], 2, 92)
	c, _, err := f.svc.IssueIfEligible(ctx, f.users[0], f.co, 0)
	if err != nil {
		t.Fatal(err)
	}
	url := "https://tdkt.minhhoa.gov.vn/verify/" + c.Code
	dir := t.TempDir()
	file := filepath.Join(dir, "cert.pdf")
	var buf bytes.Buffer
	if err := f.svc.PDF(&buf, c, url); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	// Only the glyphs used are embedded: the whole fonts would be over 1 MB.
	if buf.Len() > 200_000 {
		t.Errorf("certificate PDF is %d bytes: the fonts are not subset", buf.Len())
	}
	out, err := exec.Command(pdftotext, "-layout", file, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	txt := string(out)
	for _, want := range []string{"GIẤY CHỨNG NHẬN", "HOÀN THÀNH KHÓA BỒI DƯỠNG", "Trần Văn Bình", "Đơn vị: Xã Tân Lập",
		"Nghiệp vụ công tác thi đua, khen thưởng", "Thời lượng: 8 giờ", "Kết quả kiểm tra: 92%", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"Độc lập - Tự do - Hạnh phúc", "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG TỈNH MINH HỌA", "Minh Họa, ngày 22 tháng 11 năm 2026",
		"CHỦ TỊCH", "Nguyễn Văn Thắng", "Số: " + c.Serial, "Mã xác thực: " + c.Code} {
		if !strings.Contains(txt, want) {
			t.Errorf("pdftotext lacks %q", want)
		}
	}
	if strings.Contains(txt, "?") {
		t.Errorf("a glyph came out as \"?\":\n%s", txt)
	}
	fonts, err := exec.Command(pdffonts, file).Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(fonts)), "\n")
	if len(lines) < 3 {
		t.Fatalf("pdffonts: %s", fonts)
	}
	for _, l := range lines[2:] {
		cols := strings.Fields(l)
		// name type encoding emb sub uni object ID: emb is the fifth column from the end.
		if len(cols) < 7 || !strings.Contains(strings.ToLower(cols[0]), "notoserif") || cols[len(cols)-5] != "yes" {
			t.Errorf("font not embedded: %q", l)
		}
	}
	if err := exec.Command(pdftoppm, "-png", "-r", "150", "-singlefile", file, filepath.Join(dir, "page")).Run(); err != nil {
		t.Fatal(err)
	}
	qr, err := exec.Command(zbarimg, "--raw", "-q", filepath.Join(dir, "page.png")).Output()
	if err != nil {
		t.Fatalf("zbarimg found no code: %v", err)
	}
	if got := strings.TrimSpace(string(qr)); got != url {
		t.Fatalf("QR decodes to %q, want %q", got, url)
	}
	// The same certificate renders to the same file.
	var again bytes.Buffer
	if err := f.svc.PDF(&again, c, url); err != nil || !bytes.Equal(again.Bytes(), buf.Bytes()) {
		t.Error("the PDF is not reproducible")
	}
}

// A revoked certificate's PDF says so across the page, with the date and
// the reason.
func TestRevokedPDFIsMarked(t *testing.T) {
	pdftotext := tool(t, "pdftotext")
	f := newFixture(t)
	ctx := context.Background()
	f.complete(t, f.users[0], 2, 92)
	c, _, err := f.svc.IssueIfEligible(ctx, f.users[0], f.co, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.Revoke(ctx, c.ID, "Cấp nhầm người", 0); err != nil {
		t.Fatal(err)
	}
	c, _ = f.svc.Get(ctx, c.ID)
	var buf bytes.Buffer
	if err := f.svc.PDF(&buf, c, "https://x/verify/"+c.Code); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "revoked.pdf")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, file, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ĐÃ THU HỒI", "Giấy chứng nhận này đã bị thu hồi ngày", "Cấp nhầm người", "Không có giá trị."} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the revoked PDF lacks %q:\n%s", want, out)
		}
	}
}
