// Package certificate owns course certificates: who has earned one under the
// course's rules, issuing (automatically and in bulk), revoking and
// re-issuing with a record of who did it, public verification, and the PDF.
package certificate

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// Errors the web layer explains.
var (
	ErrNoCertificate = errors.New("certificate: the course gives no certificate")
	ErrNotEligible   = errors.New("certificate: requirements not met")
	ErrNotFound      = errors.New("certificate: not found")
	ErrRevoked       = errors.New("certificate: already revoked")
	ErrReason        = errors.New("certificate: a reason is required")
	// ErrWithdrawn: the trainee's certificate was revoked; only an admin's
	// re-issue gives a new one, never the automatic or bulk issue.
	ErrWithdrawn = errors.New("certificate: revoked, to be re-issued only by an admin")
)

// Attendance reports a trainee's attendance of the live sessions a course
// marks as required. Live sessions plug in here; until they exist, nothing is
// required.
type Attendance interface {
	Attendance(ctx context.Context, userID int64, courseID string) (attended, required int, err error)
}

// Config is what the certificate prints about who issues it.
type Config struct {
	Issuer      string // e.g. "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG TỈNH MINH HỌA"
	SignerTitle string // e.g. "CHỦ TỊCH"
	SignerName  string
	Place       string // for the date line: "Minh Họa, ngày … tháng … năm …"
	// Location is the zone of the date line (Vietnam time); nil: the
	// machine's zone.
	Location *time.Location
}

// Service issues and checks certificates.
type Service struct {
	db    *store.DB
	cat   *course.Catalog
	cfg   Config
	fonts fs.FS
	att   Attendance
	now   func() time.Time
}

// New returns the certificate service. fonts holds fonts/NotoSerif-*.ttf;
// att may be nil while no live sessions exist.
func New(db *store.DB, cat *course.Catalog, cfg Config, fonts fs.FS, att Attendance) *Service {
	return &Service{db: db, cat: cat, cfg: cfg, fonts: fonts, att: att, now: time.Now}
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Requirement is one rule of a course's certificate and where the trainee stands.
type Requirement struct {
	Key  string  // modules, exam, live
	Done bool    //
	Have float64 // modules done, best exam percent, sessions attended
	Need float64 // modules required, exam percent required, sessions required × share
	Of   float64 // for live: sessions required
}

// Status is a trainee's standing against a course's certificate rules.
type Status struct {
	Course       *course.Course
	Requirements []Requirement
	Eligible     bool
	BestExam     float64
	Certificate  *model.Certificate // the valid certificate, if issued
}

// Status works out what the user has done and what is missing.
func (s *Service) Status(ctx context.Context, userID int64, co *course.Course) (Status, error) {
	st := Status{Course: co}
	if co.Cert == nil {
		return st, ErrNoCertificate
	}
	progress, err := s.db.UserProgress(ctx, userID)
	if err != nil {
		return st, fmt.Errorf("certificate: status: %w", err)
	}
	done := map[string]bool{}
	for _, p := range progress {
		if p.CourseID == co.ID && p.Done() {
			done[p.ModuleID] = true
		}
	}
	req := co.RequiredModules()
	have := 0
	for _, m := range req {
		if done[m.ID] {
			have++
		}
	}
	st.Requirements = append(st.Requirements, Requirement{Key: "modules", Done: have == len(req), Have: float64(have), Need: float64(len(req))})
	if co.Exam != nil {
		attempts, err := s.db.Attempts(ctx, userID, co.ID, model.AttemptExam)
		if err != nil {
			return st, fmt.Errorf("certificate: status: %w", err)
		}
		for _, a := range attempts {
			if !a.Open() && a.Percent() > st.BestExam {
				st.BestExam = a.Percent()
			}
		}
		need := co.Cert.ExamMinPercent
		if need == 0 {
			need = co.Exam.PassPercent
		}
		st.Requirements = append(st.Requirements, Requirement{Key: "exam", Done: st.BestExam >= need, Have: st.BestExam, Need: need})
	}
	if share := co.Cert.LiveAttendancePercent; share > 0 {
		attended, required := 0, 0
		if s.att != nil {
			if attended, required, err = s.att.Attendance(ctx, userID, co.ID); err != nil {
				return st, fmt.Errorf("certificate: attendance: %w", err)
			}
		}
		ok := required == 0 || float64(attended)*100 >= share*float64(required)
		st.Requirements = append(st.Requirements, Requirement{Key: "live", Done: ok, Have: float64(attended), Need: share, Of: float64(required)})
	}
	st.Eligible = true
	for _, r := range st.Requirements {
		st.Eligible = st.Eligible && r.Done
	}
	if c, err := s.db.ValidCertificate(ctx, userID, co.ID); err == nil {
		st.Certificate = &c
	} else if !errors.Is(err, store.ErrNotFound) {
		return st, fmt.Errorf("certificate: status: %w", err)
	}
	return st, nil
}

// newCode returns 80 random bits as 16 base32 letters in groups of four,
// easy to read over the phone and far beyond guessing.
func newCode() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	c := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
	return c[0:4] + "-" + c[4:8] + "-" + c[8:12] + "-" + c[12:16]
}

