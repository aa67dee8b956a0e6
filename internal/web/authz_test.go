package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/auth"
	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/store"
)

// The roles of the authorization matrix, in the order of a row's letters.
// The resources all belong to hvbacgiang, a trainee of province 27:
// the owner; another trainee (hocvien, province 24); the trainer in
// charge of 27 (gvbacgiang); a trainer of another province (giangvien);
// the administrator (quantri).
var authzRoles = []string{"anonymous", "owner", "other trainee", "trainer in scope", "trainer out of scope", "admin"}

var authzUsers = []string{"", "hvbacgiang", "hocvien", "gvbacgiang", "giangvien", "quantri"}

// authzMatrix is the decision for every route, one letter per role:
//
//	L  sent to log in (303 to /login, or 401)
//	O  served (2xx, or a redirect elsewhere)
//	B  reached the handler, which refused the (empty) input or the
//	   resource's state: 400, 409, 410, 422
//	D  denied: 403, 404, 405
//
// A route the router has and this table lacks fails the test, so a new
// route cannot ship without a decision for each role.
var authzMatrix = map[string]string{
	// Notes on decisions that are not obvious:
	// - /live/:id/ws answers B (400: not a websocket handshake) to those
	//   who may join and D before any upgrade to those who may not.
	// - /live/:id/checkin is the page the hall QR opens: only for those the
	//   session expects (and its trainer and administrators), as it names
	//   the session; the posted token is then checked (B when it is not
	//   valid, as here).
	// - A trainer of another province may read the course pages, submit
	//   dossier practice and take the exam like anyone logged in, but gets
	//   none of the owner's attempt, certificate, report or records.
	// - Revoking and re-issuing certificates is for administrators only.
	"GET /":                                          "LOOOOO",
	"GET /admin/audit":                               "LDDDDO",
	"GET /admin/review":                              "LDDDDO",
	"GET /admin/units":                               "LDDDDO",
	"GET /admin/units/:id/edit":                      "LDDDDO",
	"GET /admin/units/new":                           "LDDDDO",
	"GET /admin/users":                               "LDDDDO",
	"GET /admin/users/:id/edit":                      "LDDDDO",
	"GET /admin/users/new":                           "LDDDDO",
	"GET /attempts/:id":                              "LODDDD",
	"GET /certificates/:id/pdf":                      "LODODO",
	"GET /courses/:course":                           "LOOOOO",
	"GET /courses/:course/certificate":               "LOOOOO",
	"GET /courses/:course/dossiers":                  "LOOOOO",
	"GET /courses/:course/dossiers/:case":            "LOOOOO",
	"GET /courses/:course/exam":                      "LOOOOO",
	"GET /courses/:course/files/*path":               "LOOOOO",
	"GET /courses/:course/modules/:module":           "LOOOOO",
	"GET /courses/:course/offline":                   "LOOOOO",
	"GET /courses/:course/modules/:module/practice":  "LOOOOO",
	"GET /documents":                                 "LOOOOO",
	"GET /documents/:slug":                           "LOOOOO",
	"GET /dossiers/:id":                              "LODODO",
	"GET /healthz":                                   "OOOOOO",
	"GET /offline":                                   "OOOOOO",
	"GET /sw.js":                                     "OOOOOO",
	"GET /live":                                      "LOOOOO",
	"GET /live/:id":                                  "LODODO",
	"GET /live/:id/replay":                           "LODODO",
	"GET /live/:id/replay/:take":                     "LODODO",
	"GET /live/:id/replay/:take/audio.opus":          "LODODO",
	"POST /live/:id/replay/:take":                    "LDDBDB",
	"POST /live/:id/replay/:take/watch":              "LBDBDB",
	"GET /live/:id/checkin":                          "LODODO",
	"GET /live/:id/ws":                               "LBDBDB",
	"GET /live/join":                                 "LOOOOO",
	"GET /login":                                     "OOOOOO",
	"GET /manage/certificates":                       "LDDOOO",
	"GET /manage/certificates/:id":                   "LDDODO",
	"GET /manage/courses/:course/stats":              "LDDOOO",
	"GET /manage/dossiers":                           "LDDOOO",
	"GET /manage/enrol":                              "LDDOOO",
	"GET /manage/live/:id/attendance":                "LDDODO",
	"GET /manage/live/:id/qr.svg":                    "LDDODO",
	"GET /manage/live/new":                           "LDDOOO",
	"GET /manage/officers/:id":                       "LDDODO",
	"GET /manage/progress":                           "LDDOOO",
	"GET /manage/progress/officers":                  "LDDODO",
	"GET /manage/roster":                             "LDDOOO",
	"GET /manage/roster/:id":                         "LDDODO",
	"GET /manage/roster/:id/slips":                   "LDDBDB",
	"GET /manage/roster/template":                    "LDDOOO",
	"GET /manage/users":                              "LDDOOO",
	"GET /metrics":                                   "DDDDDD",
	"GET /password":                                  "LOOOOO",
	"GET /resume":                                    "LOOOOO",
	"GET /static/*path":                              "OOOOOO",
	"GET /verify":                                    "OOOOOO",
	"GET /verify/:code":                              "OOOOOO",
	"HEAD /static/*path":                             "OOOOOO",
	"POST /admin/units":                              "LDDDDB",
	"POST /admin/units/:id":                          "LDDDDB",
	"POST /admin/users":                              "LDDDDB",
	"POST /admin/users/:id":                          "LDDDDB",
	"POST /admin/users/:id/reset-password":           "LDDDDO",
	"POST /attempts/:id/answers":                     "LBDDDD",
	"POST /attempts/:id/submit":                      "LBDDDD",
	"POST /courses/:course/dossiers/:case":           "LOOOOO",
	"POST /courses/:course/exam/start":               "LOOOOO",
	"POST /courses/:course/modules/:module/complete": "LOOOOO",
	"POST /courses/:course/modules/:module/practice": "LBBBBB",
	"POST /lang":                                     "OOOOOO",
	"POST /live/:id/checkin":                         "LBDBDB",
	"POST /login":                                    "BBBBBB",
	"POST /logout":                                   "LLLLLL",
	"POST /manage/certificates/:id/reissue":          "LDDDDB",
	"POST /manage/certificates/:id/revoke":           "LDDDDB",
	"POST /manage/certificates/bulk":                 "LDDBBB",
	"POST /manage/dossiers/:id/comment":              "LDDBDB",
	"POST /manage/enrol":                             "LDDBBB",
	"POST /manage/enrol/:id/delete":                  "LDDODO",
	"POST /manage/groups":                            "LDDBBB",
	"POST /manage/groups/:id/delete":                 "LDDODO",
	"POST /manage/live":                              "LDDBBB",
	"POST /manage/roster":                            "LDDBBB",
	"POST /manage/roster/:id/import":                 "LDDODO",
	"POST /manage/users/:id/reset-password":          "LDDODO",
	"POST /password":                                 "LBBBBB",
}

