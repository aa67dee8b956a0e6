// Package course owns the content catalog: it loads courses and modules from
// an fs.FS, validates their front matter, renders the Markdown once with
// goldmark and keeps the result, and tracks each trainee's progress.
package course

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/tdkt/tdkt/internal/quiz"
)

// Course is a folder of modules.
type Course struct {
	ID           string
	Title        string
	Summary      string
	Order        int
	LastReviewed time.Time
	IntroHTML    template.HTML
	Modules      []*Module
	TotalMinutes int
	Bank         []*quiz.Question          // every top-level question of the course
	Questions    map[string]*quiz.Question // by id, case parts included
	Exam         *ExamConfig               // nil: the course has no exam
	Cert         *CertRules                // nil: the course gives no certificate
	ForTrainers  bool                      // audience: trainers — hidden from trainees
	Dossiers     []*Dossier                // practice cases on real dossiers (ho-so/*.yaml)
	Decks        []*Deck                   // slide decks for live sessions (slides/*.md)
	Pictures     map[string][]byte         // pictures the pages show, by path in the course folder
}

// Dossier returns the course's case with id, or nil.
func (c *Course) Dossier(id string) *Dossier {
	for _, d := range c.Dossiers {
		if d.ID == id {
			return d
		}
	}
	return nil
}

// Module is one lesson, rendered.
type Module struct {
	ID               string
	Course           *Course
	Index            int // position in Course.Modules
	File             string
	Title            string
	Summary          string
	Order            int
	EstimatedMinutes int
	Objectives       []string
	LegalDocuments   []LegalRef
	LastReviewed     time.Time
	// Stale says why the module must be checked again: a fact it states or a
	// document it cites changed after LastReviewed. Shown to the reader.
	Stale     []string
	HTML      template.HTML
	TOC       []TOCEntry
	Words     int
	Questions []*quiz.Question // the module's practice questions
	Docs      []DocRef         // legal_documents resolved against the register
	Outdated  []*Document      // cited documents no longer in force: the module needs review
}

// DocRef is a document a module rests on, with the articles it cites.
type DocRef struct {
	Doc      *Document // nil when not registered
	Number   string
	Articles []string
}

// Prev returns the module before m in its course, or nil.
func (m *Module) Prev() *Module {
	if m.Index == 0 {
		return nil
	}
	return m.Course.Modules[m.Index-1]
}

// Next returns the module after m in its course, or nil.
func (m *Module) Next() *Module {
	if m.Index+1 >= len(m.Course.Modules) {
		return nil
	}
	return m.Course.Modules[m.Index+1]
}

// Catalog is every course, loaded and rendered once at start-up.
type Catalog struct {
	Courses  []*Course
	Register *Register // nil when the content has no register
	Facts    *Facts    // the register of facts (facts.yaml); empty when there is none
	Reviews  []Problem // content resting on documents no longer in force
	byID     map[string]*Course
}

// Cites returns the modules that list document number as a legal basis.
func (c *Catalog) Cites(number string) []*Module {
	var out []*Module
	for _, co := range c.Courses {
		for _, m := range co.Modules {
			for _, d := range m.LegalDocuments {
				if d.Number == number {
					out = append(out, m)
					break
				}
			}
		}
	}
	return out
}

// NewCatalogOf makes a catalog of courses built by hand, for tests of the
// packages that read one.
func NewCatalogOf(courses ...*Course) *Catalog {
	c := &Catalog{Courses: courses, byID: map[string]*Course{}}
	for _, co := range courses {
		c.byID[co.ID] = co
	}
	return c
}

// Course returns the course with id, or nil.
func (c *Catalog) Course(id string) *Course { return c.byID[id] }

// Module returns the module of a course, or nil.
func (c *Catalog) Module(courseID, moduleID string) *Module {
	co := c.byID[courseID]
	if co == nil {
		return nil
	}
	for _, m := range co.Modules {
		if m.ID == moduleID {
			return m
		}
	}
	return nil
}

var (
	courseDirName  = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	moduleFileName = regexp.MustCompile(`^[0-9]+-([a-z0-9]+(-[a-z0-9]+)*)\.md$`)
	courseFields   = map[string]bool{"title": true, "summary": true, "order": true, "last_reviewed": true, "exam": true, "certificate": true, "audience": true}
	moduleFields   = map[string]bool{"title": true, "summary": true, "order": true, "estimated_minutes": true,
		"objectives": true, "legal_documents": true, "last_reviewed": true}
)

