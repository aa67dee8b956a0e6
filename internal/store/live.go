package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tdkt/tdkt/internal/model"
)

const liveColumns = `id, code, title, course_id, modules, starts_at, ends_at, late_after_min, present_pct, required, open_to_all,
	stream_url, trainer_id, state, deck, makeup`

func scanLive(row interface{ Scan(...any) error }) (model.LiveSession, error) {
	var s model.LiveSession
	var mods string
	var starts, ends, late int64
	err := row.Scan(&s.ID, &s.Code, &s.Title, &s.CourseID, &mods, &starts, &ends, &late, &s.PresentPct, &s.Required, &s.OpenToAll,
		&s.StreamURL, &s.TrainerID, &s.State, &s.Deck, &s.Makeup)
	if err != nil {
		return s, err
	}
	_ = json.Unmarshal([]byte(mods), &s.Modules)
	s.StartsAt, s.EndsAt, s.LateAfter = fromMS(starts), fromMS(ends), time.Duration(late)*time.Minute
	return s, nil
}

// CreateLiveSession stores s with its expected units and trainees.
func (tx *Tx) CreateLiveSession(ctx context.Context, s *model.LiveSession, unitIDs, userIDs []int64) error {
	mods, _ := json.Marshal(s.Modules)
	err := tx.row(ctx, `INSERT INTO live_sessions (code, title, course_id, modules, starts_at, ends_at, late_after_min,
		present_pct, required, open_to_all, stream_url, trainer_id, created_at, deck, makeup) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		s.Code, s.Title, s.CourseID, string(mods), ms(s.StartsAt), ms(s.EndsAt), int64(s.LateAfter/time.Minute), s.PresentPct,
		s.Required, s.OpenToAll, s.StreamURL, s.TrainerID, ms(time.Now()), s.Deck, s.Makeup).Scan(&s.ID)
	if err != nil {
		return fmt.Errorf("store: create live session: %w", mapErr(err))
	}
	for _, id := range unitIDs {
		if _, err := tx.exec(ctx, `INSERT INTO live_expected (session_id, unit_id) VALUES (?, ?)`, s.ID, id); err != nil {
			return fmt.Errorf("store: expect unit %d: %w", id, mapErr(err))
		}
	}
	for _, id := range userIDs {
		if _, err := tx.exec(ctx, `INSERT INTO live_expected (session_id, user_id) VALUES (?, ?)`, s.ID, id); err != nil {
			return fmt.Errorf("store: expect user %d: %w", id, mapErr(err))
		}
	}
	return nil
}

// LiveSession returns one session.
func (db *DB) LiveSession(ctx context.Context, id int64) (model.LiveSession, error) {
	s, err := scanLive(db.readRow(ctx, `SELECT `+liveColumns+` FROM live_sessions WHERE id = ?`, id))
	if err != nil {
		return s, fmt.Errorf("store: live session %d: %w", id, mapErr(err))
	}
	return s, nil
}

// LiveSessionByCode returns the session with a join code.
func (db *DB) LiveSessionByCode(ctx context.Context, code string) (model.LiveSession, error) {
	s, err := scanLive(db.readRow(ctx, `SELECT `+liveColumns+` FROM live_sessions WHERE code = ?`, code))
	if err != nil {
		return s, fmt.Errorf("store: live session by code: %w", mapErr(err))
	}
	return s, nil
}

// LiveSessions returns the sessions ending after since, soonest first.
func (db *DB) LiveSessions(ctx context.Context, since time.Time) ([]model.LiveSession, error) {
	rows, err := db.readRows(ctx, `SELECT `+liveColumns+` FROM live_sessions WHERE ends_at >= ? ORDER BY starts_at`, ms(since))
	if err != nil {
		return nil, fmt.Errorf("store: live sessions: %w", err)
	}
	defer rows.Close()
	var out []model.LiveSession
	for rows.Next() {
		s, err := scanLive(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ExpectedUsers returns the ids of the active trainees a session expects:
// those named, and those of the named units and every unit below them.
func (db *DB) ExpectedUsers(ctx context.Context, sessionID int64) ([]int64, error) {
	ids, err := db.queryIDs(ctx, expectedIDs+` SELECT id FROM ids`, sessionID, sessionID)
	if err != nil {
		return nil, fmt.Errorf("store: expected users: %w", err)
	}
	return ids, nil
}

// LiveExpectedUnits returns the ids of the units a session expects, and of
// the units of the trainees it names.
func (db *DB) LiveExpectedUnits(ctx context.Context, sessionID int64) ([]int64, error) {
	ids, err := db.queryIDs(ctx, `SELECT unit_id FROM live_expected WHERE session_id = ? AND unit_id IS NOT NULL
		UNION SELECT u.unit_id FROM live_expected e JOIN users u ON u.id = e.user_id WHERE e.session_id = ?`, sessionID, sessionID)
	if err != nil {
		return nil, fmt.Errorf("store: expected units of session %d: %w", sessionID, err)
	}
	return ids, nil
}

// ExpectedUserList returns the accounts a session expects, in one query.
func (db *DB) ExpectedUserList(ctx context.Context, sessionID int64) ([]model.User, error) {
	return db.queryUsers(ctx, expectedIDs+` SELECT `+userColumns+` FROM users WHERE id IN (SELECT id FROM ids)`, sessionID, sessionID)
}

// expectedIDs is a WITH clause naming ids: the active trainees of a
// session's units and every unit below them, and the trainees named. It
// takes the session id twice.
const expectedIDs = `WITH RECURSIVE tree(id) AS (
		SELECT unit_id FROM live_expected WHERE session_id = ? AND unit_id IS NOT NULL
		UNION SELECT u.id FROM units u JOIN tree ON u.parent_id = tree.id),
	ids(id) AS (
		SELECT id FROM users WHERE disabled = 0 AND role = 'trainee' AND unit_id IN (SELECT id FROM tree)
		UNION SELECT user_id FROM live_expected WHERE session_id = ? AND user_id IS NOT NULL)`

// OpenPresence starts a presence interval.
func (tx *Tx) OpenPresence(ctx context.Context, sessionID, userID int64, kind string, at time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO live_presence (session_id, user_id, kind, joined_at, seen_at) VALUES (?, ?, ?, ?, ?)`,
		sessionID, userID, kind, ms(at), ms(at))
	if err != nil {
		return fmt.Errorf("store: open presence: %w", mapErr(err))
	}
	return nil
}

