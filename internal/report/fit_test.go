package report

import (
	"bytes"
	"strings"
	"testing"

	"synclog/internal/summary"
)

func TestShorten(t *testing.T) {
	url := "https://scl2-sync406.services.mozilla.com:8443/1.5/123456/storage/tabs"
	tests := []struct {
		name, in string
		w        int
		want     string
	}{
		{"fits", "pool exhausted", 14, "pool exhausted"},
		{"url", url, 31, "https://scl2-sy…56/storage/tabs"},
		{"odd room", "abcdefghij", 6, "abc…ij"},
		{"wide runes", "日本語のホスト名です", 9, "日本…です"},
		{"one column", "abcdef", 1, "…"},
		{"none", "abcdef", 0, "…"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := shorten(tc.in, tc.w)
			if got != tc.want {
				t.Errorf("shorten(%q, %d) = %q, want %q", tc.in, tc.w, got, tc.want)
			}
			if w := width(got); w > max(tc.w, 1) {
				t.Errorf("shorten(%q, %d) is %d columns wide", tc.in, tc.w, w)
			}
		})
	}
}

func TestWrapWords(t *testing.T) {
	tests := []struct {
		name, in string
		w        int
		want     []string
	}{
		{"fits", "a b c", 5, []string{"a b c"}},
		{"at spaces", "the quick brown fox", 10, []string{"the quick", "brown fox"}},
		{"long word shortened", "see https://example.org/a/very/long/path now", 12, []string{"see", "https:…/path", "now"}},
		{"empty", "", 10, []string{""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := wrapWords(tc.in, tc.w, "")
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("wrapWords(%q, %d) = %q, want %q", tc.in, tc.w, got, tc.want)
			}
		})
	}
}

// TestNarrow checks that at a width too small for its tables the text
// report writes their rows as "LABEL: value" blocks, no line wider than
// the width, values shortened in the middle; and that Width 0 keeps every
// value whole.
func TestNarrow(t *testing.T) {
	const url = "https://scl2-sync406.services.mozilla.com:8443/1.5/123456/storage/tabs"
	for _, w := range []int{40, 60, 80} {
		var b bytes.Buffer
		if err := Render(&b, fixtureSummary(summary.Limits{}), Options{Width: w}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for i, l := range strings.Split(out, "\n") {
			if lw := width(l); lw > w {
				t.Errorf("width %d: line %d is %d columns wide: %q", w, i+1, lw, l)
			}
		}
		for _, want := range []string{"\nKEY:        server issue: ", "\nURL:    https://", "\nAction: contact Services"} {
			if !strings.Contains(out, want) {
				t.Errorf("width %d: no %q in\n%s", w, want, out)
			}
		}
		if w < len(url)+8 && (strings.Contains(out, url) || !strings.Contains(out, "…")) {
			t.Errorf("width %d: %s shown whole", w, url)
		}
	}
	var b bytes.Buffer
	if err := Render(&b, fixtureSummary(summary.Limits{}), Options{}); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); !strings.Contains(out, url) || strings.Contains(out, "…") || strings.Contains(out, "\nKEY:") {
		t.Errorf("Width 0: values not whole, or narrow layout:\n%s", out)
	}
}

// TestSummaryOption checks that Options.Summary writes the first part of
// the text report only, and that other formats refuse it.
func TestSummaryOption(t *testing.T) {
	var b bytes.Buffer
	if err := Render(&b, fixtureSummary(summary.Limits{}), Options{Summary: true}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"ESCALATE: ", "  server issue: database not in pool  3×", "  server issue: pool exhausted  ", actionLine, "NOT REDACTED"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, titleEsc) || strings.Contains(out, "┌") {
		t.Errorf("summary holds the details:\n%s", out)
	}
	if err := Render(&b, fixtureSummary(summary.Limits{}), Options{Summary: true, Format: "json"}); err == nil {
		t.Error("Summary with json: no error")
	}
}

// TestEscLinesFold checks that the escalated keys past the room of the
// first screen fold into "and N more".
func TestEscLinesFold(t *testing.T) {
	fs := make([]viewFinding, 30)
	for i := range fs {
		fs[i] = viewFinding{Key: "server issue: pool exhausted", Count: 1, Hosts: []string{"h"}}
	}
	got := escLines(fs, 80, 10)
	if len(got) != 10 || !strings.HasPrefix(got[9], "  and 21 more ") {
		t.Errorf("escLines of 30 in 10 lines = %q, want 9 keys and \"and 21 more\"", got)
	}
	if got := escLines(fs[:10], 80, 10); len(got) != 10 || strings.Contains(got[9], "more") {
		t.Errorf("escLines of 10 in 10 lines = %q, want all 10", got)
	}
}

// TestEscLinesNarrow checks that on a terminal too narrow for a key and
// its numbers on one line, the key takes a line and the rest wraps below,
// every line within the width, and the fold counts keys, not lines.
func TestEscLinesNarrow(t *testing.T) {
	f := viewFinding{Key: "server issue: database not in pool", Count: 3, Hosts: []string{"a", "b"},
		FirstSeen: "2025-08-25T07:13:20.298Z", LastSeen: "2025-11-24T09:16:05.000Z"}
	fs := []viewFinding{f, f, f, f}
	got := escLines(fs, 40, 8)
	if len(got) > 8 || got[0] != "  server issue: database not in pool" || !strings.HasPrefix(got[len(got)-1], "  and 2 more ") {
		t.Errorf("escLines at 40 columns in 8 lines = %q, want 2 keys of 3 lines and \"and 2 more\"", got)
	}
	for _, l := range got {
		if width(l) > 40 {
			t.Errorf("line %q is wider than 40 columns", l)
		}
	}
}
