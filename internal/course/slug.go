package course

import (
	"strings"

	"github.com/tdkt/tdkt/internal/viet"
)

// Slug turns a Vietnamese heading into a readable ASCII anchor: tone and
// vowel marks are dropped rather than the whole letter, and đ becomes d, so
// "Mục tiêu bài học" gives "muc-tieu-bai-hoc", not "mc-tiu-bi-hc".
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range viet.Fold(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
