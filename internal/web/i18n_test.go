package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every message key used by a template or a handler exists in both languages.
func TestMessagesComplete(t *testing.T) {
	keyUse := regexp.MustCompile(`(?:\{\{-?\s*t|\(t|\btr\([a-zA-Z.()]+,|h\.fail\(c, [a-zA-Z.]+,) "([a-z_]+\.[a-z_.]+)"`)
	quoted := regexp.MustCompile(`"((?:error|login|password|units|users|catalog|module|progress|course|nav|field|action|kind|role|app|quiz|exam|cert|verify|pager)\.[a-z_.]+)"`)
	used := map[string]bool{}
	_ = fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(templateFS, p)
		for _, m := range keyUse.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
		return nil
	})
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "i18n.go" {
			continue
		}
		b, _ := os.ReadFile(f)
		for _, m := range quoted.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys; the scan is broken", len(used))
	}
	for k := range used {
		m, ok := messages[k]
		if !ok {
			t.Errorf("message %q is used but not defined", k)
			continue
		}
		if m[0] == "" || m[1] == "" {
			t.Errorf("message %q lacks a language: %q", k, m)
		}
	}
	for _, k := range []string{"kind.tinh", "kind.xa", "kind.phuong", "kind.dac_khu", "role.admin", "role.trainer", "role.trainee"} {
		if _, ok := messages[k]; !ok {
			t.Errorf("message %q is missing", k)
		}
	}
}
