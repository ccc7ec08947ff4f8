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
// never open a tag, an attribute or a script; Safe is applied first, so
// that control and bidi characters show as escapes, as in the text report.
var htmlTemplate = template.Must(template.New("html").Funcs(template.FuncMap{
	"safe":       Safe,
	"dash":       dash,
	"stamp":      stamp,
	"statusText": statusText,
	"where":      where,
	"inputState": inputState,
	"seconds":    seconds,
	"statuses":   func(c statusCounts) string { return c.String() },
	"status": func(x statusCount) string {
		if x.Other {
			return otherKey
		}
		return statusText(x.Status)
	},
}).Parse(htmlSource))

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

// htmlPage is what the template reads: the view, and the strings and
// chart geometry computed from it with the helpers the text and Markdown
// renderers use, so that the formats say the same things.
type htmlPage struct {
	V          *view
	Verdict    string
	Escalate   bool
	When       string
	Notes      []htmlNote
	Esc, Rev   htmlFindings
	Chart      htmlChart
	ActionLine string
	NoEscLine  string
	BodyHint   string
	NoBodyLine string
	BadInputs  int
	Folded     htmlFolded
	Totals     [][2]string
	Titles     htmlTitles
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

// htmlFindings is the table of escalations or reviews and their samples.
type htmlFindings struct {
	Findings    []viewFinding
	Review      bool
	SamplesNote string
	HasSamples  bool
}

func findingsHTML(fs []viewFinding, review bool, samples int) htmlFindings {
	h := htmlFindings{Findings: fs, Review: review, SamplesNote: samplesTitle(samples)}
	for _, f := range fs {
		if len(f.Samples) > 0 {
			h.HasSamples = true
		}
	}
	return h
}

// htmlFolded holds the "(other)" notes, "" when nothing was folded.
type htmlFolded struct {
	Escalations, Reviews, Classes, Failed, NetworkErrors, Backoff string
}

type htmlTitles struct {
	Esc, Rev, Classes, Nodes, Status, NoBody, Net, Backoff, Inputs, Totals string
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
	p := htmlPage{
		V:          v,
		Verdict:    verdict(v),
		Escalate:   v.Totals.Escalations > 0,
		When:       whenLine(v),
		Esc:        findingsHTML(v.Escalations, false, v.Limits.Samples),
		Rev:        findingsHTML(v.Reviews, true, v.Limits.Samples),
		Chart:      chartOf(&v.Timeline),
		ActionLine: actionLine,
		NoEscLine:  noEscLine,
		BodyHint:   bodyHint,
		NoBodyLine: plural(v.Totals.NoBody503, "HTTP 503 response had no body in the log.", "HTTP 503 responses had no body in the log."),
		Totals:     totalsRows(&v.Totals),
		BadInputs:  incompleteInputs(v),
		Titles: htmlTitles{
			Esc: titleEsc, Rev: titleRev, Classes: titleClasses, Nodes: titleNodes, Status: titleStatus,
			NoBody: titleNoBody, Net: titleNet, Backoff: titleBackoff, Inputs: titleInputs, Totals: titleTotals,
		},
	}
	for _, n := range notes(v) {
		p.Notes = append(p.Notes, htmlNote{Class: noteClass[n.kind], Text: n.text})
	}
	fold := func(n int64) string {
		if n == 0 {
			return ""
		}
		return foldedNote(n, v.Limits.Keys)
	}
	p.Folded = htmlFolded{
		Escalations:   fold(v.Folded.Escalations),
		Reviews:       fold(v.Folded.Reviews),
		Classes:       fold(v.Folded.Classes),
		Failed:        fold(v.Folded.FailedByStatus + v.Folded.FailedByHost),
		NetworkErrors: fold(v.Folded.NetworkErrors),
		Backoff:       fold(v.Folded.Backoff),
	}
	if err := htmlTemplate.Execute(b, &p); err != nil {
		return fmt.Errorf("report: html: %w", err)
	}
	return nil
}
