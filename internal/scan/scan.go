// Package scan runs the pipeline over a list of inputs: open and
// decompress each, extract its events, classify the bodies and aggregate
// everything into one report.Summary.
package scan

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"synclog/internal/classify"
	"synclog/internal/parse"
	"synclog/internal/report"
	"synclog/internal/state"
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
	Limits report.Limits
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
}

// Resumer remembers how far inputs were read, by the first decoded bytes
// of each (so that a log renamed or compressed by rotation is still known):
// head is the input's first state.FingerprintBytes decoded bytes, or all of
// them when it is shorter. Its methods are called from the scanning
// goroutines.
type Resumer interface {
	// Offset returns how many decoded bytes of the input whose first bytes
	// are head were read before (0: none).
	Offset(head []byte) int64
	// Read records that the input was read whole up to offset bytes, lines
	// lines: the end of its last complete line.
	Read(head []byte, name string, offset, lines int64)
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
func Run(ctx context.Context, paths []string, o Options) (*report.Summary, []error) {
	jobs := min(max(o.Jobs, 1), max(len(paths), 1))
	ops := make([]*parse.Opener, 0, jobs)
	for range jobs {
		op, err := parse.NewOpener(o.Opener)
		if err != nil {
			for _, op := range ops {
				op.Close()
			}
			return report.NewSummary(o.Limits), []error{err}
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
	return sum, errs
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
	sum  *report.Summary
	err  error
	done chan struct{}
}

// work scans the inputs whose indexes arrive on next, each into a summary
// of its own, with op and an Extractor of its own.
func (r *runner) work(op *parse.Opener) {
	ex := parse.NewExtractor(nil, "", r.o.Parse)
	for i := range r.next {
		res := &r.results[i]
		res.sum = report.NewSummary(r.o.Limits)
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
func (r *runner) collect() (*report.Summary, []error) {
	sum := report.NewSummary(r.o.Limits)
	var errs []error
	for i := range r.results {
		res := &r.results[i]
		<-res.done
		<-r.ahead
		if errors.Is(res.err, context.Canceled) {
			errs = append(errs, res.err)
			break
		}
		sum.Merge(res.sum)
		res.sum.Close()
		res.sum = nil
		if res.err != nil {
			errs = append(errs, res.err)
		}
	}
	return sum, errs
}

// compressedNames are the endings that promise a compressed file.
var compressedNames = map[string]parse.Format{".gz": parse.Gzip, ".tgz": parse.Gzip, ".zst": parse.Zstd, ".zstd": parse.Zstd,
	".tzst": parse.Zstd, ".bz2": parse.Bzip2, ".tbz2": parse.Bzip2}

// scanOne scans one input into sum; its Input row is recorded whatever
// happens. Events are first gathered in a summary of their own and only
// merged into sum once a checksum has verified them (or, for a plain file
// or a clean truncation, once the input ends): lines decoded after the last
// verified point of a corrupt input are counted apart, never as findings.
func scanOne(ctx context.Context, path string, op *parse.Opener, ex *parse.Extractor, sum *report.Summary, o Options) (err error) {
	in := report.Input{Path: path, Format: parse.Plain.String()}
	pending, pendingEvents := report.NewSummary(o.Limits), int64(0)
	defer func() { pending.Close() }()
	defer func() {
		op.OnVerified = nil
		in.Complete = err == nil
		if err != nil {
			in.Error = err.Error()
			if pe := (*parse.Error)(nil); errors.As(err, &pe) {
				in.State = parse.FaultOf(pe).String()
			}
		}
		sum.AddInput(in)
	}()
	var r io.Reader
	var f *os.File
	var tr Tracker
	if path == "-" {
		in.Path = StdinName
		r = o.Stdin
	} else {
		var err error
		if f, err = openFile(path); err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	// Cancelling closes the input, so that a read blocked on a pipe or a
	// terminal returns at once.
	if c, ok := r.(io.Closer); ok {
		stop := context.AfterFunc(ctx, func() { c.Close() })
		defer stop()
	}
	if o.Progress != nil {
		var size int64
		if f != nil {
			if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
				size = fi.Size()
			}
		}
		tr = o.Progress.Start(in.Path, size)
		defer func() { tr.Done(err) }()
		r = progressReader{r, tr}
	}
	// A large plain file is scanned in parts, one per job.
	if f != nil && o.Jobs > 1 && o.Resume == nil {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() >= cmp.Or(o.PartMin, partsMin) {
			head := make([]byte, 512)
			if n, _ := f.ReadAt(head, 0); parse.Sniff(head[:n]) == parse.Plain && !isTar(head[:n]) {
				if psum, st, ok := scanParts(ctx, f, fi.Size(), o.Jobs, in.Path, tr, o); ok {
					sum.Merge(psum)
					psum.Close()
					setStats(&in, fi.Size(), st, o)
					return nil
				}
				if err := ctx.Err(); err != nil {
					return err
				}
			}
		}
	}
	// fail positions a read error: what was read before it is st.
	fail := func(err error, format parse.Format, st parse.Stats) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return faultAt(in.Path, format, op, st, err)
	}
	dec, format, err := op.Open(r)
	in.Format = format.String()
	if err != nil {
		in.Bytes = op.Offset()
		return fail(err, format, parse.Stats{})
	}
	ext := strings.ToLower(filepath.Ext(path))
	if want, ok := compressedNames[ext]; ok && want != format {
		if op.Integrity().Empty {
			return &parse.Error{File: in.Path, Format: want, Fault: parse.Empty, Offset: -1, Err: parse.ErrEmpty}
		}
		in.Warnings = append(in.Warnings, fmt.Sprintf("named %s but holds %s data; read as %s", ext, format, format))
	}
	commit := func() {
		if pendingEvents > 0 {
			sum.Merge(pending)
			pending.Close()
			pending, pendingEvents = report.NewSummary(o.Limits), 0
		}
	}
	// Decompression runs ahead on a goroutine of its own; a checksum
	// verified there commits the events once the parser has caught up.
	verified := false
	op.OnVerified = func() { verified = true }
	pf := parse.NewPrefetch(dec, 4, 256<<10, func() bool { v := verified; verified = false; return v }, commit)
	defer pf.Close()
	emit := func(ev *parse.Event) {
		pendingEvents++
		add(pending, ev, &o)
	}
	var head []byte
	var resume int64
	if o.Resume != nil {
		head = bytes.Clone(pf.Peek(state.FingerprintBytes))
		resume = o.Resume.Offset(head)
	}
	var rerr error
	if isTar(pf.Peek(512)) {
		// A tar archive: each member is an input of its own. Archives do
		// not grow: one read before is read whole.
		in.Format = "tar"
		if format != parse.Plain {
			in.Format += "+" + format.String()
		}
		if resume == 0 {
			rerr = scanTar(pf, in.Path, ex, emit, sum, o)
		} else {
			in.Warnings = append(in.Warnings, "read by an earlier run (--state)")
			_, rerr = io.Copy(io.Discard, pf)
		}
		in.Bytes = op.Offset()
		if rerr == nil && o.Resume != nil {
			o.Resume.Read(head, in.Path, 1, 0)
		}
	} else {
		ex.Reset(pf, in.Path)
		if resume > 0 {
			ex.SetWindow(parse.Window{From: resume, To: -1})
		}
		for ex.Next() {
			emit(ex.Event())
		}
		st := ex.Stats()
		rerr = ex.Err()
		if rerr == nil && o.Resume != nil {
			// The next run starts after the last complete line: a line
			// still being written is read whole next time.
			end, lines := st.Bytes-st.Partial, st.Lines
			if st.Partial > 0 {
				lines--
			}
			o.Resume.Read(head, in.Path, max(end, resume), lines)
		}
		if resume > 0 {
			if w := ex.WindowResult(); w.FromLine > 0 {
				st = st.Sub(w.FromStats)
			} else {
				st = parse.Stats{}
			}
			in.Warnings = append(in.Warnings, fmt.Sprintf("incremental: read from decoded offset %d (--state)", resume))
		}
		setStats(&in, op.Offset(), st, o)
	}
	inf := op.Integrity()
	if inf.TrailingBytes > 0 {
		what := "bytes of trailing garbage"
		if inf.TrailingZeros {
			what = "trailing zero bytes"
		}
		in.Warnings = append(in.Warnings, fmt.Sprintf("%d %s after gzip member %d, ignored", inf.TrailingBytes, what, inf.Members))
	}
	if inf.NoChecksum {
		in.Warnings = append(in.Warnings, "zstd frame has no content checksum: integrity unverifiable")
	}
	if rerr != nil {
		var pe *parse.Error
		if errors.As(rerr, &pe) {
			rerr = pe.Err
		}
		if parse.FaultOf(rerr) == parse.Corrupt {
			in.UnverifiedEvents, in.UnverifiedEscalations = pendingEvents, int64(pending.Escalations())
			pendingEvents = 0
		}
	}
	if pendingEvents > 0 {
		sum.Merge(pending)
	}
	if rerr != nil {
		return fail(rerr, format, ex.Stats())
	}
	return nil
}

// faultAt positions cause, which ended the input name after st was read
// from it through op, as a *parse.Error that carries the kind of fault.
func faultAt(name string, format parse.Format, op *parse.Opener, st parse.Stats, cause error) *parse.Error {
	return &parse.Error{File: name, Format: format, Fault: parse.FaultOf(cause), Line: st.Lines,
		Offset: op.Offset(), Decoded: st.Bytes, Err: cause}
}

// setStats records an input's counts, and warns of cut lines.
func setStats(in *report.Input, raw int64, st parse.Stats, o Options) {
	in.Bytes, in.DecodedBytes = raw, st.Bytes
	in.Lines, in.Records, in.LongLines = st.Lines, st.Records, st.LongLines
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
func add(sum *report.Summary, ev *parse.Event, o *Options) {
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

// openFile opens a regular file for reading; anything else is refused with
// a clear error rather than read or blocked on.
func openFile(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if fi.IsDir() {
		f.Close()
		return nil, &os.PathError{Op: "read", Path: path, Err: errors.New("is a directory")}
	}
	return f, nil
}
