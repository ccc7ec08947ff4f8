package cli

import (
	"testing"

	"synclog/internal/parse"
	"synclog/internal/summary"
)

// TestNoRecordsFolded checks that "no Sync log records found" is not said
// when an input that held records was folded out of the listed rows (the
// rows not read whole, here not a Sync log, are listed first).
func TestNoRecordsFolded(t *testing.T) {
	notLog := summary.Input{Path: "shot.png", State: parse.Unrecognised.String(), Error: "not a Sync log"}
	for _, tc := range []struct {
		name    string
		records int64 // of the folded input
		want    string
	}{
		{"folded log", 5, ""},
		{"folded empty", 0, "no Sync log records found in 1 input (shot.png)"},
	} {
		s := summary.New(summary.Limits{Inputs: 1})
		s.AddInput(summary.Input{Path: "sync.log", Complete: true, Records: tc.records})
		s.AddInput(notLog)
		if len(s.Inputs) != 1 || s.Inputs[0].Path != "shot.png" {
			t.Fatalf("%s: rows %+v, want shot.png listed", tc.name, s.Inputs)
		}
		if got := noRecords(s); got != tc.want {
			t.Errorf("%s: noRecords = %q, want %q", tc.name, got, tc.want)
		}
	}
}
