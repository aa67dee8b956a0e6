package viet

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// The platform's users live in Vietnam whatever zone the server machine is
// set to, so every function here takes the location to show times in
// explicitly and never reads time.Local. loc must not be nil (time.Time.In
// panics on nil); pass the one loaded from config.Config.Location.
//
// Every date, time and number a person reads goes through this file, in the
// reader's language: lang "en" gives English, anything else Vietnamese, the
// platform's own language (so an unknown or empty language never shows a
// half-English page). Vietnamese writes dates day first with slashes
// (30/11/2026) and times on the 24-hour clock (08:05). English keeps the day
// first, as British English does, but names the month (30 Nov 2026), since
// 01/12 reads as January to half the English-speaking world. Seconds are
// left out: nothing on the platform is scheduled or read to the second.

const (
	dateLayout   = "02/01/2006"
	dateLayoutEN = "2 Jan 2006"
	clockLayout  = "15:04"
)

func dateFormat(lang string) string {
	if lang == "en" {
		return dateLayoutEN
	}
	return dateLayout
}

// Date is t's calendar day in loc: vi "30/11/2026", en "30 Nov 2026"; ""
// for the zero time, which stands for "not set" and must not show as
// 01/01/0001.
func Date(t time.Time, loc *time.Location, lang string) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(dateFormat(lang))
}

// Clock is t's time of day in loc, as "08:05" in both languages; "" for the
// zero time.
func Clock(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(clockLayout)
}

// DateTime is t in loc: vi "08:05, 30/11/2026", the time first as
// Vietnamese notices write it ("08 giờ 05, ngày 30/11/2026"), en
// "08:05, 30 Nov 2026" in the same order so both pages line up; "" for the
// zero time.
func DateTime(t time.Time, loc *time.Location, lang string) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(clockLayout + ", " + dateFormat(lang))
}

var weekdaysVI = [7]string{"Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"}

// Weekday names d in lang. The Vietnamese names are written as they stand
// inside a sentence ("thứ Hai", but "Chủ nhật"), since they follow a time.
func Weekday(d time.Weekday, lang string) string {
	if lang == "en" {
		return d.String()
	}
	return weekdaysVI[d]
}

// Span is a session's time range from from to to, in loc, for lang. On one
// day the date is written once: vi "08:00–11:30, thứ Hai, 30/11/2026",
// en "08:00–11:30, Monday 30 Nov 2026". A session running past midnight in
// loc gets both ends in full, joined by a spaced en dash: vi "22:00, thứ Hai,
// 30/11/2026 – 02:00, thứ Ba, 01/12/2026". "Same day" is decided in loc, not
// in UTC, so a morning session in Vietnam (the previous evening in UTC) is
// still one day. Span is "" when from is zero, and only the start when to is
// zero (an end not yet set).
func Span(from, to time.Time, loc *time.Location, lang string) string {
	if from.IsZero() {
		return ""
	}
	from = from.In(loc)
	if to.IsZero() {
		return Clock(from, loc) + ", " + day(from, lang)
	}
	to = to.In(loc)
	fy, fm, fd := from.Date()
	ty, tm, td := to.Date()
	if fy == ty && fm == tm && fd == td {
		return Clock(from, loc) + "\u2013" + Clock(to, loc) + ", " + day(from, lang)
	}
	return Clock(from, loc) + ", " + day(from, lang) + " \u2013 " + Clock(to, loc) + ", " + day(to, lang)
}

// day is t's weekday and date: vi "thứ Hai, 30/11/2026", en "Monday
// 30 Nov 2026". t is already in the wanted location.
func day(t time.Time, lang string) string {
	sep := ", "
	if lang == "en" {
		sep = " "
	}
	return Weekday(t.Weekday(), lang) + sep + t.Format(dateFormat(lang))
}

// ZoneLabel names the zone times are shown in, as "UTC+07:00
// (Asia/Ho_Chi_Minh)", so a reader abroad knows how to read them. The offset
// is the one in force at t, for zones that keep summer time.
func ZoneLabel(t time.Time, loc *time.Location) string {
	_, off := t.In(loc).Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("UTC%c%02d:%02d (%s)", sign, off/3600, off%3600/60, loc)
}

// Num writes f for a reader of lang with at most decimals digits after the
// decimal sign, rounded half away from zero, trailing zeros dropped (a score
// of 3 is "3", not "3,0"); decimals < 0 keeps every digit f needs.
// Vietnamese groups thousands with dots and uses a decimal comma
// (1234.5 → "1.234,5"); English the other way round ("1,234.5"). A figure
// that rounds to zero is "0", never "-0". NaN and infinities, which only a
// bug can produce, come out as "–" rather than "NaN" on a trainee's page.
func Num(f float64, decimals int, lang string) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "\u2013"
	}
	var s string
	if decimals < 0 {
		s = strconv.FormatFloat(f, 'f', -1, 64)
	} else {
		// FormatFloat rounds half to even on the binary value (2.25 → "2.2");
		// people expect 2.25 → 2,3, so round in decimal first.
		p := math.Pow(10, float64(decimals))
		s = strconv.FormatFloat(math.Round(f*p)/p, 'f', decimals, 64)
	}
	whole, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	if whole == "0" && frac == "" {
		neg = false
	}
	group, point := ".", ","
	if lang == "en" {
		group, point = ",", "."
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(point + frac)
	}
	return b.String()
}

// Pct writes a percentage for lang to one decimal, as Num does, with its
// sign: vi "13,3%", en "13.3%". Neither language puts a space before it.
func Pct(f float64, lang string) string {
	return Num(f, 1, lang) + "%"
}
