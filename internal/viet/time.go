package viet

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The platform's users live in Vietnam whatever zone the server machine is
// set to, so every function here takes the location to show times in
// explicitly and never reads time.Local. loc must not be nil (time.Time.In
// panics on nil); pass the one loaded from config.Config.Location.
//
// Vietnamese writes dates day first with slashes (30/11/2026) and times on
// the 24-hour clock (08:05); seconds are left out, since nothing on the
// platform is scheduled or read to the second.

const (
	dateLayout  = "02/01/2006"
	clockLayout = "15:04"
)

// Date is t's calendar day in loc, as "30/11/2026"; "" for the zero time,
// which stands for "not set" and must not show as 01/01/0001.
func Date(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(dateLayout)
}

// Clock is t's time of day in loc, as "08:05"; "" for the zero time.
func Clock(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(clockLayout)
}

// DateTime is t in loc as "08:05, 30/11/2026": the time first, as Vietnamese
// notices write it ("08 giờ 05, ngày 30/11/2026"); "" for the zero time.
func DateTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(clockLayout + ", " + dateLayout)
}

var weekdaysVI = [7]string{"Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"}

// Weekday names d in lang: "en" gives English, anything else Vietnamese, the
// platform's own language. The Vietnamese names are written as they stand
// inside a sentence ("thứ Hai", but "Chủ nhật"), since they follow a time.
func Weekday(d time.Weekday, lang string) string {
	if lang == "en" {
		return d.String()
	}
	return weekdaysVI[d]
}

// Span is a session's time range from from to to, in loc, for lang. On one
// day the date is written once: vi "08:00–11:30, thứ Hai, 30/11/2026",
// en "08:00–11:30, Monday 30/11/2026". A session running past midnight in
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
// 30/11/2026". t is already in the wanted location.
func day(t time.Time, lang string) string {
	sep := ", "
	if lang == "en" {
		sep = " "
	}
	return Weekday(t.Weekday(), lang) + sep + t.Format(dateLayout)
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

// Number writes a figure the Vietnamese way: thousands grouped with dots,
// a decimal comma (1350 → 1.350; 98.5 → 98,5).
func Number(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString("," + frac)
	}
	return b.String()
}
