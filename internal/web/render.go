package web

import (
	"bytes"
	"embed"
	"fmt"
	gzip "github.com/klauspost/compress/gzip"
	"html"
	"html/template"
	"io/fs"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/report"
	"github.com/tdkt/tdkt/internal/viet"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages holds every page template, parsed once per language so that the
// translation function is bound at parse time and costs a map look-up.
type pages struct {
	byLang map[string]map[string]*template.Template
}

func loadPages(as *assets, loc *time.Location) (*pages, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: list templates: %w", err)
	}
	src := map[string]string{}
	for _, n := range names {
		b, err := fs.ReadFile(templateFS, n)
		if err != nil {
			return nil, fmt.Errorf("web: read template %s: %w", n, err)
		}
		src[strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")] = string(b)
	}
	if src["layout"] == "" {
		return nil, fmt.Errorf("web: templates/layout.html is missing")
	}
	p := &pages{byLang: map[string]map[string]*template.Template{}}
	for _, lang := range []string{"vi", "en"} {
		p.byLang[lang] = map[string]*template.Template{}
		funcs := templateFuncs(lang, as, loc)
		// The layout and the partials (files named _*.html) go into every page.
		shared := inlineConstants(src["layout"], lang, as)
		for base, text := range src {
			if strings.HasPrefix(base, "_") {
				shared += "\n" + inlineConstants(text, lang, as)
			}
		}
		for base, text := range src {
			if base == "layout" || strings.HasPrefix(base, "_") {
				continue
			}
			t, err := template.New("layout.html").Funcs(funcs).Parse(shared)
			if err == nil {
				_, err = t.New(base + ".html").Parse(inlineConstants(text, lang, as))
			}
			if err != nil {
				return nil, fmt.Errorf("web: parse template %s: %w", base, err)
			}
			p.byLang[lang][base] = t
		}
	}
	return p, nil
}

var (
	constT     = regexp.MustCompile(`\{\{t "([a-z_.]+)"\}\}`)
	constAsset = regexp.MustCompile(`\{\{asset "([a-z0-9_./-]+)"\}\}`)
)

// inlineConstants replaces {{t "key"}} and {{asset "path"}} with their
// escaped text before parsing. Their values never change for a language, and
// each one would otherwise cost two reflective calls on every page view.
// Messages are plain text, so HTML escaping suits both text and quoted
// attribute values, the only places these actions appear.
func inlineConstants(text, lang string, as *assets) string {
	text = constT.ReplaceAllStringFunc(text, func(m string) string {
		return html.EscapeString(tr(lang, constT.FindStringSubmatch(m)[1]))
	})
	return constAsset.ReplaceAllStringFunc(text, func(m string) string {
		return html.EscapeString(as.url(constAsset.FindStringSubmatch(m)[1]))
	})
}

// templateFuncs are the page helpers of one language. Times are shown in
// loc, the platform's zone, never the machine's.
func templateFuncs(lang string, as *assets, loc *time.Location) template.FuncMap {
	return template.FuncMap{
		"t":        func(key string, args ...any) string { return trf(lang, key, args...) },
		"msg":      func(t model.Text) string { return t.In(lang) },
		"lang":     func() string { return lang },
		"question": func(v qview) template.HTML { return questionHTML(v, lang) },
		"asset":    as.url,
		"date":     func(t time.Time) string { return viet.Date(t, loc, lang) },
		"datetime": func(t time.Time) string { return viet.DateTime(t, loc, lang) },
		"hm":       func(t time.Time) string { return viet.Clock(t, loc) },
		"span":     func(from, to time.Time) string { return viet.Span(from, to, loc, lang) },
		"zone":     func(t time.Time) string { return viet.ZoneLabel(t, loc) },
		"state":    func(st report.Status) string { return stateText(lang, st) },
		"add":      func(a, b int) int { return a + b },
		"float":    func(n int) float64 { return float64(n) },
		// num shows a figure with every digit it has (a dossier's 1.350 ha),
		// dec one rounded to one decimal (a score of 2,9): both by language,
		// through viet.Num, so no page prints a bare %v or %.1f.
		"num":   func(f float64) string { return viet.Num(f, -1, lang) },
		"dec":   func(f float64) string { return viet.Num(f, 1, lang) },
		"whole": func(f float64) string { return viet.Num(f, 0, lang) },
		"has": func(list []string, s string) bool {
			for _, x := range list {
				if x == s {
					return true
				}
			}
			return false
		},
		"ratio": func(a, b float64) float64 {
			if b == 0 {
				return 0
			}
			return a / b
		},
		"mul100": func(f float64) float64 { return f * 100 },
		// barw rounds a percentage to a bar width class (w0 … w20): the
		// stylesheet forbids inline styles.
		"barw": func(p float64) int { return int(math.Round(p / 5)) },
		// pct is a percentage's figure to one decimal ("13,3" / "13.3");
		// the messages around it carry the % sign.
		"pct":   func(f float64) string { return viet.Num(f, 1, lang) },
		"clock": func(t time.Time) string { return viet.DateTime(t, loc, lang) },
		"ms":    func(t time.Time) int64 { return t.UnixMilli() },
		"kb":    func(n int) string { return byteSize(n, lang) },
		"kind":  func(k model.UnitKind) string { return tr(lang, "kind."+string(k)) },
		"role":  func(r model.Role) string { return tr(lang, "role."+string(r)) },
		"indent": func(depth int) string {
			return strings.Repeat("— ", depth)
		},
	}
}

// view is what every page template receives.
type view struct {
	Lang   string
	User   *model.User
	Path   string
	Title  string
	Notice string // translated message shown at the top
	Errors model.ValidationError
	Form   map[string]string
	D      any // page-specific data

	body *fragment // spliced in where the page prints fragmentMarker
	// InlineCSS is the stylesheet when the browser does not have it yet
	// (first visit): the page then renders from its own answer.
	InlineCSS template.CSS
}

// Err returns the message for a form field in the page's language.
func (v *view) Err(field string) string {
	t, ok := v.Errors.For(field)
	if !ok {
		return ""
	}
	return t.In(v.Lang)
}

func (h *handler) newView(c *gin.Context, title string) *view {
	v := &view{Lang: langOf(c.Request), Path: c.Request.URL.Path, Title: title}
	if ck, err := c.Request.Cookie(cssCookie); err != nil || ck.Value != h.assets.files["css/app.css"].hash {
		v.InlineCSS = h.assets.css
	}
	if u, ok := currentUser(c); ok {
		v.User = &u
	}
	return v
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Dynamic pages are compressed at the fastest level: it costs a third of
// the default's CPU for a few percent more bytes, and the heaviest text
// (modules) is compressed once at the best level instead.
var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// render executes a page into a buffer first, so a template error becomes a
// clean 500 page instead of half a page.
func (h *handler) render(c *gin.Context, status int, page string, v *view) {
	t := h.pages.byLang[v.Lang][page]
	if t == nil {
		slog.Error("missing template", "page", page)
		c.String(http.StatusInternalServerError, tr(v.Lang, "error.internal"))
		return
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := t.Execute(buf, v); err != nil {
		slog.Error("render page", "page", page, "err", err)
		c.Header("Content-Type", "text/plain; charset=utf-8")
		c.String(http.StatusInternalServerError, tr(v.Lang, "error.internal"))
		return
	}
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Cache-Control", "no-store")
	c.Header("Vary", "Accept-Encoding, Cookie")
	if v.body == nil {
		writeMaybeGzip(c, status, buf.Bytes())
		return
	}
	before, after, ok := bytes.Cut(buf.Bytes(), []byte(fragmentMarker))
	if !ok {
		slog.Error("render page: fragment marker missing", "page", page)
		c.String(http.StatusInternalServerError, tr(v.Lang, "error.internal"))
		return
	}
	if strings.Contains(c.GetHeader("Accept-Encoding"), "gzip") {
		c.Header("Content-Encoding", "gzip")
		c.Status(status)
		if err := writeGzipSpliced(c.Writer, before, v.body, after); err != nil {
			slog.Debug("write page", "err", err) // the client went away
		}
		return
	}
	c.Status(status)
	for _, part := range [][]byte{before, v.body.plain, after} {
		if _, err := c.Writer.Write(part); err != nil {
			return
		}
	}
}

// writeMaybeGzip sends body compressed when the client accepts gzip: phones
// on 3G pay for every byte.
func writeMaybeGzip(c *gin.Context, status int, body []byte) {
	if len(body) < 512 || !strings.Contains(c.GetHeader("Accept-Encoding"), "gzip") {
		c.Data(status, c.Writer.Header().Get("Content-Type"), body)
		return
	}
	c.Header("Content-Encoding", "gzip")
	c.Status(status)
	zw := gzipPool.Get().(*gzip.Writer)
	zw.Reset(c.Writer)
	_, _ = zw.Write(body)
	_ = zw.Close()
	gzipPool.Put(zw)
}

// fail shows an error page; 5xx errors are logged with the cause.
func (h *handler) fail(c *gin.Context, status int, key string, err error) {
	if err != nil {
		slog.Error("request failed", "method", c.Request.Method, "path", c.Request.URL.Path, "status", status, "err", err)
	}
	if wantsJSON(c) {
		c.JSON(status, gin.H{"error": tr(langOf(c.Request), key)})
		c.Abort()
		return
	}
	v := h.newView(c, tr(langOf(c.Request), "error.title"))
	v.Notice = tr(v.Lang, key)
	v.D = status
	h.render(c, status, "error", v)
	c.Abort()
}

func wantsJSON(c *gin.Context) bool {
	return strings.Contains(c.GetHeader("Accept"), "application/json")
}

// localPath accepts only paths on this site, so a ?next= link cannot send a
// user elsewhere after login.
//
// Browsers read a backslash as a slash and drop tabs and newlines inside a
// URL, so "/\tevil.example" or "/./\\evil.example" would leave the site:
// a path with a backslash or any control character is refused, and so is one
// that, cleaned, begins with two slashes or names a host.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.ContainsRune(p, '\\') {
		return ""
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f {
			return ""
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(p, "//") || strings.HasPrefix(path.Clean(u.Path), "//") {
		return ""
	}
	return p
}