// NormalizeCode turns what a person typed (any case, spaces, missing dashes)
// into the stored form of a code.
func NormalizeCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r >= 'A' && r <= 'Z' || r >= '2' && r <= '7' {
			b.WriteRune(r)
		}
	}
	c := b.String()
	if len(c) != 16 {
		return c
	}
	return c[0:4] + "-" + c[4:8] + "-" + c[8:12] + "-" + c[12:16]
}

// IssueIfEligible issues the user's certificate when the rules are met and
// none is valid yet. actorID is 0 when the platform issues it by itself.
func (s *Service) IssueIfEligible(ctx context.Context, user model.User, co *course.Course, actorID int64) (model.Certificate, bool, error) {
	st, err := s.Status(ctx, user.ID, co)
	if err != nil {
		return model.Certificate{}, false, err
	}
	if st.Certificate != nil {
		return *st.Certificate, false, nil
	}
	if !st.Eligible {
		return model.Certificate{}, false, ErrNotEligible
	}
	if revoked, err := s.db.RevokedWithoutReplacement(ctx, user.ID, co.ID); err != nil {
		return model.Certificate{}, false, err
	} else if revoked {
		return model.Certificate{}, false, ErrWithdrawn
	}
	c, err := s.issue(ctx, user, co, st.BestExam, "issue", actorID, "", 0)
	if errors.Is(err, store.ErrDuplicate) { // issued by a concurrent request a moment ago
		c, err = s.db.ValidCertificate(ctx, user.ID, co.ID)
		return c, false, err
	}
	return c, err == nil, err
}

func (s *Service) issue(ctx context.Context, user model.User, co *course.Course, exam float64, action string, actorID int64, reason string, replaces int64) (model.Certificate, error) {
	unit, err := s.db.UnitByID(ctx, user.UnitID)
	if err != nil {
		return model.Certificate{}, fmt.Errorf("certificate: unit of %s: %w", user.Username, err)
	}
	c := model.Certificate{Code: newCode(), UserID: user.ID, CourseID: co.ID, HolderName: norm.NFC.String(user.FullName),
		UnitName: norm.NFC.String(unit.Name), CourseTitle: norm.NFC.String(co.Title), Hours: co.Cert.Hours, ExamPercent: exam,
		IssuedAt: s.now()}
	err = s.db.WithTx(ctx, func(tx *store.Tx) error {
		if replaces != 0 {
			if err := tx.RevokeCertificate(ctx, replaces, c.IssuedAt, reason, 0); err != nil {
				return err
			}
			if err := tx.AddCertEvent(ctx, replaces, "revoke", actorID, c.IssuedAt, reason); err != nil {
				return err
			}
		}
		if err := tx.CreateCertificate(ctx, &c, action, actorID, reason); err != nil {
			return err
		}
		if action == "reissue" {
			if err := tx.Audit(ctx, c.IssuedAt, actorID, "certificate.reissue", fmt.Sprintf("certificate:%d", c.ID),
				map[string]int64{"replaces": replaces}, map[string]string{"serial": c.Serial, "holder": c.HolderName, "reason": reason}); err != nil {
				return err
			}
		}
		if replaces != 0 {
			return tx.SetReplacement(ctx, replaces, c.ID)
		}
		return nil
	})
	if errors.Is(err, store.ErrClosed) {
		return c, ErrRevoked
	}
	if err != nil {
		return c, fmt.Errorf("certificate: issue: %w", err)
	}
	return c, nil
}