// ClosePresence ends a user's open online interval in a session.
func (tx *Tx) ClosePresence(ctx context.Context, sessionID, userID int64, at time.Time) error {
	_, err := tx.exec(ctx, `UPDATE live_presence SET left_at = ?, seen_at = ? WHERE session_id = ? AND user_id = ? AND kind = 'online' AND left_at = 0`,
		ms(at), ms(at), sessionID, userID)
	if err != nil {
		return fmt.Errorf("store: close presence: %w", err)
	}
	return nil
}

// TouchPresence records that the open online intervals of a session are still live.
func (tx *Tx) TouchPresence(ctx context.Context, sessionID int64, at time.Time) error {
	_, err := tx.exec(ctx, `UPDATE live_presence SET seen_at = ? WHERE session_id = ? AND kind = 'online' AND left_at = 0`, ms(at), sessionID)
	if err != nil {
		return fmt.Errorf("store: touch presence: %w", err)
	}
	return nil
}

// CloseAllPresence ends every open online interval of a session at at: the
// room stops (a graceful shutdown).
func (tx *Tx) CloseAllPresence(ctx context.Context, sessionID int64, at time.Time) error {
	_, err := tx.exec(ctx, `UPDATE live_presence SET left_at = ?, seen_at = ? WHERE session_id = ? AND kind = 'online' AND left_at = 0`,
		ms(at), ms(at), sessionID)
	if err != nil {
		return fmt.Errorf("store: close presence: %w", err)
	}
	return nil
}

