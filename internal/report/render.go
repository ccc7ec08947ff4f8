package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"synclog/internal/redact"
	"synclog/internal/summary"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/jedib0t/go-pretty/v6/text"
)

// Options controls Render.
type Options struct {
	// Format is "text" (the default when empty), "markdown", "json" or
	// "html" for Render. CSV, which lists the failed responses one per
	// row, is written by WriteCSV from the Rows a scan kept.
	Format string
	// Redact replaces personal data (account ids, e-mails, tokens, IP
	// addresses) in every log-derived string with stand-ins that are stable
	// within the report. The report says whether it was on.
	Redact bool
	// Color enables ANSI colour in the text format. The caller decides
	// (stdout is a terminal and NO_COLOR is unset); Render never looks at
	// the environment, and go-pretty's global colour switch is not used.
	Color bool
	// Width is the terminal width in columns, or 0 for no limit. When set,
	// no line of the text report is wider: prose, and the columns of
	// prose in tables, wrap at spaces; a table that still does not fit is
	// written one block per row, a "LABEL: value" line per cell; and a
	// value too wide for a line (a key, host or URL) is shortened in the
	// middle with "…". 0 keeps every line and value whole.
	Width int
	// Location is the time zone of the times shown in text, Markdown and
	// HTML, as RFC 3339 with its offset; nil means UTC. JSON and CSV are
	// always in UTC.
	Location *time.Location
	// Summary writes only the first part of the text report: the verdict,
	// the escalated keys, the action, when, and the notes (for chat and
	// pagers). Other formats refuse it.
	Summary bool
}

// The strings of the report that carry its meaning.
const (
	actionLine = "Action: contact Services Operations (infra string in HTTP 503)."
	noEscLine  = "No escalations: no infra string in a 503."
	bodyHint   = "Bodies are logged only when services.sync.log.logger.network.resources is set to Trace; set it in about:config to capture them next time."
	noBodyHint = "Android (Rust sync15), iOS and server access logs never hold response bodies: the load balancer's or the server's own error logs say what those 503s carried."
)

// Render writes the report of s to w in the format o.Format. The report is
// built in memory and written with one call to w.Write, whose error is
// returned as is. An unknown format, or "csv" (see WriteCSV), is an error
// and writes nothing.
// The same Summary and Options always give the same bytes.
func Render(w io.Writer, s *summary.Summary, o Options) error {
	if o.Summary && o.Format != "" && o.Format != "text" {
		return fmt.Errorf("report: a summary is text only, not %s", o.Format)
	}
	if o.Format == "csv" {
		return errors.New("report: csv lists every failed response: write it with WriteCSV from the rows a scan kept (a summary, or a JSON report, holds no rows)")
	}
	var b bytes.Buffer
	v := buildView(s)
	v.Redacted = o.Redact || s.Redacted
	v.loc = o.Location
	if o.Redact {
		v.redact(redact.New())
	}
	switch o.Format {
	case "", "text":
		renderText(&b, v, o)
	case "markdown":
		renderMarkdown(&b, v)
	case "json":
		e := json.NewEncoder(&b)
		e.SetEscapeHTML(false) // readable URLs and "<stdin>"; HTML output escapes for itself
		e.SetIndent("", "  ")
		if err := e.Encode(v); err != nil {
			return fmt.Errorf("report: encode json: %w", err)
		}
	case "html":
		if err := renderHTML(&b, v); err != nil {
			return err
		}
	default:
		return fmt.Errorf("report: unknown format %q (want text, markdown, json, html or csv)", o.Format)
	}
	data := b.Bytes()
	if o.Format == "json" {
		data = escapeJSONControls(data)
	}
	_, err := w.Write(data)
	return err
}

// verdict returns the first line of the report: ESCALATE, INCOMPLETE (and
// why) or OK, and, when --fail-on made the exit status 1 without an
// escalation, which rule did.
func verdict(v *view) string {
	t := &v.Totals
	var s string
	if t[summary.Escalations] > 0 {
		s = fmt.Sprintf("ESCALATE: %s in HTTP 503 — contact Services Operations.",
			plural(t[summary.Escalations], "response carries an infra string", "responses carry infra strings"))
	} else {
		s = "OK: nothing to escalate"
		if v.Verdict == "incomplete" {
			// What was not read (or not classified) may hold one.
			s = "INCOMPLETE: " + strings.Join(incompleteWhy(v), "; ") + "; nothing to escalate in the rest"
		}
		s += fmt.Sprintf(" (%s, %d failed", plural(t[summary.Responses], "response", "responses"), t[summary.Failed])
		if t[summary.Reviews] > 0 {
			s += fmt.Sprintf("; %d to review", t[summary.Reviews])
		}
		s += ")."
	}
	return s + failOnLine(v)
}

