package report

import (
	"fmt"
	"strconv"
	"strings"

	"synclog/internal/summary"
)

// doc is the report as format-neutral sections, built once from a view by
// docOf. The text, Markdown and HTML renderers serialize it; each owns its
// escaping, applied in one place to the cells by their kind (textCell,
// mdCell, the "cell" template) and to the prose as a whole. The formats
// order the sections differently, so doc names them rather than listing
// them.
type doc struct {
	Verdict  string
	Kind     string // the view's verdict: "escalate", "incomplete" or "ok"
	When     string
	Notes    []note
	Timeline *viewTimeline // drawn by the text sparkline and the HTML chart

	Esc, Rev *section // infra keys in 503s, and elsewhere
	Classes  *section
	Status   *section // failed responses by HTTP status; its Notes cover Nodes too
	Nodes    *section // failed responses by host (storage node)
	NoBody   *section
	Net      *section
	Backoff  *section
	Inputs   *section
	Skipped  *section // entries the folder walk, or an archive scan, passed over
	Totals   *section
}

// section is one titled part of the report. When it has no tables, it
// shows Empty instead, or is left out when Empty is "" too.
type section struct {
	Title string
	// Count qualifies the title where a format shows it ("5", "3, 1 not
	// read whole"); "" for none.
	Count  string
	Empty  string
	Prose  []string // sentences before the tables: lines in text, one paragraph elsewhere
	Tables []*grid
	Notes  []string // after the tables: what was folded into "(other)"
	Action string   // what to do, emphasised; "" for nothing
	// Fold is how Markdown shortens the section: foldNone puts it under
	// a heading with each table folded as its own Fold says; otherwise the
	// whole section is one fold titled "Title (Count)".
	Fold fold
}

// shown reports whether s is in the report.
func (s *section) shown() bool { return len(s.Tables) > 0 || s.Empty != "" }

// rows counts the rows of the tables of s.
func (s *section) rows() int {
	n := 0
	for _, t := range s.Tables {
		n += len(t.Rows)
	}
	return n
}

// fold says when Markdown folds a table or section into <details>.
type fold uint8

const (
	foldNone   fold = iota // never
	foldLong               // when it has more than foldRows rows
	foldAlways             // always
)

// grid is a table of a section.
type grid struct {
	Title   string // names the table where it is folded on its own
	Caption string // a line above the table; "" for none
	Cols    []column
	Rows    []gridRow
	Fold    fold
}

// column is a column of a table: its header, how it lines up, and how its
// cells look.
type column struct {
	Head  string
	Right bool // right-aligned (numbers)
	Wrap  bool // the text format may wrap it to fit the terminal
	// Style is how the cells look, as the CSS classes of the HTML report
	// ("m" monospace, "k" key, "h" hosts, "tm" time, "u" URL, "p" path,
	// "t" no wrap); Right columns are "n". Other formats ignore it.
	Style string
}

// mark singles out a row.
type mark uint8

const (
	markNone       mark = iota
	markEscalation      // an escalation: red in text, highlighted in HTML
	markSample          // a sample of an escalation: red in text only
	markIncomplete      // an input not read whole: red in text, marked in HTML
)

// gridRow is one row of a table, a cell per column.
type gridRow struct {
	Cells []cell
	Mark  mark
}

// cellKind says what a cell holds, and so how each format escapes it.
type cellKind uint8

const (
	cellText    cellKind = iota // the report's own words and numbers
	cellTime                    // a report time, "" when unknown
	cellLog                     // log-derived text: untrusted
	cellLogList                 // log-derived lines (hosts): untrusted
)

// cell is one cell of a row.
type cell struct {
	Kind cellKind
	Text string   // all but cellLogList
	List []string // cellLogList
}

// IsTime reports whether c is a report time (for the HTML template).
func (c cell) IsTime() bool { return c.Kind == cellTime }

// IsLog reports whether c is log-derived text.
func (c cell) IsLog() bool { return c.Kind == cellLog }

// IsList reports whether c is a list of log-derived lines.
func (c cell) IsList() bool { return c.Kind == cellLogList }

// Cells of each kind.
func plain(s string) cell      { return cell{Kind: cellText, Text: s} }
func number(n int64) cell      { return cell{Kind: cellText, Text: i64(n)} }
func timeCell(s string) cell   { return cell{Kind: cellTime, Text: s} }
func logText(s string) cell    { return cell{Kind: cellLog, Text: s} }
func logList(ss []string) cell { return cell{Kind: cellLogList, List: ss} }

