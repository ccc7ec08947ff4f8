// Package scan runs the pipeline over a list of inputs: open and
// decompress each, extract its events, classify the bodies and aggregate
// everything into one summary.Summary (and report.Rows when CSV is asked for).
package scan

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"synclog/internal/classify"
	"synclog/internal/parse"
	"synclog/internal/report"
	"synclog/internal/summary"
)

// Options configures Run.
type Options struct {
	// Classifier sorts response bodies. Required.
	Classifier *classify.Classifier
	// Parse configures the extractor (line and body caps).
	Parse parse.Options
	// Opener sets the decompression limits.
	Opener parse.OpenerOptions
	// Limits bounds the Summary.
	Limits summary.Limits
	// Rows keeps the failed responses one per row, for the CSV format,
	// beside the Summary (see report.Rows).
	Rows bool
	// Stdin is read for the path "-".
	Stdin io.Reader
	// Jobs is how many inputs are scanned at once (at least 1); a plain
	// file of PartMin bytes or more is also scanned in Jobs parts at once.
	Jobs int
	// PartMin is the smallest plain file scanned in parts (0: 64 MiB).
	PartMin int64
	// Since and Until, when set, keep only events logged in [Since, Until).
	Since, Until time.Time
	// Progress, if set, is told how much of each input has been read.
	Progress Progress
	// Resume, if set, makes the scan incremental: each input is read only
	// past what an earlier run read (plain files are then not split).
	Resume Resumer

	// readHook, set by tests only, is called before n bytes of a regular
	// file f are read at offset off, so that a test can change the file
	// while it is read.
	readHook func(f *os.File, off, n int64)
}

// Resumer remembers how far inputs were read, by the first decoded bytes
// of each (so that a log renamed or compressed by rotation is still known):
// head is the input's first state.FingerprintBytes decoded bytes, or all of
// them when it is shorter. Its methods are called from the scanning
// goroutines.
type Resumer interface {
	// Resume returns where the input whose first bytes are head was left
	// (the zero Mark: never read), and by returns the name of the input
	// of this run that left it there ("": an earlier run). Inputs with the
	// same first bytes (a rotated log and its compressed copy) are read one
	// at a time: Resume waits until the one before is Done.
	Resume(head []byte) (m parse.Mark, by string)
	// Done ends the input that Resume was called for: when read is set, it
	// was read, under name, up to m (see parse.Extractor.Mark).
	Done(head []byte, name string, m parse.Mark, read bool)
}

// Progress follows the reading of inputs, for a progress bar. Its methods
// are called from the scanning goroutines.
type Progress interface {
	// Start announces an input of size raw bytes (0 when unknown).
	Start(name string, size int64) Tracker
}

// Tracker follows one input.
type Tracker interface {
	Add(n int64)    // n more raw bytes were read
	Done(err error) // the input is finished (err: not read whole)
}

// progressReader tells a Tracker of every read.
type progressReader struct {
	r io.Reader
	t Tracker
}

func (p progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.t.Add(int64(n))
	return n, err
}

// StdinName is how standard input is named in reports and errors.
const StdinName = "<stdin>"

// Run scans paths ("-" is standard input) and returns the summary of
// everything that could be read, and one error per input that could not be
// read whole, both in the order of paths. Up to Options.Jobs inputs are
// scanned at once, each into a summary of its own; the summaries are merged
// in input order, so the result does not depend on Jobs. Run stops early,
// returning ctx.Err() among the errors, when ctx is cancelled.
func Run(ctx context.Context, paths []string, o Options) (*summary.Summary, *report.Rows, []error) {
	// Limits never keep a body from being matched with the table: they
	// bound what is kept, not what is classified.
	if o.Parse.MaxBodyBytes > 0 {
		o.Parse.MaxBodyBytes = max(o.Parse.MaxBodyBytes, parse.MinBodyBytes)
	}
	if o.Parse.MaxLineBytes > 0 {
		o.Parse.MaxLineBytes = max(o.Parse.MaxLineBytes, parse.MinLineBytes)
	}
	jobs := min(max(o.Jobs, 1), max(len(paths), 1))
	ops := make([]*parse.Opener, 0, jobs)
	for range jobs {
		op, err := parse.NewOpener(o.Opener)
		if err != nil {
			for _, op := range ops {
				op.Close()
			}
			k := newSink(&o)
			return k.sum, k.rows, []error{err}
		}
		ops = append(ops, op)
	}
	r := &runner{ctx: ctx, paths: paths, o: o, results: make([]result, len(paths)), next: make(chan int),
		// Bound how far workers run ahead of the merge, so that finished
		// summaries waiting for an earlier slow input stay few.
		ahead: make(chan struct{}, 2*jobs)}
	for i := range r.results {
		r.results[i].done = make(chan struct{})
	}
	var wg sync.WaitGroup
	for _, op := range ops {
		wg.Go(func() {
			defer op.Close()
			r.work(op)
		})
	}
	go r.feed()
	sum, errs := r.collect()
	// Drain: after a cancellation the remaining inputs return at once.
	go func() {
		for range r.ahead {
		}
	}()
	wg.Wait()
	close(r.ahead)
	return sum.sum, sum.rows, errs
}

