package course

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"image"
	_ "image/gif" // picture sizes
	_ "image/jpeg"
	_ "image/png"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"

	_ "golang.org/x/image/webp"
)

// DeckDir is the folder of a course that holds its slide decks.
const DeckDir = "slides"

// Deck is a course's slide deck for live sessions (slides/<id>.md): slides
// written for a room instead of cut from the modules' sections.
type Deck struct {
	ID     string
	File   string
	Title  string
	Slides []template.HTML
}

// Deck returns the course's deck with id, or nil.
func (c *Course) Deck(id string) *Deck {
	for _, d := range c.Decks {
		if d.ID == id {
			return d
		}
	}
	return nil
}

var (
	deckFileName = regexp.MustCompile(`^([a-z0-9]+(?:-[a-z0-9]+)*)\.md$`)
	deckFields   = map[string]bool{"title": true}
)

// loadDecks reads the decks of the course in folder dir. Slides are
// separated by a line "---" outside fenced code; each is Markdown like a
// module's text, pictures included.
func loadDecks(fsys fs.FS, dir string, reg *Register, pics *pictures) ([]*Deck, []Problem) {
	folder := path.Join(dir, DeckDir)
	entries, err := fs.ReadDir(fsys, folder)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, []Problem{{folder, 1, "cannot read the slides folder: " + err.Error(), false}}
	}
	var decks []*Deck
	var probs []Problem
	for _, e := range entries {
		name := e.Name()
		if !published(e) {
			continue
		}
		file := path.Join(folder, name)
		m := deckFileName.FindStringSubmatch(name)
		if m == nil {
			probs = append(probs, Problem{file, 1, "deck file name must be a lower-case slug, like hoi-nghi-tap-huan.md", false})
			continue
		}
		d, p := loadDeck(fsys, file, m[1], reg, pics)
		probs = append(probs, p...)
		if d != nil {
			decks = append(decks, d)
		}
	}
	sort.Slice(decks, func(i, j int) bool { return decks[i].ID < decks[j].ID })
	return decks, probs
}

func loadDeck(fsys fs.FS, file, id string, reg *Register, pics *pictures) (*Deck, []Problem) {
	src, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, []Problem{{file, 1, "cannot read file: " + err.Error(), false}}
	}
	fm, body, bodyLine, probs := parseFrontMatter(file, src, deckFields)
	if fm == nil {
		return nil, probs
	}
	d := &Deck{ID: id, File: file, Title: fm.Title}
	if fm.Title == "" {
		probs = append(probs, Problem{file, fm.line("title"), "title is missing: the deck is chosen by it when a session is scheduled", false})
	}
	for i, s := range splitSlides(body, bodyLine) {
		if strings.TrimSpace(string(s.text)) == "" {
			probs = append(probs, Problem{file, s.line, fmt.Sprintf("slide %d is empty: remove the extra \"---\" or write the slide", i+1), false})
			continue
		}
		r := renderWith(file, s.text, s.line, reg, pics)
		probs = append(probs, r.Problems...)
		d.Slides = append(d.Slides, r.HTML)
	}
	if len(d.Slides) == 0 {
		probs = append(probs, Problem{file, bodyLine, "deck has no slides after the front matter", false})
	}
	return d, probs
}

type slideText struct {
	text []byte
	line int // of the slide's first line in the file
}

// splitSlides cuts a deck's body at lines "---"; a "---" inside a fenced
// code block (``` or ~~~) belongs to the code.
func splitSlides(body []byte, firstLine int) []slideText {
	var out []slideText
	cur := slideText{line: firstLine}
	var fence string
	line := firstLine
	for rest := body; len(rest) > 0; line++ {
		l, next, _ := bytes.Cut(rest, []byte("\n"))
		t := strings.TrimSpace(string(l))
		switch {
		case fence != "" && strings.HasPrefix(t, fence):
			fence = ""
		case fence == "" && (strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~")):
			fence = t[:3]
		}
		if fence == "" && strings.TrimRight(string(l), " \t") == "---" {
			out = append(out, cur)
			cur = slideText{line: line + 1}
		} else {
			cur.text = append(cur.text, l...)
			cur.text = append(cur.text, '\n')
		}
		rest = next
	}
	return append(out, cur)
}

// pictures resolves the pictures a course's pages show: files of the course
// folder, named relative to it (hinh/so-do.png), checked when the content
// is loaded and then served from memory, so a page can never point at a
// file that is not there or outside the course.
type pictures struct {
	fsys   fs.FS
	course string
	files  map[string][]byte // path relative to the course folder → the file
}

// Pictures must suit a phone on 3G: a module page with its style and
// scripts has a budget of 60 KB over the wire (internal/web's budget test),
// and a phone's screen is at most about 1080 device pixels wide, so a
// wider picture only costs bytes.
const (
	maxPicture      = 48 << 10
	maxPictureWidth = 1080
)

var pictureTypes = map[string]string{".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp", ".gif": "image/gif"}

// PictureType returns the media type of a picture file name, or "".
func PictureType(name string) string { return pictureTypes[strings.ToLower(path.Ext(name))] }

// PicturePath is where a course's picture is served.
func PicturePath(courseID, rel string) string { return "/courses/" + courseID + "/files/" + rel }

// resolve checks dest, as written in ![…](dest), and returns the address
// the page uses, or why it cannot be shown.
func (p *pictures) resolve(dest string) (string, image.Config, string) {
	var none image.Config
	u, err := url.Parse(dest)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(dest, "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", none, fmt.Sprintf("picture %q must be a file of the course folder, named from it, like hinh/so-do.png", dest)
	}
	rel := path.Clean(u.Path)
	if rel == "." || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", none, fmt.Sprintf("picture %q is outside the course folder", dest)
	}
	if PictureType(rel) == "" {
		return "", none, fmt.Sprintf("picture %q must be a PNG, JPEG, WebP or GIF file", dest)
	}
	b, err := fs.ReadFile(p.fsys, path.Join(p.course, rel))
	if err != nil {
		return "", none, fmt.Sprintf("picture %q is not in the course folder (%s)", dest, path.Join(p.course, rel))
	}
	if len(b) > maxPicture {
		return "", none, fmt.Sprintf("picture %q is %d KB; keep pictures under %d KB for phones on 3G", dest, (len(b)+1023)>>10, maxPicture>>10)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return "", none, fmt.Sprintf("picture %q cannot be read as %s: %v", dest, PictureType(rel), err)
	}
	if cfg.Width > maxPictureWidth {
		return "", none, fmt.Sprintf("picture %q is %d px wide; make it at most %d px wide for phones", dest, cfg.Width, maxPictureWidth)
	}
	p.files[rel] = b
	return PicturePath(p.course, rel), cfg, ""
}
