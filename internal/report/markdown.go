package report

import (
	"bytes"
	"fmt"
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

// foldRows is how many rows a Markdown table may have before it is folded
// into a <details> block.
const foldRows = 10

// mdFold writes a section whose table has n rows: under a heading when it
// is short, folded into <details> (which GitHub and GitLab render closed,
// and other trackers show as a plain block) when it has more than
// foldRows rows or always is set. summary is fixed text, never log content.
func mdFold(b *bytes.Buffer, summary string, n int, always bool, body func()) {
	if n <= foldRows && !always {
		mdHeading(b, 3, summary)
		body()
		return
	}
	b.WriteString("\n<details><summary>")
	b.WriteString(summary)
	b.WriteString("</summary>\n")
	body()
	b.WriteString("\n</details>\n")
}

// mdNone writes the one line of an empty section.
func mdNone(b *bytes.Buffer, title string) {
	mdPara(b, "**"+mdEscape(title)+":** none.")
}

// renderMarkdown writes the report as Markdown for a ticket: the verdict
// in bold, when it happened, the escalation table and the summary by
// class; samples and long tables are folded into <details>, empty sections
// take one line. Every log-derived string is escaped with md, so log
// content cannot open HTML or Markdown constructs.
func renderMarkdown(b *bytes.Buffer, v *view) {
	b.WriteString("**")
	b.WriteString(mdEscape(verdict(v)))
	b.WriteString("**\n")
	if w := whenLine(v); w != "" {
		mdPara(b, mdEscape(w))
	}
	for _, n := range notes(v) {
		mdPara(b, mdEscape(n.text))
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

	mdHeading(b, 2, "Details")
	if v.Totals.FailedResponses == 0 {
		mdPara(b, "No failed responses (HTTP status 400 or more).")
	} else {
		var rows [][]string
		for _, x := range v.FailedByHost {
			rows = append(rows, []string{md(x.Host), i64(x.Count), i64(x.Status503), i64(x.Escalations), dash(x.FirstSeen), dash(x.LastSeen)})
		}
		mdFold(b, titleNodes, len(rows), false, func() {
			mdTable(b, []string{"Host", "Failed", "HTTP 503", "Escalated", "First", "Last"}, cols(1, 2, 3), rows)
		})
		var st [][]string
		for _, x := range v.FailedByStatus {
			s := statusText(x.Status)
			if x.Other {
				s = otherKey
			}
			st = append(st, []string{s, i64(x.Count)})
		}
		mdFold(b, titleStatus, len(st), false, func() {
			mdTable(b, []string{"Status", "Count"}, cols(0, 1), st)
		})
		if n := v.Folded.FailedByStatus + v.Folded.FailedByHost; n > 0 {
			mdPara(b, mdEscape(foldedNote(n, v.Limits.Keys)))
		}
	}

	if v.Totals.NoBody503 == 0 {
		mdNone(b, titleNoBody)
	} else {
		var rows [][]string
		for _, x := range v.NoBody503Samples {
			rows = append(rows, []string{md(where(x)), dash(x.Time), md(dash(x.Method)), md(dash(x.URL))})
		}
		mdFold(b, fmt.Sprintf("%s (%d)", titleNoBody, v.Totals.NoBody503), len(rows), true, func() {
			mdPara(b, mdEscape(plural(v.Totals.NoBody503, "HTTP 503 response had no body in the log.", "HTTP 503 responses had no body in the log.")+" "+bodyHint))
			mdTable(b, []string{"Where", "Time", "Method", "URL"}, nil, rows)
		})
	}

	if len(v.NetworkErrors) == 0 {
		mdNone(b, titleNet)
	} else {
		var rows [][]string
		for _, x := range v.NetworkErrors {
			rows = append(rows, []string{md(x.Detail), i64(x.Count), mdList(x.Hosts)})
		}
		mdFold(b, fmt.Sprintf("%s (%d)", titleNet, v.Totals.NetworkErrors), len(rows), false, func() {
			mdTable(b, []string{"Detail", "Count", "Hosts"}, cols(1), rows)
			if v.Folded.NetworkErrors > 0 {
				mdPara(b, mdEscape(foldedNote(v.Folded.NetworkErrors, v.Limits.Keys)))
			}
		})
	}

	if len(v.Backoff) == 0 {
		mdNone(b, titleBackoff)
	} else {
		var rows [][]string
		for _, x := range v.Backoff {
			rows = append(rows, []string{md(x.Detail), i64(x.Count), seconds(x.MaxSeconds)})
		}
		mdFold(b, fmt.Sprintf("%s (%d)", titleBackoff, v.Totals.Backoffs), len(rows), false, func() {
			mdTable(b, []string{"Detail", "Count", "Max seconds"}, cols(1, 2), rows)
			if v.Folded.Backoff > 0 {
				mdPara(b, mdEscape(foldedNote(v.Folded.Backoff, v.Limits.Keys)))
			}
		})
	}

	if len(v.Inputs) == 0 {
		mdNone(b, titleInputs)
	} else {
		var rows [][]string
		bad := 0
		for _, in := range v.Inputs {
			if !in.Complete {
				bad++
			}
			rows = append(rows, []string{md(in.Path), md(in.Format), i64(in.Bytes), i64(in.DecodedBytes),
				i64(in.Lines), i64(in.Records), i64(in.LongLines), md(inputState(in))})
		}
		title := fmt.Sprintf("%s (%d", titleInputs, len(v.Inputs))
		if bad > 0 {
			title += fmt.Sprintf(", %d not read whole", bad)
		}
		mdFold(b, title+")", len(rows), false, func() {
			mdTable(b, []string{"File", "Format", "Bytes", "Decoded", "Lines", "Records", "Long lines", "Read"}, cols(2, 3, 4, 5, 6), rows)
		})
	}

	var rows [][]string
	for _, r := range totalsRows(&v.Totals) {
		rows = append(rows, []string{mdEscape(r[0]), r[1]})
	}
	mdFold(b, titleTotals, len(rows), true, func() {
		mdTable(b, []string{"Total", "Count"}, cols(1), rows)
	})
}

// mdFindings writes the table of infra keys, and the table of their
// samples folded.
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
		mdFold(b, samplesTitle(samples)+" "+plural(int64(len(rows)), "response", "responses"), len(rows), true, func() {
			mdTable(b, []string{"Key", "Where", "Time", "Method", "Status", "URL"}, cols(4), rows)
		})
	}
}
