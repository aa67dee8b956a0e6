package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tdkt/tdkt/internal/report"
	"github.com/tdkt/tdkt/internal/viet"
)

// Charts are drawn on the server as SVG: nothing to download, readable at
// 360 px (they scale with the width of the page), and printed as they are.
// Their labels are read by people, so figures and dates go through viet in
// the page's language; coordinates stay in the machine's %.1f.

// finishedBars draws one bar per unit: the share of its enrolled officers
// who have finished.
func finishedBars(rows []report.UnitRow, lang string) template.HTML {
	const w, left, barW, rowH = 360, 150, 160, 24
	h := len(rows)*rowH + 8
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" width="100%%" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		w, h, html.EscapeString(tr(lang, "progress.chart_units")))
	for i, r := range rows {
		y := 4 + i*rowH
		name := r.Unit.Name
		if utf8.RuneCountInString(name) > 22 {
			name = string([]rune(name)[:21]) + "…"
		}
		pct := r.FinishedPct()
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" font-size="11" fill="#202124">%s</text>`, left-6, y+15, html.EscapeString(name))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="16" fill="#eceae4"/>`, left, y+3, barW)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="16" fill="#137333"/>`, left, y+3, pct*barW/100)
		// Whole percents: the label has about 45 px beside the bar.
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="#202124">%s%% · %s/%s</text>`, left+barW+4, y+15,
			viet.Num(pct, 0, lang), viet.Num(float64(r.Finished), 0, lang), viet.Num(float64(r.Enrolled), 0, lang))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// finishedOverTime draws how many had finished by the end of each week.
func finishedOverTime(weeks []report.WeekCount, enrolled int, loc *time.Location, lang string) template.HTML {
	const w, h, padL, padB, padT = 360, 150, 36, 22, 10
	top := enrolled
	for _, p := range weeks {
		top = max(top, p.Finished)
	}
	top = max(top, 1)
	plotW, plotH := float64(w-padL-8), float64(h-padB-padT)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" width="100%%" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		w, h, html.EscapeString(tr(lang, "progress.chart_time")))
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#9aa0a6"/>`, padL, h-padB, w-8, h-padB)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" font-size="10" fill="#5f6368">%s</text>`, padL-4, padT+8, viet.Num(float64(top), 0, lang))
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" font-size="10" fill="#5f6368">0</text>`, padL-4, h-padB)
	var pts []string
	for i, p := range weeks {
		x := float64(padL) + plotW*float64(i)/float64(max(len(weeks)-1, 1))
		y := float64(h-padB) - plotH*float64(p.Finished)/float64(top)
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="#137333"/>`, x, y)
	}
	fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="#137333" stroke-width="2"/>`, strings.Join(pts, " "))
	if len(weeks) > 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="10" fill="#5f6368">%s</text>`, padL, h-6, viet.Date(weeks[0].End, loc, lang))
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" font-size="10" fill="#5f6368">%s</text>`, w-8, h-6, viet.Date(weeks[len(weeks)-1].End, loc, lang))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
