package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"
	gzip "github.com/klauspost/compress/gzip"
)

// shellFiles are the static files every page needs, kept by the service
// worker at install so that a kept page opens with its style and scripts.
var shellFiles = []string{"css/app.css", "js/app.js", "js/offline.js", "img/icon.svg", "manifest.webmanifest"}

// buildWorker writes the service worker's list of files to keep and its
// stamp into static/js/sw.js. The stamp is a hash over every static file, so
// any change to one makes the browser install the new worker.
func buildWorker(as *assets) ([]byte, error) {
	src := as.files["js/sw.js"]
	if src == nil {
		return nil, fmt.Errorf("web: static file js/sw.js is missing")
	}
	shell := []string{"/offline"}
	for _, f := range shellFiles {
		if as.files[f] == nil {
			return nil, fmt.Errorf("web: static file %s is missing", f)
		}
		shell = append(shell, as.url(f))
	}
	names := make([]string, 0, len(as.files))
	for p := range as.files {
		names = append(names, p)
	}
	sort.Strings(names)
	sum := sha256.New()
	for _, p := range names {
		sum.Write([]byte(p + as.files[p].hash))
	}
	list, _ := json.Marshal(shell)
	body := strings.Replace(string(src.body), "__SHELL__", string(list), 1)
	body = strings.Replace(body, "__VERSION__", hex.EncodeToString(sum.Sum(nil)[:6]), 1)
	return []byte(body), nil
}

// showWorker serves the service worker from the site's root, where its scope
// covers every page. Browsers check it for changes at least once a day and
// on navigations; no-cache makes every check reach the server.
func (h *handler) showWorker(c *gin.Context) {
	c.Header("Cache-Control", "no-cache")
	c.Header("Vary", "Accept-Encoding")
	if strings.Contains(c.GetHeader("Accept-Encoding"), "gzip") {
		c.Header("Content-Encoding", "gzip")
		c.Data(http.StatusOK, "text/javascript; charset=utf-8", h.workerGz)
		return
	}
	c.Data(http.StatusOK, "text/javascript; charset=utf-8", h.worker)
}

// gzipped compresses b once, at start-up, at the best level.
func gzipped(b []byte) []byte {
	var zb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&zb, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return zb.Bytes()
}
