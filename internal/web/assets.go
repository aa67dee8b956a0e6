package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	gzip "github.com/klauspost/compress/gzip"
	"io/fs"
	"mime"
	"net/http"
	"path"
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

type assets struct{ files map[string]*asset }

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
