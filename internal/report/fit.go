package report

import (
	"bytes"
	"strings"

	"github.com/jedib0t/go-pretty/v6/text"
)

// ellipsis marks where shorten cut a value.
const ellipsis = "…"

// width is the display width of s, escape sequences aside.
func width(s string) int { return text.StringWidthWithoutEscSequences(s) }

// shorten returns s if it is at most w columns wide, else its start and
// end around "…", w columns in all: keys, host names and URLs keep both
// ends (scheme and host, and the path's tail). It never splits a rune; w
// below 1 gives "…".
func shorten(s string, w int) string {
	if width(s) <= w {
		return s
	}
	if w <= 1 {
		return ellipsis
	}
	rs := []rune(s)
	room := w - 1
	head, tail := (room+1)/2, room/2
	var hb, tb int // the runes kept at the start and at the end
	for hw := 0; hb < len(rs); hb++ {
		rw := text.RuneWidth(rs[hb])
		if hw+rw > head {
			break
		}
		hw += rw
	}
	for tw := 0; tb < len(rs)-hb; tb++ {
		rw := text.RuneWidth(rs[len(rs)-1-tb])
		if tw+rw > tail {
			break
		}
		tw += rw
	}
	return string(rs[:hb]) + ellipsis + string(rs[len(rs)-tb:])
}

// wrapWords breaks s at spaces into lines at most w columns wide (w > 0);
// a word wider than w alone is shortened in the middle, never broken
// across lines. Lines after the first start with indent, which counts
// towards w.
func wrapWords(s string, w int, indent string) []string {
	var out []string
	var cur strings.Builder
	curW := 0
	for _, word := range strings.Fields(s) {
		ww := width(word)
		lead := 0
		if len(out) > 0 {
			lead = width(indent)
		}
		if curW > 0 && curW+1+ww > w {
			out = append(out, cur.String())
			cur.Reset()
			curW = 0
			lead = width(indent)
		}
		if curW == 0 {
			if len(out) > 0 {
				cur.WriteString(indent)
				curW = lead
			}
			word = shorten(word, w-curW)
			cur.WriteString(word)
			curW += width(word)
			continue
		}
		cur.WriteByte(' ')
		cur.WriteString(word)
		curW += 1 + ww
	}
	if cur.Len() > 0 || len(out) == 0 {
		out = append(out, cur.String())
	}
	return out
}

// prose writes s as one line, or at a terminal (o.Width > 0) wrapped at
// word boundaries to fit; seq paints it when colour is on.
func prose(b *bytes.Buffer, s string, o Options, seq string) {
	lines := []string{s}
	if o.Width > 0 {
		lines = wrapWords(s, o.Width, "")
	}
	for _, l := range lines {
		line(b, paint(l, seq, o.Color && seq != ""))
	}
}

// renderNarrow writes the rows of g one block each, a "LABEL: value"
// line per cell, for a terminal too narrow for the table. Values in keep
// columns (keys, hosts, URLs, paths) are shortened in the middle to fit;
// the others wrap at spaces. A list takes a line per item, aligned.
func (g *textGrid) renderNarrow(b *bytes.Buffer, o Options) {
	lw := 0
	for _, h := range g.header {
		lw = max(lw, width(h))
	}
	pad := strings.Repeat(" ", lw+2)
	for k, r := range g.rows {
		if k > 0 {
			b.WriteByte('\n')
		}
		for i, c := range r {
			label := g.header[i] + ":" + strings.Repeat(" ", lw-width(g.header[i])+1)
			var lines []string
			for j, item := range strings.Split(c, "\n") {
				lead := pad
				if j == 0 {
					lead = label
				}
				if g.keep[i] || !strings.Contains(item, " ") {
					lines = append(lines, lead+shorten(item, o.Width-len(pad)))
					continue
				}
				ws := wrapWords(item, o.Width-len(pad), "")
				lines = append(lines, lead+ws[0])
				for _, l := range ws[1:] {
					lines = append(lines, pad+l)
				}
			}
			for _, l := range lines {
				line(b, paint(strings.TrimRight(l, " "), colorEsc, o.Color && g.painted[k]))
			}
		}
	}
}
