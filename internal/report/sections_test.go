package report

import (
	"slices"
	"strings"
	"testing"
)

// TestDocMarksLogCells checks that every log-derived string reaches the
// sections in a cell that says so (cellLog, cellLogList), the cells each
// format escapes, and that no format lets a control character through.
func TestDocMarksLogCells(t *testing.T) {
	const planted = "\x1b[31m\u202e"
	s := plantedSummary([]string{planted})
	d := docOf(buildView(s))
	var logCells int
	for _, sec := range []*section{d.Esc, d.Rev, d.Classes, d.Status, d.Nodes, d.NoBody, d.Net, d.Backoff, d.Inputs, d.Skipped, d.Totals} {
		for _, tb := range sec.Tables {
			for _, r := range tb.Rows {
				if len(r.Cells) != len(tb.Cols) {
					t.Errorf("%s: row of %d cells under %d columns", sec.Title, len(r.Cells), len(tb.Cols))
				}
				for i, c := range r.Cells {
					planted := strings.Contains(c.Text, planted) || strings.Contains(strings.Join(c.List, ""), planted)
					switch {
					case planted && !c.IsLog() && !c.IsList():
						t.Errorf("%s, column %q: log content in a cell of kind %d: %q", sec.Title, tb.Cols[i].Head, c.Kind, c.Text)
					case planted:
						logCells++
					}
				}
			}
		}
	}
	if logCells == 0 {
		t.Fatal("no cell holds the planted string")
	}
	for _, f := range []string{"text", "markdown", "html"} {
		t.Run(f, func(t *testing.T) {
			out := render(t, s, Options{Format: f})
			if strings.ContainsAny(out, "\x1b\u202e") {
				t.Errorf("%s report holds a raw control character", f)
			}
			if !strings.Contains(out, `\x1b`) || !strings.Contains(out, `\u202e`) {
				t.Errorf("%s report lacks the escaped control characters", f)
			}
		})
	}
}

// TestBodyHints checks that the advice for 503s without a body fits the
// layouts read: the about:config pref only where desktop Firefox wrote the
// log, the "never logged" note where another client or a server did.
func TestBodyHints(t *testing.T) {
	for _, tc := range []struct {
		layouts   []string
		pref, not bool
	}{
		{[]string{"desktop"}, true, false},
		{[]string{""}, true, false}, // a report from before layouts were recorded
		{[]string{"access", "logcat"}, false, true},
		{[]string{"desktop", "ios"}, true, true},
		{nil, true, false},
	} {
		v := &view{}
		for _, l := range tc.layouts {
			v.Inputs = append(v.Inputs, viewInput{Layout: l})
		}
		got := bodyHints(v)
		if slices.Contains(got, bodyHint) != tc.pref || slices.Contains(got, noBodyHint) != tc.not {
			t.Errorf("layouts %q: hints %q; want pref %v, never-logged %v", tc.layouts, got, tc.pref, tc.not)
		}
	}
}
