// Package viet holds what Vietnamese text needs beyond the standard library:
// folding away tone and vowel marks for search and anchors.
package viet

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold lower-cases s and drops tone and vowel marks, keeping the base letter
// (đ becomes d), so "Nguyễn Đức" and "nguyen duc" compare equal.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
