package scan

import (
	"synclog/internal/classify"
	"synclog/internal/parse"
	"synclog/internal/report"
	"synclog/internal/summary"
)

// sink is what scanning an input, or a part of one, adds up: the Summary,
// and beside it the CSV rows when Options.Rows asks for them. Sinks merge
// in input order like summaries do.
type sink struct {
	sum  *summary.Summary
	rows *report.Rows // nil unless Options.Rows
}

func newSink(o *Options) *sink {
	k := &sink{sum: summary.New(o.Limits)}
	if o.Rows {
		k.rows = &report.Rows{}
	}
	return k
}

// Add records one event, as Summary.Add does.
func (k *sink) Add(ev *parse.Event, c *classify.Class) {
	k.sum.Add(ev, c)
	if k.rows != nil {
		k.rows.Add(ev, c)
	}
}

// AddInput records the statistics of one input.
func (k *sink) AddInput(in summary.Input) { k.sum.AddInput(in) }

// AddSkipped records an entry not read, and why, as Summary.AddSkipped.
func (k *sink) AddSkipped(path, why string) { k.sum.AddSkipped(path, why) }

// Merge adds o after k's own, as Summary.Merge does.
func (k *sink) Merge(o *sink) {
	k.sum.Merge(o.sum)
	if k.rows != nil && o.rows != nil {
		k.rows.Merge(o.rows)
	}
}

// ShiftLines adds delta to every line number held, as Summary.ShiftLines.
func (k *sink) ShiftLines(delta int) {
	k.sum.ShiftLines(delta)
	if k.rows != nil {
		k.rows.ShiftLines(delta)
	}
}

// Close releases the rows' temporary file.
func (k *sink) Close() {
	if k.rows != nil {
		k.rows.Close()
	}
}
