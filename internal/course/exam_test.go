package course

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/tdkt/tdkt/internal/quiz"
)

// bankOf writes n questions of each difficulty, tagged by difficulty.
func bankOf(n int) string {
	var b strings.Builder
	for _, d := range []string{"easy", "medium", "hard"} {
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "## %s-%02d\ntype: truefalse\ndifficulty: %s\ntags: %s, chung\ncite: 06/2022/QH15 Điều 5\nanswer: đúng\n\nCâu %s %d.\n\n> Vì.\n\n", d, i, d, d, d, i)
		}
	}
	return b.String()
}

func examFS(exam string, n int) fstest.MapFS {
	fs := goodFS()
	fs["khoa-thu/course.md"] = &fstest.MapFile{Data: []byte("---\ntitle: \"Khóa thử\"\norder: 1\n" + exam + "---\nGiới thiệu.\n")}
	fs["khoa-thu/questions/chung.md"] = &fstest.MapFile{Data: []byte(bankOf(n))}
	return fs
}

const exam10 = "exam:\n  questions: 10\n  time_limit_minutes: 30\n  max_attempts: 2\n  pass_percent: 70\n  difficulty_mix: {easy: 40, medium: 40, hard: 20}\n  review: marks\n  review_after: submit\ncertificate:\n  hours: 8\n  require_modules: all\n  exam_min_percent: 80\n  live_attendance_percent: 85\n"

func TestExamConfigAndDraw(t *testing.T) {
	cat, probs := Load(examFS(exam10, 6))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	co := cat.Course("khoa-thu")
	e := co.Exam
	if e.Questions != 10 || e.TimeLimit.Minutes() != 30 || e.MaxAttempts != 2 || e.PassPercent != 70 || e.Review != ReviewMarks || e.ReviewAfter != ReviewAfterSubmit {
		t.Fatalf("exam = %+v", e)
	}
	if c := co.Cert; c.Hours != 8 || c.ExamMinPercent != 80 || c.LiveAttendancePercent != 85 || len(co.RequiredModules()) != 2 {
		t.Fatalf("cert = %+v", c)
	}
	paper := co.DrawPaper(99)
	count := map[quiz.Difficulty]int{}
	seen := map[string]bool{}
	for _, q := range paper {
		count[q.Difficulty]++
		if seen[q.ID] {
			t.Fatalf("question %s drawn twice", q.ID)
		}
		seen[q.ID] = true
	}
	if len(paper) != 10 || count[quiz.Easy] != 4 || count[quiz.Medium] != 4 || count[quiz.Hard] != 2 {
		t.Fatalf("paper mix = %v (%d questions)", count, len(paper))
	}
	again := co.DrawPaper(99)
	for i := range paper {
		if paper[i] != again[i] {
			t.Fatal("same seed, different paper")
		}
	}
	if other := co.DrawPaper(100); fmt.Sprint(other) == fmt.Sprint(paper) {
		t.Error("different seeds gave the same paper")
	}
}

func TestExamChecks(t *testing.T) {
	cases := []struct{ exam, want string }{
		{exam10, "khoa-thu/course.md:4: exam draws 2 hard questions but the banks have 1"},
		{"exam:\n  questions: 3\n  time_limit_minutes: 5\n  difficulty_mix: {easy: 50, hard: 40}\n", "khoa-thu/course.md:7: exam difficulty_mix must add up to 100, got 90"},
		{"exam:\n  questions: 3\n  time_limit_minutes: 5\n  tags: [khong-co]\n", `exam tag "khong-co" is on no question of the course`},
		{"exam:\n  questions: 0\n  time_limit_minutes: 5\n", "khoa-thu/course.md:5: exam questions must be a number from 1 to 500"},
		{"exam:\n  questions: 3\n  time_limit_minutes: 5\n  review: all\n", `exam review must be score, marks or answers, got "all"`},
		{"exam:\n  questions: 3\n  time_limit: 5\n", `unknown exam field "time_limit"`},
		{"certificate:\n  hours: 8\n  require_modules: [bai-mot, bai-ba]\n", `certificate requires module "bai-ba", which the course does not have`},
		{"certificate:\n  require_modules: all\n", "certificate needs hours"},
	}
	for _, tc := range cases {
		_, probs := Load(examFS(tc.exam, 1))
		var all []string
		for _, p := range probs {
			all = append(all, p.String())
		}
		if !strings.Contains(strings.Join(all, "\n"), tc.want) {
			t.Errorf("want %q in:\n%s", tc.want, strings.Join(all, "\n"))
		}
	}
}
