// Package scan runs the pipeline over a list of inputs: open and
// decompress each, extract its events, classify the bodies and aggregate
// everything into one summary.Summary (and report.Rows when CSV is asked for).
package scan

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"synclog/internal/classify"
	"synclog/internal/parse"
	"synclog/internal/report"
	"synclog/internal/state"
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
	// Narrow, when set, keeps only the events that pass it.
	Narrow Narrow
	// Progress, if set, is told how much of each input has been read.
	Progress Progress
	// Resume, if set, makes the scan incremental: each input is read only
	// past what an earlier run read (plain files are then not split).
	Resume Resumer
	// Shard, if set, makes the run count one shard of the work (see
	// Shard).
	Shard Shard

	// readHook, set by tests only, is called before n bytes of a regular
	// file are read at offset off, so that a test can change the file
	// while it is read.
	readHook func(off, n int64)
	// preroll, set by tests only, replaces resumePreroll.
	preroll int64
}

// Resumer remembers how far inputs were read, by the first decoded bytes
// of each (so that a log renamed or compressed by rotation is still known):
// head holds the input's first state.FingerprintBytes decoded bytes, or all
// of them when it is shorter. Its methods are called from the scanning
// goroutines.
type Resumer interface {
	// Resume returns where the input whose first bytes are head was left
	// (the zero Point: never read), and by returns the name of the input
	// of this run that left it there ("": an earlier run). Inputs with the
	// same first bytes (a rotated log and its compressed copy) are read one
	// at a time: Resume waits until the one before is Done.
	Resume(head state.Head) (p Point, by string)
	// Done ends the input that Resume was called for: when read is set, it
	// was read, under name, up to p (see parse.Extractor.Mark).
	Done(head state.Head, name string, p Point, read bool)
}

// Point is where an input was left, and what tells a later run whether it
// still holds what was read: the bytes before the offset, and the file.
type Point struct {
	parse.Mark
	// Tail is the state.TailSum of the decoded bytes before Offset of an
	// uncompressed file ("": not known).
	Tail string
	// File is the file read, as it was then (zero: not a file).
	File state.File
	// Member is where the last but one member of a gzip file ended, and
	// MemberTail the state.TailSum of the compressed bytes before it
	// (zero: not known; see state.Position.Member).
	Member     parse.Boundary
	MemberTail string
}

// PointOf returns the Point that the state entry e keeps.
func PointOf(e *state.Entry) Point {
	p := Point{Mark: e.Mark(), Tail: e.Tail}
	if e.File != nil {
		p.File = *e.File
	}
	if e.Member != nil {
		p.Member, p.MemberTail = parse.Boundary{Raw: e.Member.Raw, Decoded: e.Member.Decoded}, e.Member.Tail
	}
	return p
}

// Position returns what a state entry keeps of p.
func (p Point) Position() state.Position {
	at := state.At(p.Mark)
	at.Tail = p.Tail
	if p.File != (state.File{}) {
		at.File = &p.File
	}
	if p.MemberTail != "" {
		at.Member = &state.Member{Raw: p.Member.Raw, Decoded: p.Member.Decoded, Tail: p.MemberTail}
	}
	return at
}

// Shard says which inputs and tar members a run counts, so that N runs
// with the N shards count everything once. An input that is not the
// run's own is still opened, in case it is a tar archive: every run reads
// an archive and counts the members that Member says are its own (its row
// then appears in every run's report). Any other input not the run's own
// is dropped unread: no row, no error. Its methods are called from the
// scanning goroutines.
type Shard interface {
	// Input reports whether paths[i], the input at index i, is the run's.
	Input(i int) bool
	// Member reports whether the tar member name is the run's.
	Member(name string) bool
}

// errOtherShard ends the scan of an input of another shard (see Shard).
var errOtherShard = errors.New("scan: input of another shard")

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
	r := &runner{ctx: ctx, paths: paths, o: o, next: make(chan span), done: make(chan []result),
		batch: batchSize(len(paths), jobs),
		// Bound how far workers run ahead of the merge, so that finished
		// summaries waiting for an earlier slow input stay few.
		ahead: make(chan struct{}, 2*jobs)}
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
	go func() {
		for b := range r.done {
			for _, res := range b {
				res.sum.Close()
			}
		}
	}()
	wg.Wait()
	close(r.ahead)
	close(r.done)
	return sum.sum, sum.rows, errs
}

// runner hands the inputs of one Run to its workers and merges their
// summaries in input order. What it holds per input is its path: a scan
// in flight or waiting to be merged holds more, and there are at most
// cap(ahead) of those.
type runner struct {
	ctx   context.Context
	paths []string
	o     Options
	batch int           // inputs handed out at once
	next  chan span     // the indexes of the paths to scan, batch by batch
	done  chan []result // the batches scanned, in any order
	ahead chan struct{} // one token per batch handed out and not yet merged
}

