package report

import (
	"bytes"
	"strings"
)

// mdTable writes a pipe table. Cells must already be escaped (md); right
// marks the columns aligned right.
func mdTable(b *bytes.Buffer, header []string, right map[int]bool, rows [][]string) {
	b.WriteByte('\n')
	mdRow(b, header)
	b.WriteByte('|')
	for i := range header {
		if right[i] {
			b.WriteString(" ---: |")
		} else {
			b.WriteString(" --- |")
		}
	}
	b.WriteByte('\n')
	for _, r := range rows {
		mdRow(b, r)
	}
}

func mdRow(b *bytes.Buffer, cells []string) {
	b.WriteByte('|')
	for _, c := range cells {
		b.WriteByte(' ')
		b.WriteString(c)
		b.WriteString(" |")
	}
	b.WriteByte('\n')
}

func mdHeading(b *bytes.Buffer, level int, title string) {
	b.WriteByte('\n')
	b.WriteString(strings.Repeat("#", level))
	b.WriteByte(' ')
	b.WriteString(title)
	b.WriteByte('\n')
}

func mdPara(b *bytes.Buffer, s string) {
	b.WriteByte('\n')
	b.WriteString(s)
	b.WriteByte('\n')
}

// mdList joins log-derived strings for one cell.
func mdList(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = md(s)
	}
	return strings.Join(out, ", ")
}

// renderMarkdown writes the report as Markdown for a ticket: a bold verdict
// line, then the sections of the text format as headings and pipe tables.
// Every log-derived string is escaped with md.
func renderMarkdown(b *bytes.Buffer, v *view) {
	b.WriteString("**")
	b.WriteString(mdEscape(verdict(v)))
	b.WriteString("**\n")
	for _, n := range notes(v) {
		mdPara(b, mdEscape(n))
	}

	mdHeading(b, 2, titleEsc)
	if len(v.Escalations) == 0 {
		mdPara(b, mdEscape(noEscLine))
	} else {
		mdFindings(b, v.Escalations, false, v.Limits.Samples)
		if v.Folded.Escalations > 0 {
			mdPara(b, mdEscape(foldedNote(v.Folded.Escalations, v.Limits.Keys)))
		}
		mdPara(b, "**"+mdEscape(actionLine)+"**")
	}

	if len(v.Reviews) > 0 {
		mdHeading(b, 2, titleRev)
		mdFindings(b, v.Reviews, true, v.Limits.Samples)
		if v.Folded.Reviews > 0 {
			mdPara(b, mdEscape(foldedNote(v.Folded.Reviews, v.Limits.Keys)))
		}
	}

	mdHeading(b, 2, titleClasses)
	if len(v.Classes) == 0 {
		mdPara(b, "No response bodies classified.")
	} else {
		var rows [][]string
		for _, c := range v.Classes {
			rows = append(rows, []string{mdEscape(c.Class), md(c.Key), md(c.Description), i64(c.Count), mdEscape(c.Statuses.String())})
		}
		mdTable(b, []string{"Class", "Key", "Description", "Count", "HTTP statuses"}, cols(3), rows)
		if v.Folded.Classes > 0 {
			mdPara(b, mdEscape(foldedNote(v.Folded.Classes, v.Limits.Keys)))
		}
	}

	mdHeading(b, 2, titleFailed)
	if v.Totals.FailedResponses == 0 {
		mdPara(b, "No failed responses (HTTP status 400 or more).")
	} else {
		var rows [][]string
		for _, x := range v.FailedByStatus {
			st := statusText(x.Status)
			if x.Other {
				st = otherKey
			}
			rows = append(rows, []string{st, i64(x.Count)})
		}
		mdTable(b, []string{"Status", "Count"}, cols(0, 1), rows)
		rows = nil
		for _, x := range v.FailedByHost {
			rows = append(rows, []string{md(x.Host), i64(x.Count)})
		}
		mdTable(b, []string{"Host", "Failed"}, cols(1), rows)
		if n := v.Folded.FailedByStatus + v.Folded.FailedByHost; n > 0 {
			mdPara(b, mdEscape(foldedNote(n, v.Limits.Keys)))
		}
	}

	mdHeading(b, 3, titleNoBody)
	if v.Totals.NoBody503 == 0 {
		mdPara(b, "None.")
	} else {
		mdPara(b, mdEscape(plural(v.Totals.NoBody503, "HTTP 503 response had no body in the log.", "HTTP 503 responses had no body in the log.")+" "+bodyHint))
		var rows [][]string
		for _, x := range v.NoBody503Samples {
			rows = append(rows, []string{md(where(x)), dash(x.Time), md(dash(x.Method)), md(dash(x.URL))})
		}
		mdTable(b, []string{"Where", "Time", "Method", "URL"}, nil, rows)
	}

	mdHeading(b, 3, titleNet)
	if len(v.NetworkErrors) == 0 {
		mdPara(b, "None.")
	} else {
		var rows [][]string
		for _, x := range v.NetworkErrors {
			rows = append(rows, []string{md(x.Detail), i64(x.Count), mdList(x.Hosts)})
		}
		mdTable(b, []string{"Detail", "Count", "Hosts"}, cols(1), rows)
		if v.Folded.NetworkErrors > 0 {
			mdPara(b, mdEscape(foldedNote(v.Folded.NetworkErrors, v.Limits.Keys)))
		}
	}

	mdHeading(b, 3, titleBackoff)
	if len(v.Backoff) == 0 {
		mdPara(b, "None.")
	} else {
		var rows [][]string
		for _, x := range v.Backoff {
			rows = append(rows, []string{md(x.Detail), i64(x.Count), seconds(x.MaxSeconds)})
		}
		mdTable(b, []string{"Detail", "Count", "Max seconds"}, cols(1, 2), rows)
		if v.Folded.Backoff > 0 {
			mdPara(b, mdEscape(foldedNote(v.Folded.Backoff, v.Limits.Keys)))
		}
	}

	mdHeading(b, 2, titleInputs)
	if len(v.Inputs) == 0 {
		mdPara(b, "None.")
	} else {
		var rows [][]string
		for _, in := range v.Inputs {
			rows = append(rows, []string{md(in.Path), md(in.Format), i64(in.Bytes), i64(in.DecodedBytes),
				i64(in.Lines), i64(in.Records), i64(in.LongLines), md(inputState(in))})
		}
		mdTable(b, []string{"File", "Format", "Bytes", "Decoded", "Lines", "Records", "Long lines", "Read"}, cols(2, 3, 4, 5, 6), rows)
	}

	mdHeading(b, 2, titleTotals)
	var rows [][]string
	for _, r := range totalsRows(&v.Totals) {
		rows = append(rows, []string{mdEscape(r[0]), r[1]})
	}
	mdTable(b, []string{"Total", "Count"}, cols(1), rows)
}

