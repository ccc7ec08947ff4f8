package report

import (
	"bytes"
	"strings"
)

// mdCell is c as shown in a Markdown table cell: the one place where the
// Markdown format escapes cells. Log-derived strings go through Safe
// first, so that a cell stays on one line; everything goes through
// mdEscape, so that log content cannot open HTML or Markdown constructs.
func mdCell(c cell) string { return cellString(c, md, mdEscape, ", ") }

// mdTable writes t as a pipe table.
func mdTable(b *bytes.Buffer, t *grid) {
	b.WriteByte('\n')
	b.WriteByte('|')
	for _, c := range t.Cols {
		b.WriteString(" " + c.Head + " |")
	}
	b.WriteString("\n|")
	for _, c := range t.Cols {
		if c.Right {
			b.WriteString(" ---: |")
		} else {
			b.WriteString(" --- |")
		}
	}
	b.WriteByte('\n')
	for _, r := range t.Rows {
		b.WriteByte('|')
		for _, c := range r.Cells {
			b.WriteString(" " + mdCell(c) + " |")
		}
		b.WriteByte('\n')
	}
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

// titleDetails heads the failed responses by host and by status in
// Markdown.
const titleDetails = "Details"

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

// mdHeaded writes the sections secs under one level-2 heading: the first
// one's Empty line when it has no tables; else the tables of each, each
// folded as its Fold says, then the notes and action of each.
func mdHeaded(b *bytes.Buffer, title string, secs ...*section) {
	if !secs[0].shown() {
		return
	}
	mdHeading(b, 2, title)
	if len(secs[0].Tables) == 0 {
		mdPara(b, mdEscape(secs[0].Empty))
		return
	}
	for _, s := range secs {
		for _, t := range s.Tables {
			if t.Fold == foldNone {
				mdTable(b, t)
				continue
			}
			mdFold(b, t.Title, len(t.Rows), t.Fold == foldAlways, func() { mdTable(b, t) })
		}
	}
	for _, s := range secs {
		for _, n := range s.Notes {
			mdPara(b, mdEscape(n))
		}
		if s.Action != "" {
			mdPara(b, "**"+mdEscape(s.Action)+"**")
		}
	}
}

// mdFolded writes s as one fold titled "Title (Count)", or one line when
// it has no tables.
func mdFolded(b *bytes.Buffer, s *section) {
	if !s.shown() {
		return
	}
	if len(s.Tables) == 0 {
		mdNone(b, s.Title)
		return
	}
	summary := s.Title
	if s.Count != "" {
		summary += " (" + s.Count + ")"
	}
	mdFold(b, summary, s.rows(), s.Fold == foldAlways, func() {
		if len(s.Prose) > 0 {
			mdPara(b, mdEscape(strings.Join(s.Prose, " ")))
		}
		for _, t := range s.Tables {
			mdTable(b, t)
		}
		for _, n := range s.Notes {
			mdPara(b, mdEscape(n))
		}
	})
}

// renderMarkdown writes the report as Markdown for a ticket: the verdict
// in bold, when it happened, the escalation table and the summary by
// class; samples and long tables are folded into <details>, empty sections
// take one line. Cells are escaped by mdCell and prose by mdEscape, so log
// content cannot open HTML or Markdown constructs.
func renderMarkdown(b *bytes.Buffer, v *view) {
	d := docOf(v)
	b.WriteString("**")
	b.WriteString(mdEscape(d.Verdict))
	b.WriteString("**\n")
	if d.When != "" {
		mdPara(b, mdEscape(d.When))
	}
	for _, n := range d.Notes {
		mdPara(b, mdEscape(n.text))
	}
	for _, s := range []*section{d.Esc, d.Rev, d.Classes} {
		mdHeaded(b, s.Title, s)
	}
	mdHeaded(b, titleDetails, d.Nodes, d.Status)
	for _, s := range []*section{d.NoBody, d.Net, d.Backoff, d.Inputs, d.Skipped, d.Totals} {
		mdFolded(b, s)
	}
}