// span is a batch of inputs: indexes from to to-1.
type span struct{ from, to int }

// maxBatch is the most inputs a worker is handed at once. Handing out an
// input and its result costs goroutine switches: a folder of 5,000 logs of
// 20 KB spent a sixth of its time switching when they went one by one.
const maxBatch = 16

// batchSize returns how many of n inputs a worker of jobs is handed at
// once: enough that the switches cost little, few enough that every
// worker gets some (four batches each).
func batchSize(n, jobs int) int { return max(1, min(maxBatch, n/(4*jobs))) }

// result is the scan of input i: what it added up, its own row, and the
// error that kept it from being read whole.
type result struct {
	i   int
	sum *sink
	in  summary.Input
	err error
}

// kit is what a worker reuses from one input to the next: the decoders,
// the extractor and the prefetch buffers. Not safe for concurrent use.
type kit struct {
	op *parse.Opener
	ex *parse.Extractor
	pf *parse.Prefetch
	// head holds the first bytes of a regular file being read (see
	// source.readHead).
	head []byte
}

// headBuffer is how many first bytes of a regular file are read at once
// when they are needed before it is decoded (see seekPlain): a small file
// whole, in one read(2).
const headBuffer = 64 << 10

// Prefetch buffers: a compressed input is decoded up to 4 × 256 KiB ahead.
const (
	prefetchBuffers    = 4
	prefetchBufferSize = 256 << 10
)

// work scans the inputs whose indexes arrive on next, each into a summary
// of its own, with op and an Extractor and a Prefetch of its own, and sends
// the results on done.
func (r *runner) work(op *parse.Opener) {
	k := &kit{op: op, ex: parse.NewExtractor(nil, "", r.o.Parse), pf: parse.NewPrefetch(nil, prefetchBuffers, prefetchBufferSize, nil, nil)}
	if r.o.Resume != nil {
		k.head = make([]byte, headBuffer)
	}
	defer k.pf.Close()
	for sp := range r.next {
		batch := make([]result, 0, sp.to-sp.from)
		for i := sp.from; i < sp.to; i++ {
			res := result{i: i, sum: newSink(&r.o), in: summary.Input{Path: r.paths[i]}}
			if err := r.ctx.Err(); err != nil {
				res.err = err
			} else {
				res.in, res.err = scanOne(r.ctx, r.paths[i], r.o.Shard == nil || r.o.Shard.Input(i), k, res.sum, r.o)
			}
			batch = append(batch, res)
		}
		r.done <- batch
	}
}

// feed hands out every input, batch by batch, at most cap(ahead) batches
// ahead of the merge until ctx is cancelled, then closes next.
func (r *runner) feed() {
	defer close(r.next)
	for i := 0; i < len(r.paths); i += r.batch {
		select {
		case r.ahead <- struct{}{}:
		case <-r.ctx.Done():
		}
		r.next <- span{i, min(i+r.batch, len(r.paths))}
	}
}

// collect merges the inputs' summaries in input order as they finish and
// gathers their errors; it stops at the first input that was cancelled.
func (r *runner) collect() (*sink, []error) {
	sum := newSink(&r.o)
	var errs []error
	twins := make(map[[sha256.Size]byte]twin) // by twinKey
	early := make(map[int][]result)           // batches finished before one ahead of them, by first index
	var batch []result                        // the batch being merged
	defer func() {
		for _, b := range early {
			closeAll(b)
		}
		closeAll(batch)
	}()
	for i := 0; i < len(r.paths); i += r.batch {
		ok := false
		if batch, ok = early[i]; !ok {
			for batch = <-r.done; batch[0].i != i; batch = <-r.done {
				early[batch[0].i] = batch
			}
		}
		delete(early, i)
		for k := range batch {
			res := &batch[k]
			if errors.Is(res.err, context.Canceled) {
				errs = append(errs, res.err)
				return sum, errs
			}
			if res.err != nil && errors.Is(res.err, errOtherShard) {
				continue
			}
			if !readBefore(sum.sum, &res.in, twins) {
				sum.Merge(res.sum)
				sum.AddInput(res.in) // after its members' rows, if an archive
				if res.err != nil {
					errs = append(errs, res.err)
				}
			}
		}
		closeAll(batch)
		batch = nil
		<-r.ahead
	}
	return sum, errs
}

// closeAll closes the summaries of the results b.
func closeAll(b []result) {
	for _, res := range b {
		res.sum.Close()
	}
}

// twin is what collect keeps of the input it counted last with a given
// fingerprint, by twinKey: 72 bytes and the path's, which the runner holds
// anyway.
type twin struct {
	path     string
	complete bool
	decoded  int64 // bytes
}

// maxTwinWarnings is how many warnings a row may hold for readBefore to add
// one: a log copied many times gets no more than that.
const maxTwinWarnings = 8

