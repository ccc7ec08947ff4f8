// Package scan runs the pipeline over a list of inputs: open and
// decompress each, extract its events, classify the bodies and aggregate
// everything into one report.Summary.
package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"synclog/internal/classify"
	"synclog/internal/parse"
	"synclog/internal/report"
)

// Options configures Run.
type Options struct {
	// Classifier sorts response bodies. Required.
	Classifier *classify.Classifier
	// Parse configures the extractor (line and body caps).
	Parse parse.Options
	// MaxWindow caps the zstd window (0: parse.DefaultMaxWindow).
	MaxWindow uint64
	// Limits bounds the Summary.
	Limits report.Limits
	// Stdin is read for the path "-".
	Stdin io.Reader
}

// StdinName is how standard input is named in reports and errors.
const StdinName = "<stdin>"

// Run scans paths in order ("-" is standard input) and returns the summary
// of everything that could be read, and one error per input that could not
// be read whole. It stops early, returning ctx.Err() among the errors, when
// ctx is cancelled.
func Run(ctx context.Context, paths []string, o Options) (*report.Summary, []error) {
	sum := report.NewSummary(o.Limits)
	op, err := parse.NewOpener(o.MaxWindow)
	if err != nil {
		return sum, []error{err}
	}
	defer op.Close()
	ex := parse.NewExtractor(nil, "", o.Parse)
	var errs []error
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			errs = append(errs, err)
			break
		}
		if err := scanOne(ctx, p, op, ex, sum, o); err != nil {
			errs = append(errs, err)
			if errors.Is(err, context.Canceled) {
				break
			}
		}
	}
	return sum, errs
}

// scanOne scans one input into sum; its stats are recorded whatever
// happens.
func scanOne(ctx context.Context, path string, op *parse.Opener, ex *parse.Extractor, sum *report.Summary, o Options) (err error) {
	in := report.Input{Path: path, Format: parse.Plain.String()}
	defer func() {
		in.Complete = err == nil
		if err != nil {
			in.Error = err.Error()
		}
		sum.AddInput(in)
	}()
	var r io.Reader
	if path == "-" {
		in.Path = StdinName
		r = o.Stdin
	} else {
		f, err := openFile(path)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	dec, format, err := op.Open(ctxReader{ctx, r})
	in.Format = format.String()
	if err != nil {
		in.Bytes = op.Offset()
		return &parse.Error{File: in.Path, Offset: op.Offset(), Err: err}
	}
	ex.Reset(dec, in.Path)
	for ex.Next() {
		ev := ex.Event()
		if ev.Kind == parse.KindResponse && ev.HasBody && (ev.Status < 200 || ev.Status >= 400) {
			c := o.Classifier.Classify(ev.Body)
			sum.Add(ev, &c)
		} else {
			sum.Add(ev, nil)
		}
	}
	st := ex.Stats()
	in.Bytes, in.DecodedBytes = op.Offset(), st.Bytes
	in.Lines, in.Records, in.LongLines = st.Lines, st.Records, st.LongLines
	if err := ex.Err(); err != nil {
		var pe *parse.Error
		if errors.As(err, &pe) {
			pe.Offset = op.Offset()
			if errors.Is(err, context.Canceled) {
				return context.Canceled
			}
		}
		return fmt.Errorf("%s %w", format, err)
	}
	return nil
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

// ctxReader stops reading when its context is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
