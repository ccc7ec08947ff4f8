package report

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"
)

// firstScreen is how many lines the first part of the text report (the
// verdict, the escalated keys and the action) fits in: a terminal of 24
// lines. Keys past it are folded into "and N more".
const firstScreen = 24

// escLinesWidth is the width the escalated keys are counted at when the
// terminal's is unknown (0): they are never shortened then.
const escLinesWidth = 80

// escHead introduces the escalated keys in the first part; day is the
// date all their times fall on, or "".
func escHead(day string) string {
	if day != "" {
		return "Escalated keys (count, first and last seen on " + day + ", hosts):"
	}
	return "Escalated keys (count, first and last seen, hosts):"
}

// textHead writes the first part of the text report: the verdict, one
// line per escalated key, the action, when it happened, and the notes.
func textHead(b *bytes.Buffer, d *doc, v *view, o Options) {
	prose(b, d.Verdict, o, verdictColor(d.Kind))
	if esc := zonedFindings(v.Escalations, v.loc); len(esc) > 0 {
		w := o.Width
		if w <= 0 {
			w = escLinesWidth
		}
		head := escHead(oneDay(esc))
		used := len(wrapWords(d.Verdict, w, "")) + len(wrapWords(head, w, "")) + len(wrapWords(actionLine, w, ""))
		prose(b, head, o, "")
		for _, l := range escLines(esc, o.Width, firstScreen-used) {
			line(b, paint(l, colorEsc, o.Color && !strings.HasPrefix(l, "  and ")))
		}
		prose(b, actionLine, o, colorBad)
	}
	if d.When != "" {
		prose(b, d.When, o, "")
	}
	textSparkline(b, d.Timeline, o)
	for _, n := range d.Notes {
		prose(b, n.text, o, "")
	}
}

// zonedFindings returns fs with their first and last times shown in loc
// (see zoned): a copy, since the view keeps UTC for JSON.
func zonedFindings(fs []viewFinding, loc *time.Location) []viewFinding {
	if loc == nil {
		return fs
	}
	out := slices.Clone(fs)
	for i := range out {
		out[i].FirstSeen, out[i].LastSeen = zoned(out[i].FirstSeen, loc), zoned(out[i].LastSeen, loc)
	}
	return out
}

// minKeyCols is the narrowest the key of an escalation line is shortened
// to; on a terminal narrower than that allows, the key takes a line of
// its own.
const minKeyCols = 16

// escLines returns a line per escalated key of fs: key, count, first and
// last seen, and how many hosts, aligned, each at most cols columns
// wide (0: no limit; keys are then never shortened). On a terminal too
// narrow for that, each key takes a line, and the rest the lines below.
// When fs takes more than room lines, the last shown says how many more
// there are.
func escLines(fs []viewFinding, cols, room int) []string {
	day := oneDay(fs)
	rows := make([][4]string, len(fs))
	var cw [4]int
	for i, f := range fs {
		rows[i] = [4]string{Safe(f.Key), fmt.Sprintf("%d×", f.Count), spanText(f.FirstSeen, f.LastSeen, day),
			plural(int64(len(f.Hosts)), "host", "hosts")}
		for j, c := range rows[i] {
			cw[j] = max(cw[j], width(c))
		}
	}
	narrow := false
	if cols > 0 {
		// "  " key "  " count "  " span "  " hosts
		cw[0] = min(cw[0], cols-8-cw[1]-cw[2]-cw[3])
		narrow = cw[0] < minKeyCols
	}
	blocks := make([][]string, len(rows))
	for i, r := range rows {
		if narrow {
			blocks[i] = []string{"  " + shorten(r[0], cols-2)}
			for _, l := range wrapWords(r[1]+" "+r[2]+", "+r[3], cols-4, "") {
				blocks[i] = append(blocks[i], "    "+l)
			}
			continue
		}
		k := shorten(r[0], cw[0])
		blocks[i] = []string{fmt.Sprintf("  %s  %*s  %s  %s", k+strings.Repeat(" ", max(cw[0]-width(k), 0)),
			cw[1], r[1], r[2]+strings.Repeat(" ", cw[2]-width(r[2])), r[3])}
	}
	return foldLines(blocks, room)
}

// foldLines joins blocks, a key's lines each, into at most room lines
// (but one block at least): when they do not all fit, the last line says
// how many keys are left out.
func foldLines(blocks [][]string, room int) []string {
	var out []string
	n := 0
	for _, b := range blocks {
		n += len(b)
	}
	if n <= room {
		for _, b := range blocks {
			out = append(out, b...)
		}
		return out
	}
	shown := 0
	for _, b := range blocks {
		if shown > 0 && len(out)+len(b)+1 > room {
			break
		}
		out = append(out, b...)
		shown++
	}
	return append(out, fmt.Sprintf("  and %d more (see Escalations below)", len(blocks)-shown))
}

// spanText shows the first and last times of a key compactly: without
// their date when it is day (a day all the keys share, or ""), the last
// without its date when it is the first's; "-" for a time unknown.
func spanText(first, last, day string) string {
	f, ferr := time.Parse(time.RFC3339Nano, first)
	l, lerr := time.Parse(time.RFC3339Nano, last)
	if ferr != nil || lerr != nil {
		return dash(first) + " → " + dash(last)
	}
	const full, clock = "2006-01-02 15:04:05Z07:00", "15:04:05Z07:00"
	fs, ls := f.Format(full), l.Format(full)
	if f.Format(time.DateOnly) == l.Format(time.DateOnly) {
		ls = l.Format(clock)
		if f.Format(time.DateOnly) == day {
			fs = f.Format(clock)
		}
	}
	return fs + " → " + ls
}

// oneDay returns the date that all the times of fs fall on, or "".
func oneDay(fs []viewFinding) string {
	day := ""
	for _, f := range fs {
		for _, s := range []string{f.FirstSeen, f.LastSeen} {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return ""
			}
			d := t.Format(time.DateOnly)
			if day != "" && d != day {
				return ""
			}
			day = d
		}
	}
	return day
}

// verdictColor is the colour of a verdict of kind k.
func verdictColor(k string) string {
	switch k {
	case "escalate":
		return colorBad
	case "incomplete":
		return colorWarn
	}
	return colorGood
}
