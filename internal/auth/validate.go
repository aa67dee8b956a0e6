package auth

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/tdkt/tdkt/internal/model"
)

// Field limits, shared by forms and the command line.
const (
	UsernameMin = 3
	UsernameMax = 32
	NameMin     = 2
	NameMax     = 100
	UnitNameMax = 150
	CodeMax     = 32
	PasswordMin = 8
	PasswordMax = 128
)

// cleanText NFC-normalises and trims s and folds runs of white space, so the
// same Vietnamese name typed on two keyboards is stored the same way.
func cleanText(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

// hasControl reports control characters, and bytes that are not UTF-8:
// stored raw, they would be served raw and never found by a search.
func hasControl(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return true
		}
	}
	return false
}

type checker struct{ errs model.ValidationError }

func (c *checker) add(field, vi, en string) {
	if _, ok := c.errs.For(field); ok {
		return // first problem per field is enough
	}
	c.errs = append(c.errs, model.FieldError{Field: field, Msg: model.Text{VI: vi, EN: en}})
}

func (c *checker) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return c.errs
}

func (c *checker) username(u string) {
	switch {
	case u == "":
		c.add("username", "Chưa nhập tên đăng nhập.", "Username is required.")
	case len(u) < UsernameMin || len(u) > UsernameMax:
		c.add("username", "Tên đăng nhập phải dài từ 3 đến 32 ký tự.", "Username must be 3 to 32 characters long.")
	default:
		for _, r := range u {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
				c.add("username", "Tên đăng nhập chỉ gồm chữ thường không dấu, chữ số và các dấu . _ -",
					"Username may contain only lower-case letters a-z, digits and . _ -")
				return
			}
		}
	}
}

func (c *checker) personName(field, n string) {
	switch l := utf8.RuneCountInString(n); {
	case n == "":
		c.add(field, "Chưa nhập họ và tên.", "Full name is required.")
	case l < NameMin || l > NameMax:
		c.add(field, "Họ và tên phải dài từ 2 đến 100 ký tự.", "Full name must be 2 to 100 characters long.")
	case hasControl(n):
		c.add(field, "Họ và tên có ký tự không hợp lệ.", "Full name contains invalid characters.")
	}
}

func (c *checker) password(field, pw string) {
	switch l := utf8.RuneCountInString(pw); {
	case pw == "":
		c.add(field, "Chưa nhập mật khẩu.", "Password is required.")
	case l < PasswordMin:
		c.add(field, "Mật khẩu phải có ít nhất 8 ký tự.", "Password must be at least 8 characters long.")
	case l > PasswordMax:
		c.add(field, "Mật khẩu dài quá 128 ký tự.", "Password must be at most 128 characters long.")
	case weakPassword(pw):
		c.add(field, "Mật khẩu này quá dễ đoán (ví dụ 12345678, password). Hãy chọn một cụm từ của riêng bạn.",
			"This password is too easy to guess (like 12345678 or password). Choose a phrase of your own.")
	}
}

// commonPasswords are among the most used passwords in Vietnam and
// everywhere; each is the first a guesser tries.
var commonPasswords = map[string]bool{}

func init() {
	for _, p := range strings.Fields(`12345678 123456789 1234567890 0123456789 87654321 11111111 00000000 88888888 66666666
		password password1 passw0rd matkhau matkhau1 matkhau123 abc12345 abcd1234 a1234567 12345678a 1q2w3e4r qwertyui
		qwerty123 iloveyou admin123 administrator quantri123 123123123 12341234 11223344 147258369 123qweasd
		vietnam123 hanoi123 saigon123 anhyeuem emyeuanh 123456aa aa123456 zxcvbnm1 asdfghjk letmein1 welcome1
		tdkt1234 thidua123 khenthuong`) {
		commonPasswords[p] = true
	}
}

// weakPassword says whether pw is one a guesser tries first: a common
// password, one character repeated, or a run of consecutive digits or
// letters.
func weakPassword(pw string) bool {
	low := strings.ToLower(pw)
	if commonPasswords[low] {
		return true
	}
	runes := []rune(low)
	same, up, down := true, true, true
	for i := 1; i < len(runes); i++ {
		same = same && runes[i] == runes[0]
		up = up && runes[i] == runes[i-1]+1
		down = down && runes[i] == runes[i-1]-1
	}
	return same || up || down
}
