package web

import (
	"strings"
	"testing"

	"github.com/tdkt/tdkt/internal/model"
	"github.com/tdkt/tdkt/internal/quiz"
)

func TestRestCacheRendersOnce(t *testing.T) {
	rc := newRestCache(1)
	calls := 0
	render := func(s string) func() string { return func() string { calls++; return s } }
	if rc.get("k1", render("một")) != "một" || rc.get("k1", render("never")) != "một" || calls != 1 {
		t.Fatalf("the same key rendered %d times", calls)
	}
	first := rc.get("k2", render("hai"))
	second := rc.get("k2", render("hai"))
	if first != "hai" || second != "hai" || calls != 3 {
		t.Fatalf("past its size the cache should render each time: %d renders", calls)
	}
}

// Two papers that show a question in different orders get different keys;
// the same order, the same key; the languages never share one.
func TestOrderKeyFollowsTheOrder(t *testing.T) {
	e := newEnvFS(t, examContent())
	var q *quiz.Question
	for _, x := range e.cat.Course("khoa").Questions {
		if len(x.Options) >= 2 && (q == nil || x.ID < q.ID) {
			q = x
		}
	}
	keys := map[string]string{}
	for seed := uint64(0); seed < 200; seed++ {
		v := newQView(q, 1, seed, nil)
		var order []string
		for _, o := range v.View.Options {
			order = append(order, o.ID)
		}
		k := v.orderKey("vi")
		if prev, ok := keys[k]; ok && prev != strings.Join(order, ",") {
			t.Fatalf("one key for two orders: %s and %v", prev, order)
		}
		keys[k] = strings.Join(order, ",")
		if v.orderKey("en") == k {
			t.Fatal("the languages share a key")
		}
	}
	if len(keys) < 2 {
		t.Fatalf("200 seeds gave %d orders", len(keys))
	}
}

// The attempt page from cached question texts is the page rendered afresh:
// two attempts with the same seed read the same, and an answered question
// shows its answer.
func TestAttemptPageFromCachedQuestions(t *testing.T) {
	e := newEnvFS(t, examContent())
	co := e.cat.Course("khoa")
	h := &handler{rests: newRestCache(100)}
	var paper []*quiz.Question
	for _, q := range co.Questions {
		paper = append(paper, q)
	}
	fresh := func(answers map[string]quiz.Answer) []string {
		views := paperViews(paper, modelAttempt(7), answers)
		var out []string
		for _, v := range views {
			out = append(out, string(questionHTML(v, "vi")))
		}
		return out
	}
	cached := func(answers map[string]quiz.Answer) []string {
		views := paperViews(paper, modelAttempt(7), answers)
		h.renderPaper(views, "vi")
		var out []string
		for _, v := range views {
			out = append(out, string(v.HTML))
		}
		return out
	}
	for round := 0; round < 2; round++ { // the second round reads the cache
		if a, b := strings.Join(fresh(nil), ""), strings.Join(cached(nil), ""); a != b {
			t.Fatalf("round %d: cached paper differs from a fresh one", round)
		}
	}
	var single *quiz.Question
	for _, q := range paper {
		if q.Type == quiz.Single {
			single = q
			break
		}
	}
	ans := map[string]quiz.Answer{single.ID: {Choice: single.Options[0].ID}}
	if a, b := strings.Join(fresh(ans), ""), strings.Join(cached(ans), ""); a != b || !strings.Contains(b, "checked") {
		t.Fatal("an answered question must be rendered with its answer")
	}
}

func modelAttempt(seed uint64) model.Attempt { return model.Attempt{ID: 1, Seed: seed} }

// Every link in a question of the shipped course (a citation, mostly) opens
// in a new tab, so following it never takes a trainee off a running exam.
func TestQuestionLinksOpenOverThePage(t *testing.T) {
	e := newEnv(t)
	links := 0
	for _, co := range e.cat.Courses {
		for _, q := range co.Bank {
			page := string(questionHTML(newQView(q, 1, 7, nil), "vi"))
			for _, a := range strings.Split(page, "<a ")[1:] {
				links++
				if !strings.HasPrefix(a, `target="_blank" rel="noopener" href=`) {
					t.Fatalf("question %s: a link that would leave the page: <a %.120s", q.ID, a)
				}
			}
		}
	}
	if links == 0 {
		t.Fatal("no question of the shipped courses has a link: nothing was checked")
	}
	t.Logf("%d links in the questions, all opening in a new tab", links)
}
