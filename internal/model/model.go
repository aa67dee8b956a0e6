// Package model holds the plain data types shared by the store and the domain packages.
package model

import (
	"slices"
	"strings"
	"time"
)

// Role is what a user may do on the platform.
type Role string

const (
	RoleAdmin   Role = "admin"
	RoleTrainer Role = "trainer"
	RoleTrainee Role = "trainee"
)

// Roles lists the valid roles in display order.
var Roles = []Role{RoleAdmin, RoleTrainer, RoleTrainee}

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	for _, v := range Roles {
		if r == v {
			return true
		}
	}
	return false
}

// UnitKind places a unit in Vietnam's administrative structure since 01/7/2025:
// province-level units, commune-level units under them, and agencies.
type UnitKind string

const (
	KindProvince    UnitKind = "tinh"      // tỉnh
	KindCity        UnitKind = "thanh_pho" // thành phố trực thuộc trung ương
	KindCommune     UnitKind = "xa"        // xã
	KindWard        UnitKind = "phuong"    // phường
	KindSpecialZone UnitKind = "dac_khu"   // đặc khu
	KindAgency      UnitKind = "so_nganh"  // sở, ban, ngành cấp tỉnh
	KindMinistry    UnitKind = "bo_nganh"  // bộ, ngành trung ương
	KindOther       UnitKind = "don_vi"    // cơ quan, đơn vị khác
)

// UnitKinds lists the valid kinds in display order.
var UnitKinds = []UnitKind{KindProvince, KindCity, KindCommune, KindWard, KindSpecialZone, KindAgency, KindMinistry, KindOther}

// Valid reports whether k is one of the known kinds.
func (k UnitKind) Valid() bool {
	for _, v := range UnitKinds {
		if k == v {
			return true
		}
	}
	return false
}

// ProvinceLevel reports whether k is a tỉnh or thành phố.
func (k UnitKind) ProvinceLevel() bool { return k == KindProvince || k == KindCity }

// CommuneLevel reports whether k is a xã, phường or đặc khu.
func (k UnitKind) CommuneLevel() bool {
	return k == KindCommune || k == KindWard || k == KindSpecialZone
}

