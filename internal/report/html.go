package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"strconv"
	"strings"
)

// htmlSource is the template of the HTML report: one self-contained page
// with inline CSS, no script, and a Content-Security-Policy that forbids
// loading anything.
//
//go:embed html.tmpl
var htmlSource string

// htmlTemplate is parsed once. html/template escapes every value for the
// context it lands in (text, attribute, RCDATA title), so log content can
// never open a tag, an attribute or a script; the "cell" template applies
// Safe first to log-derived cells, so that control and bidi characters
// show as escapes, as in the text report.
var htmlTemplate = template.Must(template.New("html").Funcs(template.FuncMap{
	"safe":     Safe,
	"stamp":    stamp,
	"colClass": colClass,
	"rowClass": rowClass,
}).Parse(htmlSource))

// colClass is the CSS class of a column's cells.
func colClass(c column) string {
	if c.Right {
		return "n"
	}
	return c.Style
}

// rowClass is the CSS class of a row marked m: samples of escalations are
// left plain, so that a long list of them does not drown the page.
func rowClass(m mark) string {
	switch m {
	case markEscalation:
		return "hot"
	case markIncomplete:
		return "bad"
	}
	return ""
}

// stamp shows a report time ("2025-11-24T09:14:05.298Z") as two spans,
// date and time of day, which the CSS lets wrap in a crowded table on a
// wide screen (and not on a phone, where tables scroll); "" is "-".
func stamp(t string) template.HTML {
	d, c, ok := strings.Cut(t, "T")
	if !ok {
		return template.HTML(template.HTMLEscapeString(dash(t)))
	}
	return template.HTML("<span>" + template.HTMLEscapeString(d) + "T</span><span>" + template.HTMLEscapeString(c) + "</span>")
}

// htmlPage is what the template reads: the sections of the report in the
// order of the page, and the timeline as a chart, which is drawn here only.
type htmlPage struct {
	Verdict  string
	Kind     string // the verdict: "escalate", "incomplete" or "ok"
	When     string
	Notes    []htmlNote
	Chart    htmlChart
	Sections []htmlSection
}

// htmlSection is a section and its heading: the page counts the inputs in
// their heading, as Markdown does; other sections show their title.
type htmlSection struct {
	*section
	Heading string
}

// htmlNote is one line of notes under the verdict and its CSS class.
type htmlNote struct{ Class, Text string }

// noteClass is the CSS class of each kind of note.
var noteClass = [...]string{
	noteCaveat:   "note warn",
	noteWarning:  "note warn",
	noteRedacted: "note",
	noteExposed:  "note priv",
}

// htmlChart is the timeline drawn as SVG: one group per bucket, bars
// stacked from the bottom (escalations, other 503s, other failures).
type htmlChart struct {
	Buckets  []htmlBucket
	Max      int64  // the largest Failed, the top of the y axis
	First    string // start of the first bucket
	Last     string // start of the last bucket
	Width    string // bucket width, "10 s"
	Untimed  string // "3 failed responses had no time.", or ""
	ViewW    int
	ViewH    int
	Baseline string // y of the x axis
	Top      string // y of the line at Max
}

type htmlBucket struct {
	Start                         string
	Failed, Status503, Escalation int64
	Title                         string
	Rects                         []htmlRect
}

type htmlRect struct {
	Class      string
	Count      int64
	X, Y, W, H string
}

// Geometry of the timeline's viewBox. The SVG is stretched to the width of
// the page (preserveAspectRatio none): it holds only rectangles and lines
// drawn with a non-scaling stroke, and its labels are HTML, so that they
// stay readable on a phone.
const (
	chartW     = 1000
	chartH     = 200
	chartPadT  = 4   // room above the tallest bar
	chartMinH  = 1.5 // a non-empty segment is at least this tall
	chartMaxBW = 60  // widest bar, for timelines of a few buckets
)

// fmtUnits formats a coordinate with two decimals, trailing zeros dropped.
func fmtUnits(f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	for s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}

func chartOf(tl *viewTimeline) htmlChart {
	c := htmlChart{Width: bucketText(tl.BucketSeconds), ViewW: chartW, ViewH: chartH}
	if tl.Untimed > 0 {
		c.Untimed = plural(tl.Untimed, "failed response had", "failed responses had") + " no time."
	}
	n := len(tl.Buckets)
	if n == 0 {
		return c
	}
	c.First, c.Last = tl.Buckets[0].Start, tl.Buckets[n-1].Start
	for _, x := range tl.Buckets {
		c.Max = max(c.Max, x.Failed)
	}
	plotH := float64(chartH - chartPadT)
	c.Baseline = fmtUnits(chartH)
	c.Top = fmtUnits(chartPadT)
	slot := float64(chartW) / float64(n)
	bw := min(slot*0.8, chartMaxBW)
	if slot-bw < 0.5 { // keep a gap between bars
		bw = slot * 0.8
	}
	for i, x := range tl.Buckets {
		b := htmlBucket{
			Start: x.Start, Failed: x.Failed, Status503: x.Status503, Escalation: x.Escalations,
			Title: fmt.Sprintf("%s: %d failed, %d HTTP 503, %d escalated", x.Start, x.Failed, x.Status503, x.Escalations),
		}
		left := fmtUnits(float64(i)*slot + (slot-bw)/2)
		w := fmtUnits(bw)
		y := float64(chartH)
		for _, seg := range []struct {
			class string
			n     int64
		}{
			{"esc", x.Escalations},
			{"s503", x.Status503 - x.Escalations},
			{"other", x.Failed - x.Status503},
		} {
			if seg.n <= 0 || c.Max == 0 {
				continue
			}
			h := max(float64(seg.n)/float64(c.Max)*plotH, chartMinH)
			y -= h
			b.Rects = append(b.Rects, htmlRect{Class: seg.class, Count: seg.n, X: left, Y: fmtUnits(y), W: w, H: fmtUnits(h)})
		}
		c.Buckets = append(c.Buckets, b)
	}
	return c
}

// renderHTML writes the report as one self-contained HTML page.
func renderHTML(b *bytes.Buffer, v *view) error {
	d := docOf(v)
	p := htmlPage{Verdict: d.Verdict, Kind: d.Kind, When: d.When, Chart: chartOf(d.Timeline)}
	for _, n := range d.Notes {
		p.Notes = append(p.Notes, htmlNote{Class: noteClass[n.kind], Text: n.text})
	}
	for _, s := range []*section{d.Nodes, d.Esc, d.Rev, d.Classes, d.Status, d.NoBody, d.Net, d.Backoff, d.Inputs, d.Skipped, d.Totals} {
		if !s.shown() {
			continue
		}
		h := htmlSection{section: s, Heading: s.Title}
		if s == d.Inputs && s.Count != "" {
			h.Heading += " (" + s.Count + ")"
		}
		p.Sections = append(p.Sections, h)
	}
	if err := htmlTemplate.Execute(b, &p); err != nil {
		return fmt.Errorf("report: html: %w", err)
	}
	return nil
}