// readBefore reports whether the input whose row is row holds nothing
// that an input already in sum did not: the same log read twice (a
// rotated file next to its compressed twin, a copy) is counted once.
// Inputs are the same log when their fingerprints (first 4 KiB decoded)
// are; the later one adds nothing when the earlier one was read whole and
// at least as far. It is then listed as passed over, and the earlier
// one's row names it. When the later one read further (the earlier one
// was a shorter copy), both are counted, with a warning on each, since
// what one run has added cannot be taken out. A row of sum that was folded
// (see summary.AddInput) gets no warning. twins holds the inputs of sum by
// fingerprint; readBefore adds row's.
func readBefore(sum *summary.Summary, row *summary.Input, twins map[[sha256.Size]byte]twin) bool {
	if row.Fingerprint == "" {
		return false
	}
	fp := twinKey(row.Fingerprint)
	first, seen := twins[fp]
	if !seen {
		twins[fp] = twin{path: row.Path, complete: row.Complete, decoded: row.DecodedBytes}
		return false
	}
	kept := rowOf(sum, first.path)
	if first.complete && first.decoded >= row.DecodedBytes {
		warnTwin(kept, "same log as "+row.Path+" (same first 4 KiB): read once")
		sum.AddSkipped(row.Path, "same log as "+first.path+" (same first 4 KiB), read there")
		return true
	}
	warnTwin(kept, "same first 4 KiB as "+row.Path+", which was read further: both counted, so lines they share count twice")
	row.Warnings = append(row.Warnings, "same first 4 KiB as "+first.path+": both counted, so lines they share count twice")
	twins[fp] = twin{path: row.Path, complete: row.Complete, decoded: row.DecodedBytes}
	return false
}

// twinKey is the key of fingerprint fp in readBefore's map: fixed-size,
// unlike the 64 hex digits of fp, and unlike a prefix of them, never the
// same for two fingerprints (a log wrongly taken for another's twin would
// go uncounted). It is the SHA-256 that fp spells, or one of fp if fp
// does not spell one.
func twinKey(fp string) [sha256.Size]byte {
	var k [sha256.Size]byte
	if n, err := hex.Decode(k[:], []byte(fp)); err == nil && n == len(k) && len(fp) == 2*len(k) {
		return k
	}
	return sha256.Sum256([]byte(fp))
}

// rowOf returns the last row of sum for path, or nil when there is none
// (it was folded).
func rowOf(sum *summary.Summary, path string) *summary.Input {
	for i := len(sum.Inputs) - 1; i >= 0; i-- {
		if sum.Inputs[i].Path == path {
			return &sum.Inputs[i]
		}
	}
	return nil
}

// warnTwin adds warning w to row, if any, unless it holds maxTwinWarnings.
func warnTwin(row *summary.Input, w string) {
	if row != nil && len(row.Warnings) < maxTwinWarnings {
		row.Warnings = append(row.Warnings, w)
	}
}

// SetStats records in in the counts st of an input of which raw bytes were
// read, and warns of lines cut at maxLine bytes (0: the default).
func SetStats(in *summary.Input, raw int64, st parse.Stats, maxLine int) {
	in.Bytes, in.DecodedBytes = raw, st.Bytes
	in.Lines, in.Records, in.LongLines = st.Lines, st.Records, st.LongLines
	in.Layout = st.Layout.String()
	if st.LongLines > 0 {
		what := "lines over the limit of %d bytes were cut"
		if st.LongLines == 1 {
			what = "line over the limit of %d bytes was cut"
		}
		in.Warnings = append(in.Warnings, fmt.Sprintf("%d "+what,
			st.LongLines, cmp.Or(maxLine, parse.DefaultMaxLineBytes)))
	}
}

// Classify returns the class of ev's body when it is an error's (the body
// of a 2xx or 3xx response is data), or nil: not a response, no body, or
// a success.
func Classify(cl *classify.Classifier, ev *parse.Event) *classify.Class {
	if ev.Kind != parse.KindResponse || !ev.HasBody || ev.Status >= 200 && ev.Status < 400 {
		return nil
	}
	c := cl.Classify(ev.Body)
	return &c
}

// add classifies ev's body when it is an error's (the body of a 2xx or
// 3xx response is data) and adds ev to sum, unless its log time lies
// outside [Since, Until) (an event without a time is always kept) or it
// does not pass o.Narrow.
func add(sum *sink, ev *parse.Event, o *Options) {
	if !ev.Time.IsZero() && (!o.Since.IsZero() && ev.Time.Before(o.Since) || !o.Until.IsZero() && !ev.Time.Before(o.Until)) {
		return
	}
	c := Classify(o.Classifier, ev)
	if !o.Narrow.IsZero() && !o.Narrow.keep(ev, c) {
		return
	}
	sum.Add(ev, c)
}