// The columns that several tables share.
var (
	colKey      = column{Head: "Key", Wrap: true, Style: "m k"}
	colCount    = numCol("Count")
	colStatuses = column{Head: "HTTP statuses", Wrap: true, Style: "t"}
	colHosts    = column{Head: "Hosts", Wrap: true, Style: "m h"}
	colWhere    = column{Head: "Where", Wrap: true, Style: "m p"}
	colTime     = column{Head: "Time", Style: "m tm"}
	colMethod   = column{Head: "Method", Style: "m"}
	colURL      = column{Head: "URL", Wrap: true, Style: "m u"}
)

// numCol and timeCol are columns of numbers and of times.
func numCol(head string) column  { return column{Head: head, Right: true} }
func timeCol(head string) column { return column{Head: head, Style: "m tm"} }

// titleSkipped is the title of the entries a folder walk passed over, and
// of the tar members that hold no log (links, folders, devices).
const titleSkipped = "Not read: passed over (folder walk, archive members, the same log twice)"

// docOf builds the sections of the report of v.
func docOf(v *view) *doc {
	d := &doc{
		Verdict:  verdict(v),
		Kind:     v.Verdict,
		When:     whenLine(v),
		Notes:    notes(v),
		Timeline: &v.Timeline,
		Esc:      findingsSection(v, titleEsc, v.Escalations, false, v.Folded.Escalations),
		Rev:      findingsSection(v, titleRev, v.Reviews, true, v.Folded.Reviews),
		Classes:  classesSection(v),
		NoBody:   noBodySection(v),
		Net:      netSection(v),
		Backoff:  backoffSection(v),
		Inputs:   inputsSection(v),
		Skipped:  skippedSection(v),
		Totals:   totalsSection(v),
	}
	d.Esc.Empty = noEscLine
	if len(v.Escalations) > 0 {
		d.Esc.Action = actionLine
	}
	d.Status, d.Nodes = failedSections(v)
	zoneDoc(d, v.loc)
	return d
}

// folded returns the note on n events folded into "(other)", if any.
func folded(v *view, n int64) []string {
	if n == 0 {
		return nil
	}
	return []string{foldedNote(n, v.Limits.Keys)}
}

// findingsSection lists infra keys (escalations, or reviews when review)
// and their samples.
func findingsSection(v *view, title string, fs []viewFinding, review bool, other int64) *section {
	s := &section{Title: title}
	if len(fs) == 0 {
		return s
	}
	mk, smk := markEscalation, markSample
	t := &grid{Cols: []column{colKey, colCount, timeCol("First seen"), timeCol("Last seen"), colHosts}}
	if review {
		mk, smk = markNone, markNone
		t.Cols = []column{colKey, colCount, colStatuses, timeCol("First seen"), timeCol("Last seen"), colHosts}
	}
	smp := &grid{Caption: samplesTitle(v.Limits.Samples), Fold: foldAlways,
		Cols: []column{colKey, colWhere, colTime, colMethod, numCol("Status"), colURL}}
	for _, f := range fs {
		r := gridRow{Mark: mk, Cells: []cell{logText(f.Key), number(f.Count), timeCell(f.FirstSeen), timeCell(f.LastSeen), logList(f.Hosts)}}
		if review {
			r.Cells = []cell{logText(f.Key), number(f.Count), plain(f.Statuses.String()), timeCell(f.FirstSeen), timeCell(f.LastSeen), logList(f.Hosts)}
		}
		t.Rows = append(t.Rows, r)
		for _, x := range f.Samples {
			smp.Rows = append(smp.Rows, gridRow{Mark: smk, Cells: []cell{
				logText(f.Key), logText(where(x)), timeCell(x.Time), logText(dash(x.Method)), plain(statusText(x.Status)), logText(dash(x.URL)),
			}})
		}
	}
	s.Tables = []*grid{t}
	if len(smp.Rows) > 0 {
		smp.Title = smp.Caption + " " + plural(int64(len(smp.Rows)), "response", "responses")
		s.Tables = append(s.Tables, smp)
	}
	s.Notes = append(unlistedNote(fs, review), folded(v, other)...)
	return s
}

// unlistedNote names the infra keys of fs that the code table does not
// list, if any: they count as infra by their shape alone.
func unlistedNote(fs []viewFinding, review bool) []string {
	var keys []string
	for _, f := range fs {
		if f.Unlisted {
			keys = append(keys, strconv.Quote(f.Key))
		}
	}
	if len(keys) == 0 {
		return nil
	}
	what := "escalated"
	if review {
		what = "counted as infra"
	}
	return []string{fmt.Sprintf("Unlisted: %s not in the code table; %s by the load balancers' shape (server issue: ...). Add %s with --codes once known.",
		strings.Join(keys, ", ")+pick(int64(len(keys)), " is", " are"), what, pick(int64(len(keys)), "it", "them"))}
}