// failOnLine says which --fail-on rule made the exit status 1 when it was
// not an escalation, or "".
func failOnLine(v *view) string {
	t := &v.Totals
	if t[summary.Escalations] > 0 {
		return ""
	}
	var what []string
	for _, k := range summary.FailOn(v.Filters.FailOn) {
		if n := t[k]; n > 0 {
			what = append(what, plural(n, failOnWhat[k][0], failOnWhat[k][1]))
		}
	}
	if len(what) == 0 {
		return ""
	}
	return fmt.Sprintf(" Exit status 1 by --fail-on %s: %s.", v.Filters.FailOn, strings.Join(what, ", "))
}

// failOnWhat names, singular and plural, what a --fail-on rule counts
// besides escalations.
var failOnWhat = map[summary.Total][2]string{
	summary.Reviews:       {"infra string outside a 503", "infra strings outside a 503"},
	summary.UnknownBodies: {"unknown body", "unknown bodies"},
}

// incompleteWhy says why the report does not cover everything it was
// given (Summary.Whole is false), one phrase per reason that Whole checks: inputs not read whole
// (or not Sync logs), bodies cut before they could be classified, and
// problems of the run itself (a folder that could not be walked, or held
// nothing to read).
func incompleteWhy(v *view) []string {
	var why []string
	if bad := v.incomplete; bad > 0 {
		why = append(why, fmt.Sprintf("%d of %s not read whole or not a Sync log",
			bad, plural(numInputs(v), "input", "inputs")))
	}
	if n := v.Totals[summary.CutBodies]; n > 0 {
		why = append(why, plural(n, "response body was", "response bodies were")+" cut before "+
			pick(n, "it", "they")+" could be classified (raise --max-body-bytes)")
	}
	switch n := int64(len(v.Problems)) + v.Folded.Problems; {
	case n == 1 && len(v.Problems) == 1:
		why = append(why, Safe(v.Problems[0]))
	case n > 0:
		why = append(why, plural(n, "problem", "problems")+" reading the inputs (see below)")
	}
	return why
}

// noteKind says what a note under the verdict is about; HTML styles each
// kind its own way.
type noteKind int

const (
	noteCaveat   noteKind = iota // "Note:" 503s that could not be checked
	noteWarning                  // "Warning:" inputs not read whole
	noteRedacted                 // personal data was redacted
	noteExposed                  // personal data is shown
)

// note is one line under the verdict.
type note struct {
	kind noteKind
	text string
}

// notes returns the lines that qualify the verdict: 503s whose body the
// log did not hold (they could hide an escalation), inputs not read whole,
// and whether personal data was redacted.
func notes(v *view) []note {
	var out []note
	if n := v.Totals[summary.NoBody503]; n > 0 {
		out = append(out, note{noteCaveat, fmt.Sprintf("Note: %s no body in the log, so %s not be checked (see %q).",
			plural(n, "HTTP 503 response had", "HTTP 503 responses had"), pick(n, "it could", "they could"), titleNoBody)})
	}
	if bad := v.incomplete; bad > 0 {
		out = append(out, note{noteWarning, fmt.Sprintf("Warning: %d of %s could not be read whole or is not a Sync log; this report covers the rest (see %q).",
			bad, plural(numInputs(v), "input", "inputs"), titleInputs)})
	}
	for _, p := range v.Problems {
		out = append(out, note{noteWarning, "Warning: " + Safe(p) + "."})
	}
	if n := v.Folded.Problems; n > 0 {
		out = append(out, note{noteWarning, fmt.Sprintf("Warning: %s not listed.", plural(n, "more problem", "more problems"))})
	}
	if f := filtersLine(&v.Filters, v.loc); f != "" {
		out = append(out, note{noteCaveat, f})
	}
	if v.Redacted {
		out = append(out, note{noteRedacted, "Personal data redacted: account ids, e-mails and IP addresses are stand-ins (user-1, email-1, ip-1), secrets [redacted]; --no-redact shows them."})
	} else {
		out = append(out, note{noteExposed, "NOT REDACTED: this report shows personal data from the logs; do not attach it to a ticket."})
	}
	return out
}

