package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

func TestLiveEndpoint(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	trainer := mustUser(t, e, "giangvien")
	unit, _ := e.db.UnitByCode(ctx, "24")
	mk := func(code string, units []int64) int64 {
		s := model.LiveSession{Code: code, Title: "Hội nghị tập huấn", StartsAt: time.Now(), EndsAt: time.Now().Add(time.Hour),
			LateAfter: 10 * time.Minute, PresentPct: 80, TrainerID: trainer.ID}
		if err := e.db.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateLiveSession(ctx, &s, units, nil) }); err != nil {
			t.Fatal(err)
		}
		return s.ID
	}
	open := mk("111111", []int64{unit.ID})
	closed := mk("222222", nil)
	srv := httptest.NewServer(e.h)
	defer srv.Close()
	dial := func(id int64, ck *http.Cookie) (*websocket.Conn, int) {
		h := http.Header{}
		if ck != nil {
			h.Set("Cookie", ck.Name+"="+ck.Value)
		}
		ws, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http")+"/live/"+strconv.FormatInt(id, 10)+"/ws", h)
		if err != nil {
			return nil, resp.StatusCode
		}
		return ws, http.StatusSwitchingProtocols
	}
	trainee := e.login(t, "hocvien")
	ws, code := dial(open, trainee)
	if code != http.StatusSwitchingProtocols {
		t.Fatalf("expected trainee: %d", code)
	}
	defer ws.Close()
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, msg, err := ws.ReadMessage(); err != nil || !strings.Contains(string(msg), `"t":"hello"`) || !strings.Contains(string(msg), "Trần Văn Bình") {
		t.Fatalf("hello: %s %v", msg, err)
	}
	for name, tc := range map[string]struct {
		id   int64
		ck   *http.Cookie
		want int
	}{
		"not logged in":   {open, nil, http.StatusUnauthorized},
		"not invited":     {closed, trainee, http.StatusForbidden},
		"no such session": {999, trainee, http.StatusNotFound},
	} {
		if _, code := dial(tc.id, tc.ck); code != tc.want {
			t.Errorf("%s: %d, want %d", name, code, tc.want)
		}
	}
	if ws, code := dial(closed, e.login(t, "giangvien")); code != http.StatusSwitchingProtocols {
		t.Errorf("the session's trainer: %d", code)
	} else {
		ws.Close()
	}
}

func TestAttendanceExports(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	trainer := mustUser(t, e, "giangvien")
	unit, _ := e.db.UnitByCode(ctx, "24")
	start := time.Now().Add(-time.Hour)
	s := model.LiveSession{Code: "333333", Title: "Tập huấn", StartsAt: start, EndsAt: start.Add(50 * time.Minute),
		LateAfter: 10 * time.Minute, PresentPct: 80, TrainerID: trainer.ID}
	hv := mustUser(t, e, "hocvien")
	err := e.db.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateLiveSession(ctx, &s, []int64{unit.ID}, nil); err != nil {
			return err
		}
		if err := tx.OpenPresence(ctx, s.ID, hv.ID, "online", start.Add(20*time.Minute)); err != nil {
			return err
		}
		return tx.ClosePresence(ctx, s.ID, hv.ID, start.Add(50*time.Minute))
	})
	if err != nil {
		t.Fatal(err)
	}
	ck := e.login(t, "giangvien")
	path := "/manage/live/" + strconv.FormatInt(s.ID, 10) + "/attendance"
	w := e.do(req{method: "GET", path: path + "?format=csv", cookie: ck})
	body := w.Body.String()
	if w.Code != 200 || !strings.HasPrefix(body, "\ufeffSTT,Họ và tên") || !strings.Contains(body, "Trần Văn Bình,hocvien,Xã Tam Đa,Đến muộn,30,60") ||
		!strings.Contains(body, "Điểm danh (lần có mặt/số lần)") || !strings.Contains(body, ",0/0") {
		t.Fatalf("csv: %d %q", w.Code, body)
	}
	w = e.do(req{method: "GET", path: path + "?format=xlsx", cookie: ck})
	if w.Code != 200 || !strings.HasPrefix(w.Body.String(), "PK") || !strings.Contains(w.Header().Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("xlsx: %d %q", w.Code, w.Header())
	}
	w = e.do(req{method: "GET", path: path + "?print=1", cookie: ck})
	if !strings.Contains(w.Body.String(), "Ký tên") || !strings.Contains(w.Body.String(), "Đến muộn") {
		t.Fatalf("printable list: %.1000s", w.Body.String())
	}
	if w := e.do(req{method: "GET", path: path, cookie: e.login(t, "hocvien")}); w.Code != 403 {
		t.Fatalf("trainee report: %d", w.Code)
	}
}