// Load reads every course folder at the top of fsys. It returns the catalog
// and every problem found; callers refuse to serve content with problems.
func Load(fsys fs.FS) (*Catalog, []Problem) {
	cat := &Catalog{byID: map[string]*Course{}}
	reg, probs := loadRegister(fsys)
	cat.Register = reg
	facts, fp := loadFacts(fsys, reg)
	probs = append(probs, fp...)
	cat.Facts = facts
	// Course files are read with their {{fact:KEY}} markers filled in; an
	// unknown key is a problem at its line.
	var factProbs []Problem
	ffs := factFS{FS: fsys, facts: facts, probs: &factProbs, used: map[string][]string{}}
	fsys = ffs
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return cat, []Problem{{".", 1, "cannot read the content folder: " + err.Error(), false}}
	}
	orders := map[int]string{}
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") || strings.HasPrefix(e.Name(), "_") {
			continue
		}
		co, p := loadCourse(fsys, e.Name(), reg)
		probs = append(probs, p...)
		if co == nil {
			continue
		}
		if other, dup := orders[co.Order]; dup && co.Order != 0 {
			probs = append(probs, Problem{path.Join(co.ID, "course.md"), 1, fmt.Sprintf("order %d is already used by course %s", co.Order, other), false})
		}
		orders[co.Order] = co.ID
		cat.Courses = append(cat.Courses, co)
		cat.byID[co.ID] = co
	}
	probs = append(probs, factProbs...)
	probs = append(probs, freshness(cat, ffs.used)...)
	if len(cat.Courses) == 0 && len(probs) == 0 {
		probs = append(probs, Problem{".", 1, "no course found: each course is a folder with a course.md file", false})
	}
	sort.SliceStable(cat.Courses, func(i, j int) bool { return cat.Courses[i].Order < cat.Courses[j].Order })
	sortProblems(probs)
	for _, p := range probs {
		if p.Review {
			cat.Reviews = append(cat.Reviews, p)
		}
	}
	return cat, probs
}

// Blocking returns the problems that must stop a server from starting:
// everything but content flagged for review.
func Blocking(probs []Problem) []Problem {
	var out []Problem
	for _, p := range probs {
		if !p.Review {
			out = append(out, p)
		}
	}
	return out
}

func loadCourse(fsys fs.FS, dir string, reg *Register) (*Course, []Problem) {
	var probs []Problem
	courseFile := path.Join(dir, "course.md")
	if !courseDirName.MatchString(dir) {
		return nil, []Problem{{dir, 1, "course folder name must be lower-case ASCII words joined by hyphens, like nghiep-vu-tdkt", false}}
	}
	src, err := fs.ReadFile(fsys, courseFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, []Problem{{courseFile, 1, "course file is missing: every course folder needs a course.md", false}}
	}
	if err != nil {
		return nil, []Problem{{courseFile, 1, "cannot read file: " + err.Error(), false}}
	}
	fm, body, bodyLine, p := parseFrontMatter(courseFile, src, courseFields)
	probs = append(probs, p...)
	if fm == nil {
		return nil, probs
	}
	co := &Course{ID: dir, Title: fm.Title, Summary: fm.Summary, Order: fm.Order, LastReviewed: fm.LastReviewed, Exam: fm.Exam, Cert: fm.Cert,
		ForTrainers: fm.Audience == "trainers"}
	if fm.Title == "" {
		probs = append(probs, Problem{courseFile, fm.line("title"), "title is missing", false})
	}
	if fm.Order == 0 {
		if _, given := fm.lines["order"]; !given {
			probs = append(probs, Problem{courseFile, 1, "order is missing", false})
		}
	}
	pics := &pictures{fsys: fsys, course: dir, files: map[string][]byte{}}
	r := renderWith(courseFile, body, bodyLine, reg, pics)
	probs = append(probs, r.Problems...)
	co.IntroHTML = r.HTML

	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, append(probs, Problem{dir, 1, "cannot read course folder: " + err.Error(), false})
	}
	orders := map[int]string{}
	for _, e := range entries {
		name := e.Name()
		if name == "course.md" || !published(e) {
			continue
		}
		file := path.Join(dir, name)
		mm := moduleFileName.FindStringSubmatch(name)
		if mm == nil {
			probs = append(probs, Problem{file, 1, "module file name must be a number, a hyphen and a lower-case slug, like 01-nhung-van-de-chung.md", false})
			continue
		}
		m, p := loadModule(fsys, file, mm[1], reg, pics)
		probs = append(probs, p...)
		if m == nil {
			continue
		}
		if m.Order != 0 {
			if other, dup := orders[m.Order]; dup {
				probs = append(probs, Problem{file, m.orderLine, fmt.Sprintf("order %d is already used by %s", m.Order, other), false})
			}
			orders[m.Order] = name
		}
		m.Course = co
		co.Modules = append(co.Modules, m.Module)
	}
	if len(co.Modules) == 0 {
		probs = append(probs, Problem{courseFile, 1, "course has no modules: add files like 01-ten-bai.md beside course.md", false})
	}
	sort.SliceStable(co.Modules, func(i, j int) bool { return co.Modules[i].Order < co.Modules[j].Order })
	seen := map[string]bool{}
	for i, m := range co.Modules {
		m.Index = i
		co.TotalMinutes += m.EstimatedMinutes
		if seen[m.ID] {
			probs = append(probs, Problem{m.File, 1, fmt.Sprintf("module id %q is used by another file of this course", m.ID), false})
		}
		seen[m.ID] = true
	}
	probs = append(probs, loadBanks(fsys, co, reg)...)
	var dp []Problem
	co.Dossiers, dp = loadDossiers(fsys, dir, reg)
	probs = append(probs, dp...)
	co.Decks, dp = loadDecks(fsys, dir, reg, pics)
	probs = append(probs, dp...)
	co.Pictures = pics.files
	if co.Exam != nil {
		probs = append(probs, checkExam(co)...)
	}
	if co.Cert != nil {
		for _, id := range co.Cert.RequireModules {
			if id != "all" && co.module(id) == nil {
				probs = append(probs, Problem{courseFile, 1, fmt.Sprintf("certificate requires module %q, which the course does not have", id), false})
			}
		}
	}
	return co, probs
}