// mdFindings writes the table of infra keys and the table of their samples.
func mdFindings(b *bytes.Buffer, fs []viewFinding, review bool, samples int) {
	var rows [][]string
	for _, f := range fs {
		if review {
			rows = append(rows, []string{md(f.Key), i64(f.Count), mdEscape(f.Statuses.String()), dash(f.FirstSeen), dash(f.LastSeen), mdList(f.Hosts)})
		} else {
			rows = append(rows, []string{md(f.Key), i64(f.Count), dash(f.FirstSeen), dash(f.LastSeen), mdList(f.Hosts)})
		}
	}
	if review {
		mdTable(b, []string{"Key", "Count", "HTTP statuses", "First seen", "Last seen", "Hosts"}, cols(1), rows)
	} else {
		mdTable(b, []string{"Key", "Count", "First seen", "Last seen", "Hosts"}, cols(1), rows)
	}
	rows = nil
	for _, f := range fs {
		for _, x := range f.Samples {
			rows = append(rows, []string{md(f.Key), md(where(x)), dash(x.Time), md(dash(x.Method)), statusText(x.Status), md(dash(x.URL))})
		}
	}
	if len(rows) > 0 {
		mdPara(b, samplesTitle(samples))
		mdTable(b, []string{"Key", "Where", "Time", "Method", "Status", "URL"}, cols(4), rows)
	}
}