// filtersLine says what narrowed the run, or "" when nothing did; times
// are shown in loc (see zoned).
func filtersLine(f *viewFilters, loc *time.Location) string {
	var parts []string
	since, until := zoned(f.Since, loc), zoned(f.Until, loc)
	switch {
	case since != "" && until != "":
		parts = append(parts, "events logged from "+since+" until before "+until)
	case since != "":
		parts = append(parts, "events logged from "+since+" on")
	case until != "":
		parts = append(parts, "events logged before "+until)
	}
	if len(f.Include) > 0 {
		parts = append(parts, "files matching "+quoteAll("--include", f.Include))
	}
	if len(f.Exclude) > 0 {
		parts = append(parts, "files not matching "+quoteAll("--exclude", f.Exclude))
	}
	if len(f.Hosts) > 0 {
		parts = append(parts, "events of hosts "+quoteAll("--host", f.Hosts))
	}
	if len(f.Keys) > 0 {
		parts = append(parts, "responses whose body key is "+quoteAll("--key", f.Keys))
	}
	if len(f.Statuses) > 0 {
		parts = append(parts, "responses with HTTP status "+statusList(f.Statuses))
	}
	if f.Shard != "" {
		parts = append(parts, shardLine(f.Shard))
	}
	if f.Mixed {
		parts = append(parts, "merged reports made with different filters")
	}
	if len(parts) == 0 {
		return ""
	}
	return "Filtered: this report covers only " + strings.Join(parts, ", ") + "."
}

// shardLine says which shards v ("K/N" or "K1,K2/N", see
// summary.Shards.String) covers, and which are missing.
func shardLine(v string) string {
	sh, err := parseShards(v)
	if err != nil || sh.N == 0 {
		return "the inputs of shards " + v + " (--shard)"
	}
	if len(sh.Ks) == 1 {
		return fmt.Sprintf("the inputs of shard %d of %d (--shard %s)", sh.Ks[0], sh.N, v)
	}
	return fmt.Sprintf("the inputs of shards %s of %d (--shard; merged without %s)",
		intList(sh.Ks, " and "), sh.N, intList(sh.Missing(), " or "))
}

// intList lists ks as "1, 2<last>4".
func intList(ks []int, last string) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = strconv.Itoa(k)
	}
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + last + s[len(s)-1]
}

// statusList lists statuses as "500, 502 or 503".
func statusList(statuses []int) string { return intList(statuses, " or ") }

// quoteAll writes each of patterns after flag, quoted.
func quoteAll(flag string, patterns []string) string {
	q := make([]string, len(patterns))
	for i, p := range patterns {
		q[i] = flag + " " + strconv.Quote(p)
	}
	return strings.Join(q, " ")
}

// numInputs counts the inputs, those not listed included.
func numInputs(v *view) int64 {
	n := int64(len(v.Inputs))
	if f := v.FoldedInputs; f != nil {
		n += f.Inputs
	}
	return n
}

// Section titles, shared by the formats through docOf; titleFailed heads
// the failed responses by status and by host in text.
const (
	titleEsc     = "Escalations: infra string in HTTP 503"
	titleRev     = "Review: infra string not in a 503 (not escalated)"
	titleClasses = "Summary by class and key"
	titleFailed  = "Failed responses"
	titleNodes   = "Failed responses by storage node"
	titleStatus  = "Failed responses by HTTP status"
	titleNoBody  = "HTTP 503 with no body in the log"
	titleNet     = "Network errors"
	titleBackoff = "Backoff and Retry-After"
	titleInputs  = "Inputs"
	titleTotals  = "Totals"
)

func plural(n int64, one, many string) string {
	return strconv.FormatInt(n, 10) + " " + pick(n, one, many)
}