func TestHallCheckinOverHTTP(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	trainer := mustUser(t, e, "giangvien")
	unit, _ := e.db.UnitByCode(ctx, "07441")
	s := model.LiveSession{Code: "444444", Title: "Hội nghị tại hội trường", StartsAt: time.Now(), EndsAt: time.Now().Add(time.Hour),
		LateAfter: 10 * time.Minute, PresentPct: 80, TrainerID: trainer.ID}
	if err := e.db.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateLiveSession(ctx, &s, []int64{unit.ID}, nil) }); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(s.ID, 10)
	w := e.do(req{method: "GET", path: "/manage/live/" + id + "/qr.svg", cookie: e.login(t, "giangvien")})
	if w.Code != 200 || w.Header().Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(w.Body.String(), "<svg") {
		t.Fatalf("qr: %d %q", w.Code, w.Header().Get("Content-Type"))
	}
	tok := e.rooms.CheckinToken(s.ID, time.Now())
	ck := e.login(t, "hocvien")
	w = e.do(req{method: "GET", path: "/live/" + id + "/checkin?t=" + tok, cookie: ck})
	if w.Code != 200 || !strings.Contains(w.Body.String(), `id="checkin"`) {
		t.Fatalf("scan page: %d", w.Code)
	}
	if ps, _ := e.db.Presence(ctx, s.ID); len(ps) != 0 {
		t.Fatal("opening the link checked in by itself")
	}
	if w := e.do(req{method: "POST", path: "/live/" + id + "/checkin", cookie: ck, form: url.Values{"t": {"cu"}}}); w.Code != 422 || !strings.Contains(w.Body.String(), "Mã QR đã hết hạn") {
		t.Fatalf("bad token: %d", w.Code)
	}
	w = e.do(req{method: "POST", path: "/live/" + id + "/checkin", cookie: ck, form: url.Values{"t": {tok}}})
	if w.Code != 200 || !strings.Contains(w.Body.String(), "Đã ghi nhận bạn có mặt tại hội trường.") {
		t.Fatalf("check in: %d %.500s", w.Code, w.Body.String())
	}
	if ps, _ := e.db.Presence(ctx, s.ID); len(ps) != 1 || ps[0].Kind != "hall" {
		t.Fatalf("presence = %+v", ps)
	}
	if w := e.do(req{method: "POST", path: "/live/" + id + "/checkin", cookie: e.login(t, "quantri"), form: url.Values{"t": {tok}}}); w.Code != 200 {
		t.Fatalf("admin check-in: %d", w.Code) // admins may join any session
	}
}

// Sessions that are over stay reachable for trainers, with their attendance.
func TestPastSessionsListedForTrainers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	trainer := mustUser(t, e, "giangvien")
	unit, _ := e.db.UnitByCode(ctx, "24")
	start := time.Now().Add(-30 * 24 * time.Hour)
	s := model.LiveSession{Code: "454545", Title: "Hội nghị tháng trước", StartsAt: start, EndsAt: start.Add(2 * time.Hour),
		LateAfter: 10 * time.Minute, PresentPct: 80, TrainerID: trainer.ID}
	if err := e.db.WithTx(ctx, func(tx *store.Tx) error { return tx.CreateLiveSession(ctx, &s, []int64{unit.ID}, nil) }); err != nil {
		t.Fatal(err)
	}
	w := e.do(req{method: "GET", path: "/live", cookie: e.login(t, "giangvien")})
	body := w.Body.String()
	if w.Code != 200 || !strings.Contains(body, `id="past-sessions"`) || !strings.Contains(body, "Hội nghị tháng trước") ||
		!strings.Contains(body, "/manage/live/"+strconv.FormatInt(s.ID, 10)+"/attendance") {
		t.Fatalf("trainer's list: %d\n%s", w.Code, body)
	}
	w = e.do(req{method: "GET", path: "/live", cookie: e.login(t, "hocvien")})
	if strings.Contains(w.Body.String(), "Hội nghị tháng trước") {
		t.Fatal("a trainee sees a session that is over")
	}
}

