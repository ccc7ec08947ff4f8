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

// TestCapJobs checks that -j is lowered to 4 per CPU, never below 8, and
// that the note says what it was lowered to and why.
func TestCapJobs(t *testing.T) {
	tests := []struct {
		jobs, cpus int
		want       int
		note       string
	}{
		{jobs: 8, cpus: 2, want: 8},
		{jobs: 10000, cpus: 2, want: 8, note: "-j 10000 lowered to 8 (4x the 2 CPUs)"},
		{jobs: 65, cpus: 16, want: 64, note: "-j 65 lowered to 64 (4x the 16 CPUs)"},
		{jobs: 64, cpus: 16, want: 64},
		{jobs: 9, cpus: 1, want: 8, note: "-j 9 lowered to 8 (4x the CPUs, and never fewer than 8)"},
		{jobs: 1, cpus: 1, want: 1},
	}
	for _, tc := range tests {
		o := &scanOptions{jobs: tc.jobs}
		note := o.capJobs(tc.cpus)
		if o.jobs != tc.want || note != tc.note {
			t.Errorf("-j %d on %d CPUs: got %d, %q; want %d, %q", tc.jobs, tc.cpus, o.jobs, note, tc.want, tc.note)
		}
	}
}