// Unit is a node of the administrative tree; every user belongs to one.
type Unit struct {
	ID        int64
	Code      string
	Name      string
	Kind      UnitKind
	ParentID  int64 // 0 when the unit has no parent
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Scope is the part of the unit tree a user sees and acts on: everything
// for an administrator; for a trainer, the units in charge and every unit
// below them.
type Scope struct {
	All   bool
	Units map[int64]bool
	Roots []int64 // the units in charge, for display; empty when All
}

// Has says whether unit id is within the scope.
func (s Scope) Has(id int64) bool { return s.All || s.Units[id] }

// UnitIDs lists the units of a limited scope, sorted; nil when All.
func (s Scope) UnitIDs() []int64 {
	if s.All {
		return nil
	}
	out := make([]int64, 0, len(s.Units))
	for id := range s.Units {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// User is an account on the platform.
type User struct {
	ID                 int64
	Username           string
	FullName           string
	Role               Role
	UnitID             int64
	PasswordHash       string
	MustChangePassword bool
	Disabled           bool
	Phone              string // 0xxxxxxxxx, or empty
	Email              string
	FailedLogins       int
	LockedUntil        time.Time
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// GivenName is the last word of a Vietnamese full name (tên), by which lists are sorted.
func (u User) GivenName() string {
	f := strings.Fields(u.FullName)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

// Session is a server-side login session; only the hash of its token is stored.
type Session struct {
	TokenHash  string
	UserID     int64
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
	IP         string
	UserAgent  string
}

// ModuleProgress is one trainee's state on one module.
type ModuleProgress struct {
	UserID      int64
	CourseID    string
	ModuleID    string
	FirstSeenAt time.Time
	LastSeenAt  time.Time
	CompletedAt time.Time // zero until the module is done
}

// Done reports whether the module was completed.
func (p ModuleProgress) Done() bool { return !p.CompletedAt.IsZero() }

// Text is a message in both UI languages, so domain packages can explain a
// problem without knowing which language the user reads.
type Text struct{ VI, EN string }

// In returns the text in lang ("vi" or "en"); Vietnamese is the default.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.VI
}

// FieldError says what is wrong with one input field.
type FieldError struct {
	Field string
	Msg   Text
}

// ValidationError collects the field errors of one input; nothing is stored when it is returned.
type ValidationError []FieldError

func (v ValidationError) Error() string {
	parts := make([]string, len(v))
	for i, fe := range v {
		parts[i] = fe.Field + ": " + fe.Msg.EN
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// For returns the message for field, if any.
func (v ValidationError) For(field string) (Text, bool) {
	for _, fe := range v {
		if fe.Field == field {
			return fe.Msg, true
		}
	}
	return Text{}, false
}

// Attempt kinds.
const (
	AttemptExam     = "exam"
	AttemptPractice = "practice"
)

// Attempt is one sitting of an exam, or a trainee's practice on one module.
type Attempt struct {
	ID            int64
	UserID        int64
	CourseID      string
	Kind          string
	ModuleID      string
	Seed          uint64
	Questions     []string // question ids in the order of the paper
	StartedAt     time.Time
	DeadlineAt    time.Time // zero: no time limit
	SubmittedAt   time.Time // zero while open
	AutoSubmitted bool
	Score         float64
	MaxScore      float64
	Passed        bool
}

// Open reports whether the attempt still takes answers (ignoring the clock).
func (a Attempt) Open() bool { return a.SubmittedAt.IsZero() }

// Percent is the score as a share of the maximum, 0–100.
func (a Attempt) Percent() float64 {
	if a.MaxScore == 0 {
		return 0
	}
	return a.Score * 100 / a.MaxScore
}

// SavedAnswer is one stored answer of an attempt; Answer is JSON.
type SavedAnswer struct {
	QuestionID string
	Answer     string
	SavedAt    time.Time
	Score      float64 // share of the question's points, 0–1
	Graded     bool
}

// Certificate states.
const (
	CertValid   = "valid"
	CertRevoked = "revoked"
)

// Certificate is a course completion certificate as issued.
type Certificate struct {
	ID            int64
	Serial        string // TDKT-2026-000123
	Year, Seq     int
	Code          string // random verification code
	UserID        int64
	CourseID      string
	HolderName    string
	UnitName      string
	CourseTitle   string
	Hours         float64
	ExamPercent   float64
	IssuedAt      time.Time
	Status        string
	RevokedAt     time.Time
	RevokedReason string
	ReplacedBy    int64
}

// CertEvent is one recorded action on a certificate.
type CertEvent struct {
	Action  string // issue, revoke, reissue
	ActorID int64  // 0: issued automatically
	Actor   string // the actor's name, for display
	At      time.Time
	Reason  string
}

// LiveSession is a scheduled live training session.
type LiveSession struct {
	ID         int64
	Code       string // short join code
	Title      string
	CourseID   string
	Modules    []string // module ids whose sections are the slides
	Deck       string   // the course's slide deck shown instead of the modules ("": none)
	Makeup     bool     // watching the published recording counts as attending
	StartsAt   time.Time
	EndsAt     time.Time
	LateAfter  time.Duration
	PresentPct float64
	Required   bool // counts toward certification
	OpenToAll  bool // anyone logged in may join, not only those expected
	StreamURL  string
	TrainerID  int64
	State      string // JSON of the room's last state
}

// Presence is one span of a participant in a live session.
type Presence struct {
	UserID   int64
	Kind     string // online, hall
	JoinedAt time.Time
	LeftAt   time.Time // zero while open
	SeenAt   time.Time
}

// RosterImport is a roster file uploaded for import (of accounts or of
// units), and what came of it.
type RosterImport struct {
	ID         int64
	ActorID    int64
	Kind       string // users or units
	Filename   string
	Content    []byte
	UploadedAt time.Time
	ImportedAt time.Time // zero until imported
	Created    int
	Skipped    int
	Slips      string // JSON of the generated logins; wiped after SlipsUntil
	SlipsUntil time.Time
}

// Enrolment assigns a course to a unit (with every unit below it) or to one
// officer, with a due date (zero: none).
type Enrolment struct {
	ID        int64
	CourseID  string
	UnitID    int64 // 0 when for one officer
	UserID    int64 // 0 when for a unit or a group
	GroupID   int64 // 0 unless for a named group
	DueAt     time.Time
	CreatedBy int64
	CreatedAt time.Time
}

// Group is a named group of officers made by a trainer.
type Group struct {
	ID        int64
	Name      string
	OwnerID   int64
	CreatedAt time.Time
	Members   []int64
}

// CourseProgress is one officer's progress in a course.
type CourseProgress struct {
	StartedAt   time.Time
	LastAt      time.Time
	ModulesDone int
}

// AuditEntry is one recorded action: who, when, on what, and the values
// before and after (JSON, empty when not applicable).
type AuditEntry struct {
	ID      int64
	At      time.Time
	ActorID int64
	Actor   string // the actor's name, for display
	Action  string // e.g. user.update, roster.import, certificate.revoke
	Target  string // e.g. user:12
	Before  string
	After   string
}

// DossierSubmission is a report handed in on a practice dossier case.
type DossierSubmission struct {
	ID          int64
	UserID      int64
	CourseID    string
	CaseID      string
	Answer      string // JSON of the choices, sections and evidence
	Passed      bool
	Score       int // checks passed
	Total       int // checks made
	SubmittedAt time.Time
	Comment     string
	CommentedBy int64
	CommentedAt time.Time
}
