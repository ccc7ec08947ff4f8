package cli

import (
	"testing"
	"time"

	"github.com/jedib0t/go-pretty/v6/text"
)

// TestProgressLine checks the progress line: counts, bytes of the total
// when it is known, rate, time left, and the name shortened to the width.
func TestProgressLine(t *testing.T) {
	tests := []struct {
		name  string
		width int
		total int64
		input string
		want  string
	}{
		{"total known", 80, 4000, "a.log", "1/2 files  1.00KB of 4.00KB  1.00KB/s  ETA 2s  a.log"},
		{"total unknown", 80, -1, "<stdin>", "1/2 files  1.00KB  1.00KB/s  <stdin>"},
		{"name shortened", 56, 4000, "sync-1756106023249-very-long.log", "1/2 files  1.00KB of 4.00KB  1.00KB/s  ETA 2s  sync…log"},
		{"name dropped", 46, 4000, "a.log", "1/2 files  1.00KB of 4.00KB  1.00KB/s  ETA 2s"},
		{"counts cut", 10, 4000, "a.log", "1/2 files"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := &progressBar{width: tc.width - 1, files: 2, total: tc.total}
			tr := b.Start(tc.input, 2000)
			tr.Add(1000)
			b.Start("b.log", 0).Add(0)
			b.Start(tc.input, 0)
			tr.Done(nil) // 1000 bytes passed over: 2000 left
			got := b.line(time.Second)
			if got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
			if w := text.StringWidth(got); w > tc.width-1 {
				t.Errorf("%d columns, want at most %d", w, tc.width-1)
			}
		})
	}
}

// TestShorten checks that a name too wide is cut in the middle to fit,
// counting wide runes as two columns.
func TestShorten(t *testing.T) {
	tests := []struct {
		in    string
		width int
		want  string
	}{
		{"sync.log", 8, "sync.log"},
		{"sync-123.log", 8, "sync…log"},
		{"sync-123.log", 9, "sync….log"},
		{"日本語日本語.log", 8, "日本…og"},
		{`a\x1b]0;x\x07.log`, 10, `a\x1b….log`},
	}
	for _, tc := range tests {
		if got := shorten(tc.in, tc.width); got != tc.want || text.StringWidth(got) > tc.width {
			t.Errorf("shorten(%q, %d) = %q, want %q", tc.in, tc.width, got, tc.want)
		}
	}
}
