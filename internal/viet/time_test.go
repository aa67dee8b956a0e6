package viet

import (
	"math"
	"strings"
	"testing"
	"time"

	// So the tests load Asia/Ho_Chi_Minh on machines without zone data.
	_ "time/tzdata"
)

// vn is Vietnam time, UTC+7 all year.
func vn(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// utc parses an RFC 3339 instant; the fixtures are all given in UTC so the
// conversion to the location is what is under test.
func utc(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestDateClockDateTime(t *testing.T) {
	loc := vn(t)
	for _, c := range []struct {
		in                                        string
		date, clock, dateTime, dateEN, dateTimeEN string
	}{
		// 01:00Z is 08:00 on Monday 30 November in Vietnam.
		{"2026-11-30T01:05:59Z", "30/11/2026", "08:05", "08:05, 30/11/2026", "30 Nov 2026", "08:05, 30 Nov 2026"},
		// 16:59Z is still the last minute of 30 November in Vietnam …
		{"2026-11-30T16:59:00Z", "30/11/2026", "23:59", "23:59, 30/11/2026", "30 Nov 2026", "23:59, 30 Nov 2026"},
		// … and 17:00Z already midnight of the next day.
		{"2026-11-30T17:00:00Z", "01/12/2026", "00:00", "00:00, 01/12/2026", "1 Dec 2026", "00:00, 1 Dec 2026"},
		// The evening before in UTC is the morning after in Vietnam.
		{"2026-12-31T23:30:00Z", "01/01/2027", "06:30", "06:30, 01/01/2027", "1 Jan 2027", "06:30, 1 Jan 2027"},
		{"2026-03-09T13:45:00Z", "09/03/2026", "20:45", "20:45, 09/03/2026", "9 Mar 2026", "20:45, 9 Mar 2026"},
	} {
		at := utc(t, c.in)
		if got := Date(at, loc, "vi"); got != c.date {
			t.Errorf("Date(%s, vi) = %q, want %q", c.in, got, c.date)
		}
		if got := Date(at, loc, "en"); got != c.dateEN {
			t.Errorf("Date(%s, en) = %q, want %q", c.in, got, c.dateEN)
		}
		if got := Date(at, loc, ""); got != c.date {
			t.Errorf("Date(%s, \"\") = %q, want the Vietnamese %q", c.in, got, c.date)
		}
		if got := Clock(at, loc); got != c.clock {
			t.Errorf("Clock(%s) = %q, want %q", c.in, got, c.clock)
		}
		if got := DateTime(at, loc, "vi"); got != c.dateTime {
			t.Errorf("DateTime(%s, vi) = %q, want %q", c.in, got, c.dateTime)
		}
		if got := DateTime(at, loc, "en"); got != c.dateTimeEN {
			t.Errorf("DateTime(%s, en) = %q, want %q", c.in, got, c.dateTimeEN)
		}
	}
}

// TestOtherLocation shows the location given is the one used: the same
// instant reads differently in UTC and in Vietnam, whatever time.Local is.
func TestOtherLocation(t *testing.T) {
	at := utc(t, "2026-11-30T20:00:00Z")
	for _, c := range []struct {
		loc                             *time.Location
		date, clock, dateTime, span, zl string
	}{
		{time.UTC, "30/11/2026", "20:00", "20:00, 30/11/2026", "20:00–21:30, thứ Hai, 30/11/2026", "UTC+00:00 (UTC)"},
		{vn(t), "01/12/2026", "03:00", "03:00, 01/12/2026", "03:00–04:30, thứ Ba, 01/12/2026", "UTC+07:00 (Asia/Ho_Chi_Minh)"},
		{time.FixedZone("X", -(3*3600 + 30*60)), "30/11/2026", "16:30", "16:30, 30/11/2026", "16:30–18:00, thứ Hai, 30/11/2026", "UTC-03:30 (X)"},
	} {
		if got := Date(at, c.loc, "vi"); got != c.date {
			t.Errorf("%s: Date = %q, want %q", c.loc, got, c.date)
		}
		if got := Clock(at, c.loc); got != c.clock {
			t.Errorf("%s: Clock = %q, want %q", c.loc, got, c.clock)
		}
		if got := DateTime(at, c.loc, "vi"); got != c.dateTime {
			t.Errorf("%s: DateTime = %q, want %q", c.loc, got, c.dateTime)
		}
		if got := Span(at, at.Add(90*time.Minute), c.loc, "vi"); got != c.span {
			t.Errorf("%s: Span = %q, want %q", c.loc, got, c.span)
		}
		if got := ZoneLabel(at, c.loc); got != c.zl {
			t.Errorf("%s: ZoneLabel = %q, want %q", c.loc, got, c.zl)
		}
	}
}

func TestZero(t *testing.T) {
	loc := vn(t)
	var zero time.Time
	for name, got := range map[string]string{
		"Date":         Date(zero, loc, "vi"),
		"Date en":      Date(zero, loc, "en"),
		"Clock":        Clock(zero, loc),
		"DateTime":     DateTime(zero, loc, "vi"),
		"DateTime en":  DateTime(zero, loc, "en"),
		"Span vi":      Span(zero, utc(t, "2026-11-30T04:30:00Z"), loc, "vi"),
		"Span en":      Span(zero, utc(t, "2026-11-30T04:30:00Z"), loc, "en"),
		"Span both vi": Span(zero, zero, loc, "vi"),
	} {
		if got != "" {
			t.Errorf("%s of the zero time = %q, want \"\"", name, got)
		}
	}
}

func TestWeekday(t *testing.T) {
	vi := []string{"Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"}
	en := []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	for d := time.Sunday; d <= time.Saturday; d++ {
		if got := Weekday(d, "vi"); got != vi[d] {
			t.Errorf("Weekday(%d, vi) = %q, want %q", d, got, vi[d])
		}
		if got := Weekday(d, "en"); got != en[d] {
			t.Errorf("Weekday(%d, en) = %q, want %q", d, got, en[d])
		}
		if got := Weekday(d, ""); got != vi[d] {
			t.Errorf("Weekday(%d, \"\") = %q, want the Vietnamese %q", d, got, vi[d])
		}
	}
}

func TestSpan(t *testing.T) {
	loc := vn(t)
	for _, c := range []struct {
		from, to, lang, want string
	}{
		// 08:00–11:30 on Monday 30 November in Vietnam.
		{"2026-11-30T01:00:00Z", "2026-11-30T04:30:00Z", "vi", "08:00–11:30, thứ Hai, 30/11/2026"},
		{"2026-11-30T01:00:00Z", "2026-11-30T04:30:00Z", "en", "08:00–11:30, Monday 30 Nov 2026"},
		// Past midnight in Vietnam: both ends in full.
		{"2026-11-30T15:00:00Z", "2026-11-30T19:00:00Z", "vi", "22:00, thứ Hai, 30/11/2026 – 02:00, thứ Ba, 01/12/2026"},
		{"2026-11-30T15:00:00Z", "2026-11-30T19:00:00Z", "en", "22:00, Monday 30 Nov 2026 – 02:00, Tuesday 1 Dec 2026"},
		// Two UTC days, but one day in Vietnam: 06:00–09:00 on Tuesday.
		{"2026-11-30T23:00:00Z", "2026-12-01T02:00:00Z", "vi", "06:00–09:00, thứ Ba, 01/12/2026"},
		{"2026-11-30T23:00:00Z", "2026-12-01T02:00:00Z", "en", "06:00–09:00, Tuesday 1 Dec 2026"},
		// One UTC day, but two days in Vietnam.
		{"2026-11-30T16:30:00Z", "2026-11-30T17:30:00Z", "vi", "23:30, thứ Hai, 30/11/2026 – 00:30, thứ Ba, 01/12/2026"},
		// Sunday starts with a capital in Vietnamese.
		{"2026-11-29T02:00:00Z", "2026-11-29T03:00:00Z", "vi", "09:00–10:00, Chủ nhật, 29/11/2026"},
		// The same clock time a day apart is not the same day.
		{"2026-11-30T01:00:00Z", "2026-12-01T01:00:00Z", "en", "08:00, Monday 30 Nov 2026 – 08:00, Tuesday 1 Dec 2026"},
		// No end yet: just the start.
		{"2026-11-30T01:00:00Z", "", "vi", "08:00, thứ Hai, 30/11/2026"},
		{"2026-11-30T01:00:00Z", "", "en", "08:00, Monday 30 Nov 2026"},
	} {
		var to time.Time
		if c.to != "" {
			to = utc(t, c.to)
		}
		if got := Span(utc(t, c.from), to, loc, c.lang); got != c.want {
			t.Errorf("Span(%s, %s, %s) = %q, want %q", c.from, c.to, c.lang, got, c.want)
		}
	}
}

func TestSpanDashes(t *testing.T) {
	loc := vn(t)
	same := Span(utc(t, "2026-11-30T01:00:00Z"), utc(t, "2026-11-30T04:30:00Z"), loc, "vi")
	if same[5:8] != "\u2013" {
		t.Errorf("same-day Span %q: want an unspaced U+2013 after the start time", same)
	}
	apart := Span(utc(t, "2026-11-30T15:00:00Z"), utc(t, "2026-11-30T19:00:00Z"), loc, "en")
	if strings.Count(apart, " \u2013 ") != 1 {
		t.Errorf("overnight Span %q: want one spaced U+2013", apart)
	}
}

func TestZoneLabel(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		at   string
		loc  *time.Location
		want string
	}{
		{"2026-11-30T01:00:00Z", vn(t), "UTC+07:00 (Asia/Ho_Chi_Minh)"},
		{"2026-06-30T01:00:00Z", vn(t), "UTC+07:00 (Asia/Ho_Chi_Minh)"},
		{"2026-11-30T01:00:00Z", time.UTC, "UTC+00:00 (UTC)"},
		// The offset is the one in force at t: New York keeps summer time.
		{"2026-01-15T12:00:00Z", ny, "UTC-05:00 (America/New_York)"},
		{"2026-07-15T12:00:00Z", ny, "UTC-04:00 (America/New_York)"},
		{"2026-11-30T01:00:00Z", time.FixedZone("IST", 5*3600+30*60), "UTC+05:30 (IST)"},
	} {
		if got := ZoneLabel(utc(t, c.at), c.loc); got != c.want {
			t.Errorf("ZoneLabel(%s, %s) = %q, want %q", c.at, c.loc, got, c.want)
		}
	}
}

func TestNum(t *testing.T) {
	for _, c := range []struct {
		f        float64
		decimals int
		vi, en   string
	}{
		{0, 1, "0", "0"},
		{0, -1, "0", "0"},
		{13.333, 1, "13,3", "13.3"},
		{0.3, 1, "0,3", "0.3"},
		{1234.5, 1, "1.234,5", "1,234.5"},
		{1350, -1, "1.350", "1,350"},
		{98.5, -1, "98,5", "98.5"},
		{12.25, -1, "12,25", "12.25"},
		{2340000, 0, "2.340.000", "2,340,000"},
		{999, 0, "999", "999"},
		{999.96, 1, "1.000", "1,000"}, // rounding carries into a new group
		{100, 1, "100", "100"},        // no ",0" on a whole number
		{2.9, 1, "2,9", "2.9"},
		{2.25, 1, "2,3", "2.3"}, // half away from zero, not to even
		{2.35, 1, "2,4", "2.4"}, // even where 2.35 is stored a hair below
		{2.94, 0, "3", "3"},     // no decimals
		{-1200, 0, "-1.200", "-1,200"},
		{-13.35, 1, "-13,4", "-13.4"},
		{-0.04, 1, "0", "0"}, // rounds to zero: no "-0"
		{-0.5, 0, "-1", "-1"},
		{1234567.891, 2, "1.234.567,89", "1,234,567.89"},
		{math.NaN(), 1, "\u2013", "\u2013"},
		{math.Inf(1), 1, "\u2013", "\u2013"},
	} {
		if got := Num(c.f, c.decimals, "vi"); got != c.vi {
			t.Errorf("Num(%v, %d, vi) = %q, want %q", c.f, c.decimals, got, c.vi)
		}
		if got := Num(c.f, c.decimals, "en"); got != c.en {
			t.Errorf("Num(%v, %d, en) = %q, want %q", c.f, c.decimals, got, c.en)
		}
		if got := Num(c.f, c.decimals, ""); got != c.vi {
			t.Errorf("Num(%v, %d, \"\") = %q, want the Vietnamese %q", c.f, c.decimals, got, c.vi)
		}
	}
}

func TestPct(t *testing.T) {
	for _, c := range []struct {
		f      float64
		vi, en string
	}{
		{13.333, "13,3%", "13.3%"},
		{100.0 * 2 / 15, "13,3%", "13.3%"},
		{0, "0%", "0%"},
		{100, "100%", "100%"},
		{66.66, "66,7%", "66.7%"},
		{0.25, "0,3%", "0.3%"},
		{-5.55, "-5,6%", "-5.6%"},
		{1234.56, "1.234,6%", "1,234.6%"},
	} {
		if got := Pct(c.f, "vi"); got != c.vi {
			t.Errorf("Pct(%v, vi) = %q, want %q", c.f, got, c.vi)
		}
		if got := Pct(c.f, "en"); got != c.en {
			t.Errorf("Pct(%v, en) = %q, want %q", c.f, got, c.en)
		}
	}
}