func classesSection(v *view) *section {
	s := &section{Title: titleClasses, Empty: "No response bodies classified."}
	if len(v.Classes) == 0 {
		return s
	}
	t := &grid{Cols: []column{
		{Head: "Class", Style: "t"}, colKey, {Head: "Description", Wrap: true}, colCount, colStatuses,
	}}
	for _, c := range v.Classes {
		t.Rows = append(t.Rows, gridRow{Cells: []cell{plain(c.Class), logText(c.Key), logText(c.Description), number(c.Count), plain(c.Statuses.String())}})
	}
	s.Tables = []*grid{t}
	s.Notes = folded(v, v.Folded.Classes)
	return s
}

// failedSections returns the failed responses by status and by host; the
// status section carries the note on both.
func failedSections(v *view) (status, nodes *section) {
	const none = "No failed responses (HTTP status 400 or more)."
	status = &section{Title: titleStatus, Empty: none}
	nodes = &section{Title: titleNodes, Empty: none}
	if v.Totals[summary.Failed] == 0 {
		return status, nodes
	}
	st := &grid{Title: titleStatus, Fold: foldLong, Cols: []column{numCol("Status"), colCount}}
	for _, x := range v.FailedByStatus {
		s := statusText(x.Status)
		if x.Other {
			s = otherKey
		}
		st.Rows = append(st.Rows, gridRow{Cells: []cell{plain(s), number(x.Count)}})
	}
	ht := &grid{Title: titleNodes, Fold: foldLong, Cols: []column{
		{Head: "Host", Wrap: true, Style: "m h"}, numCol("Failed"), numCol("HTTP 503"), numCol("Escalated"), timeCol("First"), timeCol("Last"),
	}}
	for _, x := range v.FailedByHost {
		mk := markNone
		if x.Escalations > 0 {
			mk = markEscalation
		}
		ht.Rows = append(ht.Rows, gridRow{Mark: mk, Cells: []cell{
			logText(x.Host), number(x.Count), number(x.Status503), number(x.Escalations), timeCell(x.FirstSeen), timeCell(x.LastSeen),
		}})
	}
	status.Tables = []*grid{st}
	status.Notes = folded(v, v.Folded.FailedByStatus+v.Folded.FailedByHost)
	nodes.Tables = []*grid{ht}
	return status, nodes
}

func noBodySection(v *view) *section {
	n := v.Totals[summary.NoBody503]
	s := &section{Title: titleNoBody, Empty: "None.", Fold: foldAlways}
	if n == 0 {
		return s
	}
	s.Count = i64(n)
	s.Prose = append([]string{plural(n, "HTTP 503 response had no body in the log.", "HTTP 503 responses had no body in the log.")}, bodyHints(v)...)
	t := &grid{Cols: []column{colWhere, colTime, colMethod, colURL}}
	for _, x := range v.NoBody503Samples {
		t.Rows = append(t.Rows, gridRow{Cells: []cell{logText(where(x)), timeCell(x.Time), logText(dash(x.Method)), logText(dash(x.URL))}})
	}
	s.Tables = []*grid{t}
	return s
}

func netSection(v *view) *section {
	s := &section{Title: titleNet, Empty: "None.", Fold: foldLong}
	if len(v.NetworkErrors) == 0 {
		return s
	}
	s.Count = i64(v.Totals[summary.NetworkErrors])
	t := &grid{Cols: []column{{Head: "Detail", Wrap: true, Style: "m k"}, colCount, colHosts}}
	for _, x := range v.NetworkErrors {
		t.Rows = append(t.Rows, gridRow{Cells: []cell{logText(x.Detail), number(x.Count), logList(x.Hosts)}})
	}
	s.Tables = []*grid{t}
	s.Notes = folded(v, v.Folded.NetworkErrors)
	return s
}

func backoffSection(v *view) *section {
	s := &section{Title: titleBackoff, Empty: "None.", Fold: foldLong}
	if len(v.Backoff) == 0 {
		return s
	}
	s.Count = i64(v.Totals[summary.Backoffs])
	t := &grid{Cols: []column{{Head: "Detail", Wrap: true, Style: "m"}, colCount, numCol("Max seconds")}}
	for _, x := range v.Backoff {
		t.Rows = append(t.Rows, gridRow{Cells: []cell{logText(x.Detail), number(x.Count), plain(seconds(x.MaxSeconds))}})
	}
	s.Tables = []*grid{t}
	s.Notes = folded(v, v.Folded.Backoff)
	return s
}