// outcome classifies a response for the matrix.
func outcome(w *http.Response) byte {
	switch c := w.StatusCode; {
	case c == http.StatusUnauthorized:
		return 'L'
	case c >= 300 && c < 400 && strings.HasPrefix(w.Header.Get("Location"), "/login"):
		return 'L'
	case c < 400:
		return 'O'
	case c == http.StatusBadRequest || c == http.StatusConflict || c == http.StatusGone || c == http.StatusUnprocessableEntity:
		return 'B'
	case c == http.StatusForbidden || c == http.StatusNotFound || c == http.StatusMethodNotAllowed:
		return 'D'
	}
	return '?'
}

// authzFixture is one role's world: its own database, so what one role's
// requests change (a deleted enrolment) cannot change another role's row.
type authzFixture struct {
	e    *env
	o    otherProvince
	att  int64
	code string
	slug string
}

// authzTake names the recording the fixture leaves for the owner's session.
const authzTake = "20261130-080000"

func newAuthzFixture(t *testing.T) authzFixture {
	files := dossierContent(t)
	// The shipped register, so /documents/:slug shows a real document.
	reg, err := os.ReadFile("../../content/" + course.RegisterFile)
	if err != nil {
		t.Fatal(err)
	}
	files[course.RegisterFile] = &fstest.MapFile{Data: reg}
	files["khoa/hinh/so-do.png"] = &fstest.MapFile{Data: tinyPNG}
	files["khoa/slides/tap-huan.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Tập huấn\n---\n## Sơ đồ\n\n![Sơ đồ](hinh/so-do.png)\n")}
	e := newEnvFS(t, files)
	f := authzFixture{e: e, o: addOtherProvince(t, e)}
	ctx := context.Background()
	atts, err := e.db.Attempts(ctx, f.o.trainee.ID, "khoa", model.AttemptExam)
	if err != nil || len(atts) == 0 {
		t.Fatalf("the owner's attempts: %v %v", atts, err)
	}
	f.att = atts[0].ID
	c, err := e.db.Certificate(ctx, f.o.cert)
	if err != nil {
		t.Fatal(err)
	}
	f.code = c.Code
	// A recording of the owner's session, as the room leaves it on disk.
	take := filepath.Join(e.rooms.RecordDir(), strconv.FormatInt(f.o.session, 10), authzTake)
	if err := os.MkdirAll(filepath.Dir(take), 0o750); err != nil {
		t.Fatal(err)
	}
	for ext, data := range map[string]string{".opus": "OggS", ".jsonl": `{"at":0,"t":"slide"}` + "\n", ".json": `{"published":true}`} {
		if err := os.WriteFile(take+ext, []byte(data), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	if e.cat.Register != nil && len(e.cat.Register.Documents) > 0 {
		f.slug = e.cat.Register.Documents[0].Slug
	} else {
		f.slug = "khong-co"
	}
	return f
}

// path fills a route's parameters with the owner's resources.
func (f authzFixture) path(route string) string {
	id := func(prefix string) bool { return strings.HasPrefix(route, prefix) }
	var n int64
	switch {
	case id("/attempts/"):
		n = f.att
	case id("/live/"), id("/manage/live/"):
		n = f.o.session
	case id("/dossiers/"), id("/manage/dossiers/"):
		n = f.o.dossier
	case id("/certificates/"), id("/manage/certificates/"):
		n = f.o.cert
	case id("/manage/roster/"):
		n = f.o.upload
	case id("/manage/enrol/"):
		n = f.o.enrol
	case id("/manage/groups/"):
		n = f.o.group
	case id("/manage/officers/"), id("/manage/users/"), id("/admin/users/"):
		n = f.o.trainee.ID
	case id("/admin/units/"):
		n = f.o.unit
	}
	var parts []string
	for _, p := range strings.Split(route, "/") {
		switch p {
		case ":id":
			p = strconv.FormatInt(n, 10)
		case ":course":
			p = "khoa"
		case ":module":
			p = "bai-mot"
		case ":case":
			p = "cstdcs-xa"
		case ":slug":
			p = f.slug
		case ":code":
			p = f.code
		case ":take":
			p = authzTake
		case "*path":
			p = "css/app.css"
			if strings.HasPrefix(route, "/courses/") {
				p = "hinh/so-do.png" // a picture the fixture's deck shows
			}
		}
		parts = append(parts, p)
	}
	out := strings.Join(parts, "/")
	// The few routes that need a query to show anything.
	switch route {
	case "/manage/progress/officers":
		out += "?course=khoa&unit=" + strconv.FormatInt(f.o.unit, 10)
	case "/manage/roster/template":
		out += "?kind=users"
	}
	return out
}

// session opens a fresh session for username straight in the database, so
// a request that ends it (logout, a password change) cannot affect the next.
func (f authzFixture) session(t *testing.T, username string) *http.Cookie {
	if username == "" {
		return nil
	}
	ctx := context.Background()
	u, err := f.e.db.UserByUsername(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	tok, hash, err := auth.NewSessionToken()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	err = f.e.db.WithTx(ctx, func(tx *store.Tx) error {
		return tx.CreateSession(ctx, model.Session{TokenHash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour), LastSeenAt: now})
	})
	if err != nil {
		t.Fatal(err)
	}
	return &http.Cookie{Name: sessionCookie, Value: tok}
}

// TestAuthorizationMatrix sends every route of the router, filled with one
// trainee's resources, as each of six roles, and holds the outcome to the
// table above.
func TestAuthorizationMatrix(t *testing.T) {
	eng := gin.New()
	(&handler{}).routes(eng) // only registers the routes; nothing runs
	routes := eng.Routes()
	got := map[string][]byte{}
	for _, rt := range routes {
		got[rt.Method+" "+rt.Path] = make([]byte, len(authzRoles))
	}
	for ri, user := range authzUsers {
		f := newAuthzFixture(t)
		for _, rt := range routes {
			r := req{method: rt.Method, path: f.path(rt.Path), cookie: f.session(t, user)}
			if rt.Method == "POST" {
				r.form = url.Values{}
			}
			got[rt.Method+" "+rt.Path][ri] = outcome(f.e.do(r).Result())
		}
	}
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var missing []string
	for _, k := range keys {
		want, ok := authzMatrix[k]
		switch {
		case !ok:
			missing = append(missing, fmt.Sprintf("\t%q: %q,", k, got[k]))
		case want != string(got[k]):
			for i := range authzRoles {
				if want[i] != got[k][i] {
					t.Errorf("%s as %s: %c, want %c", k, authzRoles[i], got[k][i], want[i])
				}
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("routes with no decision in authzMatrix (what each role gets now, to review):\n%s", strings.Join(missing, "\n"))
	}
	for k := range authzMatrix {
		if _, ok := got[k]; !ok {
			t.Errorf("authzMatrix names %s, which the router no longer has", k)
		}
	}
}