// CloseOrphanPresence ends the online intervals of every session that a
// stopped process left open (a crash: a graceful stop closes its own), each
// where it was last seen, and returns how many. It runs once at start-up,
// before any room opens, so that afterwards an open row always belongs to a
// connection of the running process.
func (tx *Tx) CloseOrphanPresence(ctx context.Context) (int64, error) {
	res, err := tx.exec(ctx, `UPDATE live_presence SET left_at = seen_at WHERE kind = 'online' AND left_at = 0`)
	if err != nil {
		return 0, fmt.Errorf("store: close orphan presence: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// Presence returns every interval of a session.
func (db *DB) Presence(ctx context.Context, sessionID int64) ([]model.Presence, error) {
	rows, err := db.readRows(ctx, `SELECT user_id, kind, joined_at, left_at, seen_at FROM live_presence WHERE session_id = ? ORDER BY id`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("store: presence: %w", err)
	}
	defer rows.Close()
	var out []model.Presence
	for rows.Next() {
		var p model.Presence
		var j, l, s int64
		if err := rows.Scan(&p.UserID, &p.Kind, &j, &l, &s); err != nil {
			return nil, err
		}
		p.JoinedAt, p.LeftAt, p.SeenAt = fromMS(j), fromMS(l), fromMS(s)
		out = append(out, p)
	}
	return out, rows.Err()
}

// SaveLiveState keeps the room's state for recovery after a restart.
func (tx *Tx) SaveLiveState(ctx context.Context, sessionID int64, state string) error {
	if _, err := tx.exec(ctx, `UPDATE live_sessions SET state = ? WHERE id = ?`, state, sessionID); err != nil {
		return fmt.Errorf("store: save live state: %w", err)
	}
	return nil
}

// OpenPoll stores a poll and returns its id.
func (tx *Tx) OpenPoll(ctx context.Context, sessionID int64, question string, at time.Time) (int64, error) {
	var id int64
	err := tx.row(ctx, `INSERT INTO live_polls (session_id, question, opened_at) VALUES (?, ?, ?) RETURNING id`, sessionID, question, ms(at)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: open poll: %w", err)
	}
	return id, nil
}

// ClosePoll marks a poll closed.
func (tx *Tx) ClosePoll(ctx context.Context, pollID int64, at time.Time) error {
	if _, err := tx.exec(ctx, `UPDATE live_polls SET closed_at = ? WHERE id = ?`, ms(at), pollID); err != nil {
		return fmt.Errorf("store: close poll: %w", err)
	}
	return nil
}

// SavePollAnswer stores (or replaces) one participant's answer to a poll.
func (tx *Tx) SavePollAnswer(ctx context.Context, pollID, userID int64, answer string, at time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO live_poll_answers (poll_id, user_id, answer, at) VALUES (?, ?, ?, ?)
		ON CONFLICT (poll_id, user_id) DO UPDATE SET answer = excluded.answer, at = excluded.at`, pollID, userID, answer, ms(at))
	if err != nil {
		return fmt.Errorf("store: poll answer: %w", mapErr(err))
	}
	return nil
}

// PollAnswers returns the answers of a poll by user.
func (db *DB) PollAnswers(ctx context.Context, pollID int64) (map[int64]string, error) {
	rows, err := db.readRows(ctx, `SELECT user_id, answer FROM live_poll_answers WHERE poll_id = ?`, pollID)
	if err != nil {
		return nil, fmt.Errorf("store: poll answers: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var u int64
		var a string
		if err := rows.Scan(&u, &a); err != nil {
			return nil, err
		}
		out[u] = a
	}
	return out, rows.Err()
}

// OpenRollCall stores a roll call and returns its id.
func (tx *Tx) OpenRollCall(ctx context.Context, sessionID int64, opened, closes time.Time) (int64, error) {
	var id int64
	err := tx.row(ctx, `INSERT INTO live_rollcalls (session_id, opened_at, closes_at) VALUES (?, ?, ?) RETURNING id`, sessionID, ms(opened), ms(closes)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: open roll call: %w", err)
	}
	return id, nil
}

// MarkRollCall records a participant answering a roll call; only the first mark counts.
func (tx *Tx) MarkRollCall(ctx context.Context, rollCallID, userID int64, at time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO live_rollcall_marks (rollcall_id, user_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		rollCallID, userID, ms(at))
	if err != nil {
		return fmt.Errorf("store: roll call mark: %w", mapErr(err))
	}
	return nil
}

// RollCallMarks returns who answered a roll call.
func (db *DB) RollCallMarks(ctx context.Context, rollCallID int64) (map[int64]time.Time, error) {
	rows, err := db.readRows(ctx, `SELECT user_id, at FROM live_rollcall_marks WHERE rollcall_id = ?`, rollCallID)
	if err != nil {
		return nil, fmt.Errorf("store: roll call marks: %w", err)
	}
	defer rows.Close()
	out := map[int64]time.Time{}
	for rows.Next() {
		var u, at int64
		if err := rows.Scan(&u, &at); err != nil {
			return nil, err
		}
		out[u] = fromMS(at)
	}
	return out, rows.Err()
}

// CheckedIn reports whether a user has checked in in the hall of a session.
func (db *DB) CheckedIn(ctx context.Context, sessionID, userID int64) (bool, error) {
	var n int
	err := db.readRow(ctx, `SELECT COUNT(*) FROM live_presence WHERE session_id = ? AND user_id = ? AND kind = 'hall'`, sessionID, userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: checked in: %w", err)
	}
	return n > 0, nil
}

// RosterEntry is an expected participant with the names a console shows.
type RosterEntry struct {
	ID   int64
	Name string
	Unit string
}

// ExpectedRoster returns the expected participants of a session with their
// names and units, in one query.
func (db *DB) ExpectedRoster(ctx context.Context, sessionID int64) ([]RosterEntry, error) {
	rows, err := db.readRows(ctx, expectedIDs+`
		SELECT u.id, u.full_name, n.name FROM users u JOIN units n ON n.id = u.unit_id WHERE u.id IN (SELECT id FROM ids)`, sessionID, sessionID)
	if err != nil {
		return nil, fmt.Errorf("store: expected roster: %w", err)
	}
	defer rows.Close()
	var out []RosterEntry
	for rows.Next() {
		var r RosterEntry
		if err := rows.Scan(&r.ID, &r.Name, &r.Unit); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// LiveQuestion is a question asked to the trainer, with its up-voters.
type LiveQuestion struct {
	Seq    int64
	UserID int64
	Name   string
	Body   string
	Status string
	At     time.Time
	Voters []int64
}

// SaveQuestion stores a new question or its changed status.
func (tx *Tx) SaveQuestion(ctx context.Context, sessionID int64, q LiveQuestion) error {
	_, err := tx.exec(ctx, `INSERT INTO live_questions (session_id, seq, user_id, body, status, at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (session_id, seq) DO UPDATE SET status = excluded.status`, sessionID, q.Seq, q.UserID, q.Body, q.Status, ms(q.At))
	if err != nil {
		return fmt.Errorf("store: save question: %w", mapErr(err))
	}
	return nil
}

// VoteQuestion records one up-vote; a repeated vote changes nothing.
func (tx *Tx) VoteQuestion(ctx context.Context, sessionID, seq, userID int64) error {
	_, err := tx.exec(ctx, `INSERT INTO live_question_votes (session_id, seq, user_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, sessionID, seq, userID)
	if err != nil {
		return fmt.Errorf("store: vote question: %w", mapErr(err))
	}
	return nil
}

// Questions returns a session's questions in the order asked, with voters.
func (db *DB) Questions(ctx context.Context, sessionID int64) ([]LiveQuestion, error) {
	rows, err := db.readRows(ctx, `SELECT q.seq, q.user_id, u.full_name, q.body, q.status, q.at,
			COALESCE((SELECT string_agg(CAST(v.user_id AS TEXT), ',') FROM live_question_votes v WHERE v.session_id = q.session_id AND v.seq = q.seq), '')
		FROM live_questions q JOIN users u ON u.id = q.user_id WHERE q.session_id = ? ORDER BY q.seq`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("store: questions: %w", err)
	}
	defer rows.Close()
	var out []LiveQuestion
	for rows.Next() {
		var q LiveQuestion
		var at int64
		var voters string
		if err := rows.Scan(&q.Seq, &q.UserID, &q.Name, &q.Body, &q.Status, &at, &voters); err != nil {
			return nil, err
		}
		q.At = fromMS(at)
		for _, s := range strings.Split(voters, ",") {
			if v, err := strconv.ParseInt(s, 10, 64); err == nil {
				q.Voters = append(q.Voters, v)
			}
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// ChatLine is one chat message.
type ChatLine struct {
	UserID int64
	Name   string
	Body   string
	At     time.Time
}

// SaveChat stores a chat message.
func (tx *Tx) SaveChat(ctx context.Context, sessionID int64, c ChatLine) error {
	if _, err := tx.exec(ctx, `INSERT INTO live_chat (session_id, user_id, body, at) VALUES (?, ?, ?, ?)`, sessionID, c.UserID, c.Body, ms(c.At)); err != nil {
		return fmt.Errorf("store: save chat: %w", mapErr(err))
	}
	return nil
}

// RecentChat returns the last n chat messages of a session, oldest first.
func (db *DB) RecentChat(ctx context.Context, sessionID int64, n int) ([]ChatLine, error) {
	rows, err := db.readRows(ctx, `SELECT user_id, name, body, at FROM (
			SELECT c.id, c.user_id, u.full_name AS name, c.body, c.at FROM live_chat c JOIN users u ON u.id = c.user_id
			WHERE c.session_id = ? ORDER BY c.id DESC LIMIT ?) AS recent ORDER BY id`, sessionID, n)
	if err != nil {
		return nil, fmt.Errorf("store: recent chat: %w", err)
	}
	defer rows.Close()
	var out []ChatLine
	for rows.Next() {
		var c ChatLine
		var at int64
		if err := rows.Scan(&c.UserID, &c.Name, &c.Body, &at); err != nil {
			return nil, err
		}
		c.At = fromMS(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// RollCallTally returns how many roll calls a session has had and how many
// each participant answered, in one query.
func (db *DB) RollCallTally(ctx context.Context, sessionID int64) (int, map[int64]int, error) {
	var n int
	if err := db.readRow(ctx, `SELECT count(*) FROM live_rollcalls WHERE session_id = ?`, sessionID).Scan(&n); err != nil {
		return 0, nil, fmt.Errorf("store: roll calls: %w", err)
	}
	rows, err := db.readRows(ctx, `SELECT m.user_id, count(*) FROM live_rollcall_marks m
		JOIN live_rollcalls r ON r.id = m.rollcall_id WHERE r.session_id = ? GROUP BY m.user_id`, sessionID)
	if err != nil {
		return 0, nil, fmt.Errorf("store: roll-call marks: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var u int64
		var k int
		if err := rows.Scan(&u, &k); err != nil {
			return 0, nil, err
		}
		out[u] = k
	}
	return n, out, rows.Err()
}

// HallCheckins returns who has checked in in the hall of a session.
func (db *DB) HallCheckins(ctx context.Context, sessionID int64) ([]int64, error) {
	ids, err := db.queryIDs(ctx, `SELECT DISTINCT user_id FROM live_presence WHERE session_id = ? AND kind = 'hall'`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("store: hall check-ins: %w", err)
	}
	return ids, nil
}
