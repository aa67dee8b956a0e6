package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/tdkt/tdkt/internal/model"
)

const certColumns = `id, serial, year, seq, code, user_id, course_id, holder_name, unit_name, course_title, hours, exam_percent,
	issued_at, status, revoked_at, revoked_reason, COALESCE(replaced_by, 0)`

func scanCert(row interface{ Scan(...any) error }) (model.Certificate, error) {
	var c model.Certificate
	var issued, revoked int64
	err := row.Scan(&c.ID, &c.Serial, &c.Year, &c.Seq, &c.Code, &c.UserID, &c.CourseID, &c.HolderName, &c.UnitName, &c.CourseTitle,
		&c.Hours, &c.ExamPercent, &issued, &c.Status, &revoked, &c.RevokedReason, &c.ReplacedBy)
	c.IssuedAt, c.RevokedAt = fromMS(issued), fromMS(revoked)
	return c, err
}

// CreateCertificate numbers c within its year and stores it with an issue
// (or reissue) event. The number is taken inside the write transaction, so
// two certificates never share one. ErrDuplicate: a valid one already exists.
func (tx *Tx) CreateCertificate(ctx context.Context, c *model.Certificate, action string, actorID int64, reason string) error {
	c.Year = c.IssuedAt.Year()
	// The year's counter row is bumped in one statement: on PostgreSQL with
	// several nodes the row lock makes a second issuer wait for the first
	// commit, so two nodes never take the same number (and a rolled-back
	// issue leaves no gap).
	if err := tx.row(ctx, `INSERT INTO cert_serials (year, last) VALUES (?, 1)
		ON CONFLICT (year) DO UPDATE SET last = cert_serials.last + 1 RETURNING last`, c.Year).Scan(&c.Seq); err != nil {
		return fmt.Errorf("store: number certificate: %w", err)
	}
	c.Serial = fmt.Sprintf("TDKT-%d-%06d", c.Year, c.Seq)
	c.Status = model.CertValid
	err := tx.row(ctx, `INSERT INTO certificates (serial, year, seq, code, user_id, course_id, holder_name, unit_name,
		course_title, hours, exam_percent, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.Serial, c.Year, c.Seq, c.Code, c.UserID, c.CourseID, c.HolderName, c.UnitName, c.CourseTitle, c.Hours, c.ExamPercent, ms(c.IssuedAt)).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("store: create certificate: %w", mapErr(err))
	}
	return tx.AddCertEvent(ctx, c.ID, action, actorID, c.IssuedAt, reason)
}

// RevokeCertificate marks a valid certificate revoked; replacedBy links a
// re-issued one (0 for none).
func (tx *Tx) RevokeCertificate(ctx context.Context, id int64, at time.Time, reason string, replacedBy int64) error {
	res, err := tx.exec(ctx, `UPDATE certificates SET status = 'revoked', revoked_at = ?, revoked_reason = ?, replaced_by = ?
		WHERE id = ? AND status = 'valid'`, ms(at), reason, nullID(replacedBy), id)
	if err != nil {
		return fmt.Errorf("store: revoke certificate %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: revoke certificate %d: %w", id, ErrClosed)
	}
	return nil
}

// SetReplacement links a revoked certificate to the one that replaced it.
func (tx *Tx) SetReplacement(ctx context.Context, id, replacedBy int64) error {
	if _, err := tx.exec(ctx, `UPDATE certificates SET replaced_by = ? WHERE id = ?`, replacedBy, id); err != nil {
		return fmt.Errorf("store: link certificate %d: %w", id, err)
	}
	return nil
}

// AddCertEvent records an action on a certificate.
func (tx *Tx) AddCertEvent(ctx context.Context, certID int64, action string, actorID int64, at time.Time, reason string) error {
	_, err := tx.exec(ctx, `INSERT INTO certificate_events (certificate_id, action, actor_id, at, reason) VALUES (?, ?, ?, ?, ?)`,
		certID, action, actorID, ms(at), reason)
	if err != nil {
		return fmt.Errorf("store: record certificate event: %w", err)
	}
	return nil
}

// Certificate returns one certificate by id.
func (db *DB) Certificate(ctx context.Context, id int64) (model.Certificate, error) {
	c, err := scanCert(db.readRow(ctx, `SELECT `+certColumns+` FROM certificates WHERE id = ?`, id))
	if err != nil {
		return c, fmt.Errorf("store: certificate %d: %w", id, mapErr(err))
	}
	return c, nil
}

// CertificateByCode returns the certificate with a verification code.
func (db *DB) CertificateByCode(ctx context.Context, code string) (model.Certificate, error) {
	c, err := scanCert(db.readRow(ctx, `SELECT `+certColumns+` FROM certificates WHERE code = ?`, code))
	if err != nil {
		return c, fmt.Errorf("store: certificate by code: %w", mapErr(err))
	}
	return c, nil
}

// ValidCertificate returns a user's valid certificate for a course.
func (db *DB) ValidCertificate(ctx context.Context, userID int64, courseID string) (model.Certificate, error) {
	c, err := scanCert(db.queryRow(ctx, `SELECT `+certColumns+` FROM certificates
		WHERE user_id = ? AND course_id = ? AND status = 'valid'`, userID, courseID))
	if err != nil {
		return c, fmt.Errorf("store: valid certificate: %w", mapErr(err))
	}
	return c, nil
}

// Certificates returns certificates, newest first, of one course ("" for all).
//
// unitIDs limits the list to holders of those units; nil lists everyone's.
func (db *DB) Certificates(ctx context.Context, courseID string, unitIDs []int64) ([]model.Certificate, error) {
	units := unitsArg(unitIDs)
	rows, err := db.readRows(ctx, `SELECT `+certColumns+` FROM certificates WHERE (? = '' OR course_id = ?) AND `+db.d.inUnits("user_id")+`
		ORDER BY id DESC`, courseID, courseID, units, units)
	if err != nil {
		return nil, fmt.Errorf("store: certificates: %w", err)
	}
	defer rows.Close()
	var out []model.Certificate
	for rows.Next() {
		c, err := scanCert(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan certificate: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CertEvents returns the recorded actions on a certificate, oldest first.
func (db *DB) CertEvents(ctx context.Context, certID int64) ([]model.CertEvent, error) {
	rows, err := db.readRows(ctx, `SELECT e.action, e.actor_id, COALESCE(u.full_name, ''), e.at, e.reason
		FROM certificate_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.certificate_id = ? ORDER BY e.id`, certID)
	if err != nil {
		return nil, fmt.Errorf("store: certificate events: %w", err)
	}
	defer rows.Close()
	var out []model.CertEvent
	for rows.Next() {
		var e model.CertEvent
		var at int64
		var actor sql.NullString
		if err := rows.Scan(&e.Action, &e.ActorID, &actor, &at, &e.Reason); err != nil {
			return nil, err
		}
		e.Actor, e.At = actor.String, fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// RevokedWithoutReplacement reports whether a user's latest certificate for
// a course was revoked and not re-issued.
func (db *DB) RevokedWithoutReplacement(ctx context.Context, userID int64, courseID string) (bool, error) {
	var status string
	var replaced int64
	err := db.readRow(ctx, `SELECT status, COALESCE(replaced_by, 0) FROM certificates
		WHERE user_id = ? AND course_id = ? ORDER BY id DESC LIMIT 1`, userID, courseID).Scan(&status, &replaced)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: last certificate: %w", err)
	}
	return status == model.CertRevoked && replaced == 0, nil
}
