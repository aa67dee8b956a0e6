package web

import (
	"context"
	"net/http"
	"net/http/httptest"
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
