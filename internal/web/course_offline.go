package web

import (
	"math"
	"net/http"
	"net/url"
	"sort"

	"github.com/gin-gonic/gin"

	"github.com/tdkt/tdkt/internal/course"
	"github.com/tdkt/tdkt/internal/viet"
)

// offlineFile is one address a phone keeps to read a course without a
// connection, with about how many bytes it takes.
type offlineFile struct {
	URL   string `json:"url"`
	Bytes int    `json:"bytes"`
}

// pageOverhead is about what the layout, header and menus add to a page's
// own text, uncompressed (Cache Storage keeps pages as they are).
const pageOverhead = 4000

// showCourseOffline lists what the "read offline" button downloads: the
// catalog, the course page, every module with its practice and pictures, and
// the legal documents the modules cite, so that a link followed offline does
// not end on an error. The sizes are estimates, shown before the download;
// the page counts the real bytes as they arrive.
func (h *handler) showCourseOffline(c *gin.Context) {
	co := h.course(c)
	if co == nil {
		h.fail(c, http.StatusNotFound, "error.notfound", nil)
		return
	}
	files, total := h.offlineFiles(co)
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"course": co.ID, "title": co.Title, "files": files, "bytes": total})
}

// offlineFiles is the list showCourseOffline serves, with its total size.
func (h *handler) offlineFiles(co *course.Course) ([]offlineFile, int) {
	base := "/courses/" + url.PathEscape(co.ID)
	files := []offlineFile{{"/", pageOverhead + 400*len(h.cat.Courses)}, {base, pageOverhead + len(co.IntroHTML) + 300*len(co.Modules)}}
	docs := map[string]bool{}
	for _, m := range co.Modules {
		mu := base + "/modules/" + url.PathEscape(m.ID)
		files = append(files, offlineFile{mu, pageOverhead + len(m.HTML)})
		if len(m.Questions) > 0 {
			files = append(files, offlineFile{mu + "/practice", pageOverhead + 1500*len(m.Questions)})
		}
		for _, d := range m.Docs {
			if d.Doc != nil {
				docs[d.Doc.Slug] = true
			}
		}
		for _, d := range m.Outdated {
			docs[d.Slug] = true
		}
	}
	slugs := make([]string, 0, len(docs))
	for s := range docs {
		slugs = append(slugs, s)
	}
	sort.Strings(slugs)
	for _, s := range slugs {
		files = append(files, offlineFile{"/documents/" + url.PathEscape(s), pageOverhead + 2000})
	}
	pics := make([]string, 0, len(co.Pictures))
	for p := range co.Pictures {
		pics = append(pics, p)
	}
	sort.Strings(pics)
	for _, p := range pics {
		files = append(files, offlineFile{base + "/files/" + p, len(co.Pictures[p])})
	}
	total := 0
	for _, f := range files {
		total += f.Bytes
	}
	return files, total
}

// byteSize writes a size for people: "420 KB", "1,2 MB" (vi) or "1.2 MB" (en).
func byteSize(n int, lang string) string {
	if n >= 1<<20 {
		return viet.Num(float64(n)/(1<<20), 1, lang) + " MB"
	}
	return viet.Num(math.Max(1, float64(n)/1024), 0, lang) + " KB"
}