// runner hands the inputs of one Run to its workers and merges their
// summaries in input order.
type runner struct {
	ctx     context.Context
	paths   []string
	o       Options
	results []result      // one per path
	next    chan int      // indexes of the paths to scan
	ahead   chan struct{} // one token per input handed out and not yet merged
}

// result is one input's scan; done is closed once it is filled in.
type result struct {
	sum  *sink
	err  error
	done chan struct{}
}

// work scans the inputs whose indexes arrive on next, each into a summary
// of its own, with op and an Extractor of its own.
func (r *runner) work(op *parse.Opener) {
	ex := parse.NewExtractor(nil, "", r.o.Parse)
	for i := range r.next {
		res := &r.results[i]
		res.sum = newSink(&r.o)
		if err := r.ctx.Err(); err != nil {
			res.err = err
		} else {
			res.err = scanOne(r.ctx, r.paths[i], op, ex, res.sum, r.o)
		}
		close(res.done)
	}
}

// feed hands out the index of every input, at most cap(ahead) ahead of the
// merge until ctx is cancelled, then closes next.
func (r *runner) feed() {
	defer close(r.next)
	for i := range r.paths {
		select {
		case r.ahead <- struct{}{}:
		case <-r.ctx.Done():
		}
		r.next <- i
	}
}

// collect merges the inputs' summaries in input order as they finish and
// gathers their errors; it stops at the first input that was cancelled.
func (r *runner) collect() (*sink, []error) {
	sum := newSink(&r.o)
	var errs []error
	twins := make(map[string]int) // fingerprint -> index of its row in sum
	for i := range r.results {
		res := &r.results[i]
		<-res.done
		<-r.ahead
		if errors.Is(res.err, context.Canceled) {
			errs = append(errs, res.err)
			break
		}
		if !readBefore(sum.sum, res.sum.sum, twins) {
			sum.Merge(res.sum)
			if res.err != nil {
				errs = append(errs, res.err)
			}
		}
		res.sum.Close()
		res.sum = nil
	}
	return sum, errs
}

// readBefore reports whether the input that in summarises holds nothing
// that an input already in sum did not: the same log read twice (a
// rotated file next to its compressed twin, a copy) is counted once.
// Inputs are the same log when their fingerprints (first 4 KiB decoded)
// are; the later one adds nothing when the earlier one was read whole and
// at least as far. It is then listed as passed over, and the earlier
// one's row names it. When the later one read further (the earlier one
// was a shorter copy), both are counted, with a warning on each, since
// what one run has added cannot be taken out. twins maps the fingerprints
// in sum to their rows; readBefore adds in's.
func readBefore(sum, in *summary.Summary, twins map[string]int) bool {
	if len(in.Inputs) == 0 {
		return false
	}
	row := &in.Inputs[len(in.Inputs)-1] // the input's own row (tar: after its members')
	fp := row.Fingerprint
	k, seen := twins[fp]
	if fp == "" || !seen {
		if fp != "" {
			twins[fp] = len(sum.Inputs) + len(in.Inputs) - 1
		}
		return false
	}
	first := &sum.Inputs[k]
	if first.Complete && first.DecodedBytes >= row.DecodedBytes {
		first.Warnings = append(first.Warnings, "same log as "+row.Path+" (same first 4 KiB): read once")
		sum.AddSkipped(row.Path, "same log as "+first.Path+" (same first 4 KiB), read there")
		return true
	}
	first.Warnings = append(first.Warnings, "same first 4 KiB as "+row.Path+", which was read further: both counted, so lines they share count twice")
	row.Warnings = append(row.Warnings, "same first 4 KiB as "+first.Path+": both counted, so lines they share count twice")
	twins[fp] = len(sum.Inputs) + len(in.Inputs) - 1
	return false
}

// setStats records an input's counts, and warns of cut lines.
func setStats(in *summary.Input, raw int64, st parse.Stats, o Options) {
	in.Bytes, in.DecodedBytes = raw, st.Bytes
	in.Lines, in.Records, in.LongLines = st.Lines, st.Records, st.LongLines
	in.Layout = st.Layout.String()
	if st.LongLines > 0 {
		what := "lines over the limit of %d bytes were cut"
		if st.LongLines == 1 {
			what = "line over the limit of %d bytes was cut"
		}
		in.Warnings = append(in.Warnings, fmt.Sprintf("%d "+what,
			st.LongLines, cmp.Or(o.Parse.MaxLineBytes, parse.DefaultMaxLineBytes)))
	}
}

// add classifies ev's body when it is an error's (the body of a 2xx or
// 3xx response is data) and adds ev to sum, unless its log time lies
// outside [Since, Until) (an event without a time is always kept).
func add(sum *sink, ev *parse.Event, o *Options) {
	if !ev.Time.IsZero() && (!o.Since.IsZero() && ev.Time.Before(o.Since) || !o.Until.IsZero() && !ev.Time.Before(o.Until)) {
		return
	}
	cl := o.Classifier
	if ev.Kind == parse.KindResponse && ev.HasBody && (ev.Status < 200 || ev.Status >= 400) {
		c := cl.Classify(ev.Body)
		sum.Add(ev, &c)
		return
	}
	sum.Add(ev, nil)
}
