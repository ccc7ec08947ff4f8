package cli

import (
	"io"
	"testing"
)

// TestProgressDropsDoneTrackers checks that only the first maxDoneLines
// inputs keep a line once done: the progress bar does not hold one
// tracker per input of a large folder.
func TestProgressDropsDoneTrackers(t *testing.T) {
	bar := newProgressBar(io.Discard, 80)
	defer bar.Stop()
	for i := range maxDoneLines + 2 {
		tr := bar.Start("x.log", 10).(tracker)
		if got, want := tr.t.RemoveOnCompletion, i >= maxDoneLines; got != want {
			t.Errorf("input %d: RemoveOnCompletion = %v, want %v", i, got, want)
		}
		tr.Done(nil)
	}
}