func pick(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// samplesTitle introduces the table of samples of escalations or reviews.
func samplesTitle(n int) string {
	return fmt.Sprintf("Samples (the first %d per key):", n)
}

// foldedNote says how many events of a list went to its "(other)" entry.
func foldedNote(n int64, keys int) string {
	return fmt.Sprintf("Note: %s beyond the first %d distinct keys folded into %q.",
		plural(n, "event", "events"), keys, otherKey)
}

// dash shows an empty value as "-".
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// statusText shows status 0 (unknown) as "?".
func statusText(st int) string {
	if st == 0 {
		return "?"
	}
	return strconv.Itoa(st)
}

// where is a sample's position, "file:line".
func where(x viewSample) string { return x.File + ":" + strconv.Itoa(x.Line) }

// inputState is "complete", or "incomplete: <error>".
func inputState(in viewInput) string {
	var b strings.Builder
	if in.Complete {
		b.WriteString("complete")
	} else {
		b.WriteString("incomplete")
		if in.Error != "" {
			b.WriteString(": " + in.Error)
		}
	}
	if in.UnverifiedEvents > 0 {
		fmt.Fprintf(&b, "; %d events after the last verified checksum not counted (%d escalations among them)",
			in.UnverifiedEvents, in.UnverifiedEscalations)
	}
	for _, w := range in.Warnings {
		b.WriteString("; warning: " + w)
	}
	return b.String()
}

func i64(n int64) string { return strconv.FormatInt(n, 10) }

func seconds(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// totalsRows lists the totals as (name, value) rows.
func totalsRows(t *viewTotals) [][2]string {
	var rows [][2]string
	for i, k := range totalKeys {
		if k != "" {
			rows = append(rows, [2]string{k, i64(t[i])})
		}
	}
	return rows
}

// ANSI colours of the text format.
var (
	colorBad  = text.Colors{text.FgRed, text.Bold}.EscapeSeq()
	colorGood = text.Colors{text.FgGreen, text.Bold}.EscapeSeq()
	colorWarn = text.Colors{text.FgYellow, text.Bold}.EscapeSeq()
	colorEsc  = text.Colors{text.FgRed}.EscapeSeq()
)

// paint wraps each line of s in the escape sequence seq when on.
func paint(s, seq string, on bool) string {
	if !on || s == "" {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = text.Escape(l, seq)
		}
	}
	return strings.Join(lines, "\n")
}

// textGrid is one text table, as textTable lays it out: cells are already
// safe; wide columns may wrap to fit Options.Width; painted rows are
// coloured when Options.Color.
type textGrid struct {
	header  []string
	right   map[int]bool // right-aligned columns (numbers)
	wide    map[int]bool // columns that may wrap
	keep    map[int]bool // columns never broken inside (keys, hosts, URLs)
	rows    [][]string
	painted []bool
}

func (g *textGrid) add(paint bool, cells ...string) {
	g.rows = append(g.rows, cells)
	g.painted = append(g.painted, paint)
}

// minWrap is the narrowest a wide column is wrapped to.
const minWrap = 16

// fit returns the widths to wrap the columns of g to (0: as wide as their
// cells) for the table to be at most cols columns wide (0: no limit),
// and whether it can be: only wide columns of prose, not keep columns,
// wrap, and not below minWrap.
func (g *textGrid) fit(cols int) (maxw []int, fits bool) {
	n := len(g.header)
	widths := make([]int, n)
	for i, h := range g.header {
		widths[i] = text.StringWidthWithoutEscSequences(h)
	}
	for _, r := range g.rows {
		for i, c := range r {
			for l := range strings.SplitSeq(c, "\n") {
				widths[i] = max(widths[i], text.StringWidthWithoutEscSequences(l))
			}
		}
	}
	maxw = make([]int, n)
	if cols <= 0 {
		return maxw, true
	}
	total := 1
	for _, w := range widths {
		total += w + 3 // padding and separator
	}
	shrunk := append([]int(nil), widths...)
	for total > cols {
		j := -1
		for i := range shrunk {
			if g.wide[i] && !g.keep[i] && shrunk[i] > minWrap && (j < 0 || shrunk[i] > shrunk[j]) {
				j = i
			}
		}
		if j < 0 {
			return nil, false
		}
		shrunk[j]--
		total--
	}
	for i := range shrunk {
		if shrunk[i] < widths[i] {
			maxw[i] = shrunk[i]
		}
	}
	return maxw, true
}

// render writes g as a table that fits o.Width, or in the narrow layout
// (renderNarrow) where it cannot.
func (g *textGrid) render(b *bytes.Buffer, o Options) {
	n := len(g.header)
	maxw, fits := g.fit(o.Width)
	if !fits {
		g.renderNarrow(b, o)
		return
	}
	t := table.NewWriter()
	t.SetStyle(table.StyleLight)
	t.SuppressTrailingSpaces()
	hdr := make(table.Row, n)
	for i, h := range g.header {
		hdr[i] = h
	}
	t.AppendHeader(hdr)
	for k, r := range g.rows {
		row := make(table.Row, n)
		for i, c := range r {
			row[i] = paint(c, colorEsc, o.Color && g.painted[k])
		}
		t.AppendRow(row)
	}
	cfg := make([]table.ColumnConfig, 0, n)
	for i := range n {
		c := table.ColumnConfig{Number: i + 1}
		if g.right[i] {
			c.Align = text.AlignRight
		}
		if maxw[i] > 0 {
			c.WidthMax = maxw[i]
			c.WidthMaxEnforcer = text.WrapSoft // at spaces; keeps the cell's own line breaks
		}
		cfg = append(cfg, c)
	}
	t.SetColumnConfigs(cfg)
	b.WriteString(t.Render())
	b.WriteByte('\n')
}

func line(b *bytes.Buffer, s string) {
	b.WriteString(s)
	b.WriteByte('\n')
}

// textCell is c as shown in a text table: the one place where the text
// format escapes log-derived strings (Safe), a list taking a line each.
func textCell(c cell) string {
	return cellString(c, Safe, func(s string) string { return s }, "\n")
}

// cellString is c with logEsc applied to log-derived strings and other to
// the rest (a time shows "-" when there is none), a list joined with sep.
func cellString(c cell, logEsc, other func(string) string, sep string) string {
	switch c.Kind {
	case cellTime:
		return other(dash(c.Text))
	case cellLog:
		return logEsc(c.Text)
	case cellLogList:
		out := make([]string, len(c.List))
		for i, s := range c.List {
			out[i] = logEsc(s)
		}
		return strings.Join(out, sep)
	}
	return other(c.Text)
}

// textTable writes t as a text table: headers in capitals, marked rows
// red when colour is on.
func textTable(b *bytes.Buffer, t *grid, o Options) {
	g := textGrid{right: map[int]bool{}, wide: map[int]bool{}, keep: map[int]bool{}}
	for i, c := range t.Cols {
		g.header = append(g.header, strings.ToUpper(c.Head))
		g.right[i], g.wide[i] = c.Right, c.Wrap
		g.keep[i] = slices.Contains(strings.Fields(c.Style), "m")
	}
	for _, r := range t.Rows {
		cells := make([]string, len(r.Cells))
		for i, c := range r.Cells {
			cells[i] = textCell(c)
		}
		g.add(r.Mark != markNone, cells...)
	}
	g.render(b, o)
}

// textSection writes the sections secs under one title: the first one's
// Empty line when it has no tables; else the prose and tables of each,
// then the notes and action of each. Nothing when the first is not shown.
func textSection(b *bytes.Buffer, o Options, title string, secs ...*section) {
	if !secs[0].shown() {
		return
	}
	b.WriteByte('\n')
	prose(b, title, o, "")
	if len(secs[0].Tables) == 0 {
		prose(b, secs[0].Empty, o, "")
		return
	}
	for _, s := range secs {
		for _, p := range s.Prose {
			prose(b, p, o, "")
		}
		for i, t := range s.Tables {
			if i > 0 && o.Width > 0 {
				b.WriteByte('\n') // apart from the rows of a narrow layout before it
			}
			if t.Caption != "" {
				prose(b, t.Caption, o, "")
			}
			textTable(b, t, o)
		}
	}
	for _, s := range secs {
		for _, n := range s.Notes {
			prose(b, n, o, "")
		}
		if s.Action != "" {
			prose(b, s.Action, o, colorBad)
		}
	}
}

// renderText writes the text report: verdict, escalations, reviews, class
// summary, failures, inputs, totals.
func renderText(b *bytes.Buffer, v *view, o Options) {
	d := docOf(v)
	textHead(b, d, v, o)
	if o.Summary {
		return
	}
	for _, s := range []*section{d.Esc, d.Rev, d.Classes} {
		textSection(b, o, s.Title, s)
	}
	textSection(b, o, titleFailed, d.Status, d.Nodes)
	for _, s := range []*section{d.NoBody, d.Net, d.Backoff, d.Inputs, d.Skipped, d.Totals} {
		textSection(b, o, s.Title, s)
	}
	b.WriteByte('\n')
	prose(b, d.Verdict, o, verdictColor(d.Kind))
}