// published reports whether a folder entry is a Markdown file to load:
// drafts (_ten.md, .ten.md) and notes (README.md) stay beside the modules
// and decks without being published.
func published(e fs.DirEntry) bool {
	name := e.Name()
	return !e.IsDir() && strings.HasSuffix(name, ".md") && !strings.HasPrefix(name, "_") && !strings.HasPrefix(name, ".") &&
		!strings.EqualFold(name, "README.md")
}

type loadedModule struct {
	*Module
	orderLine int
}

func loadModule(fsys fs.FS, file, id string, reg *Register, pics *pictures) (*loadedModule, []Problem) {
	src, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, []Problem{{file, 1, "cannot read file: " + err.Error(), false}}
	}
	fm, body, bodyLine, probs := parseFrontMatter(file, src, moduleFields)
	if fm == nil {
		return nil, probs
	}
	m := &Module{ID: id, File: file, Title: fm.Title, Summary: fm.Summary, Order: fm.Order, EstimatedMinutes: fm.EstimatedMinutes,
		Objectives: fm.Objectives, LegalDocuments: fm.LegalDocuments, LastReviewed: fm.LastReviewed}
	missing := func(key, msg string) {
		if _, given := fm.lines[key]; !given {
			probs = append(probs, Problem{file, 1, msg, false})
		}
	}
	if fm.Title == "" {
		if _, given := fm.lines["title"]; given {
			probs = append(probs, Problem{file, fm.line("title"), "title is empty", false})
		} else {
			probs = append(probs, Problem{file, 1, "title is missing", false})
		}
	}
	missing("order", "order is missing")
	missing("estimated_minutes", "estimated_minutes is missing")
	missing("last_reviewed", "last_reviewed is missing")
	if _, given := fm.lines["objectives"]; !given {
		probs = append(probs, Problem{file, 1, "objectives are missing: list what the trainee will be able to do", false})
	}
	if strings.TrimSpace(string(body)) == "" {
		probs = append(probs, Problem{file, bodyLine, "module has no text after the front matter", false})
	}
	r := renderWith(file, body, bodyLine, reg, pics)
	probs = append(probs, r.Problems...)
	m.HTML, m.TOC, m.Words = r.HTML, r.TOC, r.Words
	if reg != nil {
		line := fm.line("legal_documents")
		for _, ref := range m.LegalDocuments {
			d := reg.Doc(ref.Number)
			switch {
			case d == nil:
				probs = append(probs, Problem{file, line, fmt.Sprintf("legal document %s is not in the register (%s)", ref.Number, RegisterFile), false})
			case !d.InForce():
				m.Outdated = append(m.Outdated, d)
				probs = append(probs, Problem{file, line, fmt.Sprintf("cites %s as a legal basis, but it is %s; review the module and list the document in force", ref.Number, d.StatusText()), true})
			}
			m.Docs = append(m.Docs, DocRef{Doc: d, Number: ref.Number, Articles: ref.Articles})
		}
	}
	return &loadedModule{Module: m, orderLine: fm.line("order")}, probs
}

func sortProblems(p []Problem) {
	sort.SliceStable(p, func(i, j int) bool {
		if p[i].File != p[j].File {
			return p[i].File < p[j].File
		}
		return p[i].Line < p[j].Line
	})
}