// Read while the session runs, on a fixed clock: whoever is connected is
// attending (provisional), with no leaving time; times are Vietnam time and
// the export says so, whatever the machine's zone.
func TestAttendanceExportsDuringTheSession(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	trainer := mustUser(t, e, "giangvien")
	unit, _ := e.db.UnitByCode(ctx, "24")
	start := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC) // 08:00 in Vietnam
	e.clock.Set(start.Add(30 * time.Minute))
	s := model.LiveSession{Code: "444444", Title: "Tập huấn", StartsAt: start, EndsAt: start.Add(210 * time.Minute),
		LateAfter: 10 * time.Minute, PresentPct: 80, TrainerID: trainer.ID}
	hv := mustUser(t, e, "hocvien")
	err := e.db.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateLiveSession(ctx, &s, []int64{unit.ID}, nil); err != nil {
			return err
		}
		return tx.OpenPresence(ctx, s.ID, hv.ID, "online", start.Add(-5*time.Minute)) // still connected
	})
	if err != nil {
		t.Fatal(err)
	}
	ck := e.login(t, "giangvien")
	path := "/manage/live/" + strconv.FormatInt(s.ID, 10) + "/attendance"
	w := e.do(req{method: "GET", path: path + "?format=csv", cookie: ck})
	body := w.Body.String()
	if w.Code != 200 || !strings.Contains(body, "Vào lúc (UTC+07:00 (Asia/Ho_Chi_Minh))") ||
		!strings.Contains(body, "Trần Văn Bình,hocvien,Xã Tam Đa,Đang tham dự (tạm thời),30,100,30/11/2026 07:55,,0/0") {
		t.Fatalf("csv during the session: %d %q", w.Code, body)
	}
	w = e.do(req{method: "GET", path: path, cookie: ck})
	body = w.Body.String()
	for _, want := range []string{"08:00–11:30, thứ Hai, 30/11/2026", "tính đến 08:30", "đang tham dự 1", "Cách xác định tình trạng",
		"không muộn hơn 08:10 và dự ít nhất 80% thời lượng", "Giờ ghi theo UTC&#43;07:00 (Asia/Ho_Chi_Minh)." /* html/template escapes the plus */} {
		if !strings.Contains(body, want) {
			t.Fatalf("page lacks %q: %.3000s", want, body)
		}
	}
	// After the end, final.
	e.clock.Set(start.Add(4 * time.Hour))
	w = e.do(req{method: "GET", path: path + "?format=csv", cookie: ck})
	if body := w.Body.String(); !strings.Contains(body, "Trần Văn Bình,hocvien,Xã Tam Đa,Có mặt,210,100,30/11/2026 07:55,30/11/2026 11:30,0/0") {
		t.Fatalf("csv after the end: %q", body)
	}
	// In English the words and the dates are English; the figures stay plain
	// numbers for the spreadsheet.
	w = e.do(req{method: "GET", path: path + "?format=csv", header: map[string]string{"Cookie": langCookie + "=en; " + ck.Name + "=" + ck.Value}})
	if body := w.Body.String(); !strings.Contains(body, ",210,100,30 Nov 2026 07:55,30 Nov 2026 11:30,0/0") {
		t.Fatalf("English csv after the end: %q", body)
	}
}

// The scheduling form is read in Vietnam time: 08:00 is 01:00 UTC.
func TestScheduleInVietnamTime(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(time.Date(2026, 11, 29, 20, 0, 0, 0, time.UTC)) // 03:00 on the 30th in Vietnam
	ck := e.login(t, "giangvien")
	w := e.do(req{method: "GET", path: "/manage/live/new", cookie: ck})
	if !strings.Contains(w.Body.String(), `value="2026-11-30"`) {
		t.Fatalf("the form's default date is not today in Vietnam: %.2000s", w.Body.String())
	}
	form := url.Values{"title": {"Tập huấn quý IV"}, "date": {"2026-12-01"}, "start": {"08:00"}, "end": {"11:30"},
		"late_after": {"10"}, "present_pct": {"80"}, "units": {"07441"}}
	w = e.do(req{method: "POST", path: "/manage/live", form: form, cookie: ck})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("create: %d %.2000s", w.Code, w.Body.String())
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(w.Header().Get("Location"), "/live/"), 10, 64)
	s, err := e.db.LiveSession(context.Background(), id)
	if err != nil || !s.StartsAt.Equal(time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)) || !s.EndsAt.Equal(time.Date(2026, 12, 1, 4, 30, 0, 0, time.UTC)) {
		t.Fatalf("stored %v – %v, %v; want 01:00–04:30 UTC", s.StartsAt.UTC(), s.EndsAt.UTC(), err)
	}
}