// BulkResult counts what a bulk issue did.
type BulkResult struct {
	Issued, Already, NotEligible, Withdrawn int
}

// BulkIssue issues the course certificate to every listed trainee who meets
// the rules; the others are counted, not failed.
func (s *Service) BulkIssue(ctx context.Context, co *course.Course, users []model.User, actorID int64) (BulkResult, error) {
	var r BulkResult
	if co.Cert == nil {
		return r, ErrNoCertificate
	}
	for _, u := range users {
		if u.Disabled {
			continue
		}
		_, issued, err := s.IssueIfEligible(ctx, u, co, actorID)
		switch {
		case errors.Is(err, ErrNotEligible):
			r.NotEligible++
		case errors.Is(err, ErrWithdrawn):
			r.Withdrawn++
		case err != nil:
			return r, err
		case issued:
			r.Issued++
		default:
			r.Already++
		}
	}
	return r, nil
}

func checkReason(reason string) (string, error) {
	reason = strings.TrimSpace(norm.NFC.String(reason))
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return "", ErrReason
	}
	return reason, nil
}

// Revoke withdraws a valid certificate, recording the reason and who did it.
func (s *Service) Revoke(ctx context.Context, id int64, reason string, actorID int64) error {
	reason, err := checkReason(reason)
	if err != nil {
		return err
	}
	now := s.now()
	err = s.db.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.RevokeCertificate(ctx, id, now, reason, 0); err != nil {
			return err
		}
		if err := tx.AddCertEvent(ctx, id, "revoke", actorID, now, reason); err != nil {
			return err
		}
		return tx.Audit(ctx, now, actorID, "certificate.revoke", fmt.Sprintf("certificate:%d", id), nil, map[string]string{"reason": reason})
	})
	if errors.Is(err, store.ErrClosed) {
		if _, e := s.db.Certificate(ctx, id); errors.Is(e, store.ErrNotFound) {
			return ErrNotFound
		}
		return ErrRevoked
	}
	return err
}

// Reissue replaces a certificate by a new one with a new number and code,
// from the holder's current name and unit (after a correction, say). A valid
// one is revoked and points to the new; a revoked one not yet replaced can
// be re-issued too, which is the only way back after a revocation.
func (s *Service) Reissue(ctx context.Context, id int64, reason string, actorID int64) (model.Certificate, error) {
	reason, err := checkReason(reason)
	if err != nil {
		return model.Certificate{}, err
	}
	old, err := s.db.Certificate(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return old, ErrNotFound
	}
	if err != nil {
		return old, err
	}
	if old.ReplacedBy != 0 {
		return old, ErrRevoked
	}
	co := s.cat.Course(old.CourseID)
	if co == nil || co.Cert == nil {
		return old, ErrNoCertificate
	}
	user, err := s.db.UserByID(ctx, old.UserID)
	if err != nil {
		return old, fmt.Errorf("certificate: reissue: %w", err)
	}
	replaces := old.ID
	if old.Status != model.CertValid {
		replaces = 0 // already revoked: only link it to the new one
	}
	nc, err := s.issue(ctx, user, co, old.ExamPercent, "reissue", actorID, reason, replaces)
	if err == nil && replaces == 0 {
		err = s.db.WithTx(ctx, func(tx *store.Tx) error { return tx.SetReplacement(ctx, old.ID, nc.ID) })
	}
	return nc, err
}

// Verify finds a certificate by the code printed on it.
func (s *Service) Verify(ctx context.Context, code string) (model.Certificate, error) {
	c, err := s.db.CertificateByCode(ctx, NormalizeCode(code))
	if errors.Is(err, store.ErrNotFound) {
		return c, ErrNotFound
	}
	return c, err
}

// Get returns one certificate.
func (s *Service) Get(ctx context.Context, id int64) (model.Certificate, error) {
	c, err := s.db.Certificate(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return c, ErrNotFound
	}
	return c, err
}

// List returns the certificates of a course ("" for all), newest first, of
// the holders within sc.
func (s *Service) List(ctx context.Context, courseID string, sc model.Scope) ([]model.Certificate, error) {
	return s.db.Certificates(ctx, courseID, sc.UnitIDs())
}

// Events returns what was done to a certificate and by whom.
func (s *Service) Events(ctx context.Context, id int64) ([]model.CertEvent, error) {
	return s.db.CertEvents(ctx, id)
}
