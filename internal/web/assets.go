package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	gzip "github.com/klauspost/compress/gzip"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"
)

// asset is one static file held in memory with its gzip form, since the
// whole set is a few kilobytes and is asked for by every page.
type asset struct {
	body, gz []byte
	ctype    string
	hash     string
}

type assets struct {
	files map[string]*asset
	// The stylesheet, for a page to carry inline on a first visit, and its
	// CSP hash. On a slow 3G link each request waits about two seconds
	// before its first byte; a page that needs a second request for its
	// style renders after two waits instead of one.
	css       template.CSS
	styleHash string
}

// cssComment matches a CSS comment and the line break after it. The
// stylesheets hold no strings with "/*" in them.
var cssComment = regexp.MustCompile(`(?s)/\*.*?\*/\n?`)

// cssCookie says which stylesheet the browser has in its cache: the
// stylesheet's answer sets it, so a page carries the style inline only
// until the stylesheet itself has arrived once.
const cssCookie = "tdkt_css"

func loadAssets(fsys fs.FS) (*assets, error) {
	as := &assets{files: map[string]*asset{}}
	if fsys == nil {
		return nil, fmt.Errorf("web: no static files given")
	}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasSuffix(p, ".go") {
			return nil
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		if path.Ext(p) == ".css" {
			body = cssComment.ReplaceAll(body, nil) // the why is for the reader of the source, not the phone
		}
		sum := sha256.Sum256(body)
		a := &asset{body: body, hash: hex.EncodeToString(sum[:6]), ctype: mime.TypeByExtension(path.Ext(p))}
		if path.Ext(p) == ".webmanifest" {
			a.ctype = "application/manifest+json" // not in Go's table
		}
		if a.ctype == "" {
			a.ctype = "application/octet-stream"
		}
		var zb bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&zb, gzip.BestCompression)
		_, _ = zw.Write(body)
		_ = zw.Close()
		if zb.Len() < len(body) {
			a.gz = zb.Bytes()
		}
		as.files[p] = a
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: load static files: %w", err)
	}
	for _, need := range []string{"css/app.css", "js/app.js"} {
		if as.files[need] == nil {
			return nil, fmt.Errorf("web: static file %s is missing", need)
		}
	}
	css := as.files["css/app.css"].body
	if bytes.Contains(css, []byte("</")) {
		return nil, fmt.Errorf("web: css/app.css holds \"</\", which would end an inline <style>")
	}
	as.css = template.CSS(css)
	sum := sha256.Sum256(css)
	as.styleHash = "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
	return as, nil
}

// url returns the address of a static file with its content hash, so it can
// be cached for a year and still change the day it is edited.
func (as *assets) url(p string) string {
	a := as.files[p]
	if a == nil {
		return "/static/" + p
	}
	return "/static/" + p + "?v=" + a.hash
}

func (h *handler) serveStatic(c *gin.Context) {
	p := strings.TrimPrefix(c.Param("path"), "/")
	a := h.assets.files[p]
	if a == nil {
		c.String(http.StatusNotFound, tr(langOf(c.Request), "error.notfound"))
		return
	}
	etag := `"` + a.hash + `"`
	c.Header("ETag", etag)
	if c.Query("v") == a.hash {
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
		if p == "css/app.css" {
			http.SetCookie(c.Writer, &http.Cookie{Name: cssCookie, Value: a.hash, Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
		}
	} else {
		c.Header("Cache-Control", "public, max-age=300")
	}
	c.Header("Vary", "Accept-Encoding")
	if c.GetHeader("If-None-Match") == etag {
		c.Status(http.StatusNotModified)
		return
	}
	if a.gz != nil && strings.Contains(c.GetHeader("Accept-Encoding"), "gzip") {
		c.Header("Content-Encoding", "gzip")
		c.Data(http.StatusOK, a.ctype, a.gz)
		return
	}
	c.Data(http.StatusOK, a.ctype, a.body)
}