func inputsSection(v *view) *section {
	s := &section{Title: titleInputs, Empty: "None.", Fold: foldLong}
	if numInputs(v) == 0 {
		return s
	}
	s.Count = i64(numInputs(v))
	if bad := v.incomplete; bad > 0 {
		s.Count += fmt.Sprintf(", %d not read whole", bad)
	}
	t := &grid{Cols: []column{
		{Head: "File", Wrap: true, Style: "m p"}, {Head: "Format"}, {Head: "Layout"}, numCol("Bytes"), numCol("Decoded"),
		numCol("Lines"), numCol("Records"), numCol("Long lines"), {Head: "Read", Wrap: true, Style: "state k"},
	}}
	for _, in := range v.Inputs {
		mk := markNone
		if !in.Complete {
			mk = markIncomplete
		}
		t.Rows = append(t.Rows, gridRow{Mark: mk, Cells: []cell{
			logText(in.Path), logText(in.Format), logText(dash(in.Layout)), number(in.Bytes), number(in.DecodedBytes),
			number(in.Lines), number(in.Records), number(in.LongLines), logText(inputState(in)),
		}})
	}
	s.Tables = []*grid{t}
	s.Notes = foldedInputsNotes(v)
	return s
}

// foldedInputsNotes says what the inputs not listed add up to.
func foldedInputsNotes(v *view) []string {
	f := v.FoldedInputs
	if f == nil || f.Inputs == 0 {
		return nil
	}
	var out []string
	if whole := f.Inputs - f.Incomplete; whole > 0 {
		n := fmt.Sprintf("Note: %s read whole, not listed (%s, %s, %s",
			plural(whole, "more input", "more inputs"), plural(f.Bytes, "byte", "bytes"),
			plural(f.Lines, "line", "lines"), plural(f.Records, "record", "records"))
		if f.Warned > 0 {
			n += fmt.Sprintf("; %d of them with warnings", f.Warned)
		}
		out = append(out, n+fmt.Sprintf("); a report lists at most %d inputs, those not read whole or with warnings first.", v.Limits.Inputs))
	}
	if f.Incomplete > 0 {
		n := fmt.Sprintf("Warning: %s not read whole, not listed", plural(f.Incomplete, "more input", "more inputs"))
		if f.UnverifiedEvents > 0 {
			n += fmt.Sprintf(" (%d events after the last verified checksum not counted, %d escalations among them)",
				f.UnverifiedEvents, f.UnverifiedEscalations)
		}
		out = append(out, n+".")
	}
	return out
}

// skippedSection lists the entries passed over (titleSkipped); it is left
// out when there were none.
func skippedSection(v *view) *section {
	s := &section{Title: titleSkipped, Fold: foldLong}
	more := v.Folded.Skipped
	if len(v.Skipped) == 0 && more == 0 {
		return s
	}
	s.Count = i64(int64(len(v.Skipped)) + more)
	t := &grid{Cols: []column{{Head: "Path", Wrap: true, Style: "m p"}, {Head: "Why", Wrap: true}}}
	for _, x := range v.Skipped {
		t.Rows = append(t.Rows, gridRow{Cells: []cell{logText(x.Path), logText(x.Why)}})
	}
	s.Tables = []*grid{t}
	if more > 0 {
		s.Notes = []string{"Note: " + plural(more, "more entry was", "more entries were") + " passed over and not listed."}
	}
	return s
}

func totalsSection(v *view) *section {
	t := &grid{Cols: []column{{Head: "Total", Style: "m"}, colCount}}
	for _, r := range totalsRows(&v.Totals) {
		t.Rows = append(t.Rows, gridRow{Cells: []cell{plain(r[0]), plain(r[1])}})
	}
	return &section{Title: titleTotals, Tables: []*grid{t}, Fold: foldAlways}
}

// bodyHints says, for the layouts read, how to get bodies logged: desktop
// Firefox logs them at Trace (inputs of unknown layout, as in reports
// written before layouts were recorded, are taken for desktop); the other
// clients and servers never log them.
func bodyHints(v *view) []string {
	var desktop, other bool
	layouts := make([]string, 0, len(v.Inputs))
	for _, in := range v.Inputs {
		layouts = append(layouts, in.Layout)
	}
	if f := v.FoldedInputs; f != nil {
		layouts = append(layouts, f.Layouts...)
	}
	for _, l := range layouts {
		switch l {
		case "desktop", "":
			desktop = true
		default:
			other = true
		}
	}
	var out []string
	if desktop || !other {
		out = append(out, bodyHint)
	}
	if other {
		out = append(out, noBodyHint)
	}
	return out
}
