package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"synclog/internal/parse"
	"synclog/internal/state"
	"synclog/internal/summary"
)

// scanStream decodes src through k and reads it as a tar archive or as
// one log. Decompression runs ahead on a goroutine of its own (a
// Prefetch); the events go to sum through a verified sink, as checksums
// verify them. With o.Resume, the input is read from where earlier runs
// left it; one that turns out to hold less than they read has changed,
// and is read again from its start.
func scanStream(ctx context.Context, src *source, k *kit, sum *sink, in *summary.Input, o Options) error {
	rs := &resume{r: o.Resume}
	defer func() { rs.finish(in.Path) }()
	err := scanDecoded(ctx, src, k, sum, in, rs, o)
	var se *staleError
	if !errors.As(err, &se) {
		return err
	}
	*in = summary.Input{Path: in.Path, Format: in.Format, Warnings: []string{se.msg}}
	rs.restart()
	if err := src.rewind(); err != nil {
		// Gone: the next run reads it from the start.
		rs.reached(parse.Mark{})
		return fmt.Errorf("%s: %s, but it cannot be read again (%w): the next run reads it from the start", in.Path, se.msg, err)
	}
	return scanDecoded(ctx, src, k, sum, in, rs, o)
}

// errNoRewind reports an input that cannot be read a second time.
var errNoRewind = errors.New("not a regular file")

// rewind makes src read from its start again, for a second pass: a
// regular file can be, a pipe or standard input cannot.
func (s *source) rewind() error {
	r := s.r
	if p, ok := r.(progressReader); ok {
		r = p.r
	}
	switch f := r.(type) {
	case *sizedFile: // reads at its own offset
		f.off, f.err = 0, nil
		return nil
	case *os.File:
		if s.regular {
			_, err := f.Seek(0, io.SeekStart)
			return err
		}
	}
	return errNoRewind
}

// staleError reports that an input holds less than --state says was read
// from it: it changed, and is to be read from the start.
type staleError struct{ msg string }

func (e *staleError) Error() string { return e.msg }

// scanDecoded is one pass of scanStream over src.
func scanDecoded(ctx context.Context, src *source, k *kit, sum *sink, in *summary.Input, rs *resume, o Options) error {
	op, ex, pf := k.op, k.ex, k.pf
	dec, format, err := op.Open(src.r)
	in.Format = format.String()
	if err != nil && src.other && ctx.Err() == nil {
		return errOtherShard // its own shard reports it
	}
	if err != nil {
		in.Bytes = op.Offset()
		return positioned(ctx, in.Path, format, op, parse.Stats{}, err)
	}
	if err := checkName(in, format, op); err != nil {
		return err
	}
	v := newVerified(sum, &o)
	defer v.close()
	op.OnVerified = v.checksum
	defer func() { op.OnVerified = nil }()
	pf.Reset(dec, v.marked, v.commit)
	defer pf.Close()
	if head := pf.Peek(state.FingerprintBytes); len(head) > 0 {
		in.Fingerprint = state.Fingerprint(head)
	}
	if src.other && !isTar(pf.Peek(512)) {
		return errOtherShard
	}
	rs.start(pf)
	if w := rs.pastEnd(src.size); w != "" && format == parse.Plain && src.regular {
		in.Warnings = append(in.Warnings, w)
		rs.restart()
	}
	var rerr error
	if isTar(pf.Peek(512)) {
		rerr = readArchive(ctx, pf, format, ex, v, sum, in, rs, o)
		in.Bytes = op.Offset()
	} else {
		var st parse.Stats
		st, rerr = readLog(pf, ex, v, in, rs, src, format, o)
		if se := (*staleError)(nil); errors.As(rerr, &se) {
			return se
		}
		setStats(in, op.Offset(), st, o)
	}
	warnIntegrity(in, op.Integrity())
	if me := (*memberError)(nil); errors.As(rerr, &me) {
		// The archive was read whole; its member's own row says what
		// went wrong with it.
		v.finish(in, 0)
		return me
	}
	if pe := (*parse.Error)(nil); errors.As(rerr, &pe) {
		rerr = pe.Err
	}
	v.finish(in, parse.FaultOf(rerr))
	if rerr != nil {
		return positioned(ctx, in.Path, format, op, ex.Stats(), rerr)
	}
	return nil
}

// readArchive reads the tar archive r: each member is an input of its own.
// Archives do not grow: one read before is read whole.
func readArchive(ctx context.Context, r io.Reader, format parse.Format, ex *parse.Extractor, v *verified, sum *sink, in *summary.Input, rs *resume, o Options) error {
	in.Format = "tar"
	if format != parse.Plain {
		in.Format += "+" + format.String()
	}
	if o.Shard != nil {
		in.Warnings = append(in.Warnings, summary.ShardedArchive)
	}
	var err error
	if rs.from.Offset == 0 {
		err = scanTar(ctx, r, in.Path, ex, v.add, sum, o)
	} else {
		in.Warnings = append(in.Warnings, "read by an earlier run (--state)")
		_, err = io.Copy(io.Discard, r)
	}
	if err == nil {
		rs.reached(parse.Mark{Offset: 1})
	}
	return err
}

// readLog reads the log r, from where rs says it was left, and returns the
// counts of what it read anew, and the error that ended it: a *staleError
// if it holds less than was read before.
func readLog(r io.Reader, ex *parse.Extractor, v *verified, in *summary.Input, rs *resume, src *source, format parse.Format, o Options) (parse.Stats, error) {
	ex.Reset(r, in.Path)
	ex.SetYear(src.year)
	if !src.regular {
		ex.GiveUpAfter(giveUpBytes)
	}
	if rs.on() {
		// An uncompressed log may still be written to; a compressed one
		// is final.
		ex.Resume(rs.from, format == parse.Plain)
		v.onCommit = func() { rs.commit, rs.committed = ex.Mark(), true }
	}
	for ex.Next() {
		v.add(ex.Event())
	}
	whole, err := ex.Stats(), ex.Err()
	if w := rs.pastEnd(whole.Bytes); w != "" && err == nil {
		return whole, &staleError{w}
	}
	if err == nil && whole.Records == 0 && whole.Bytes > 0 {
		err = ex.NoRecords() // not a Sync log (an empty one is just empty)
	}
	remember(rs, ex, err)
	st := whole
	if rs.from.Offset > 0 {
		if w := ex.WindowResult(); w.FromLine > 0 {
			st = st.Sub(w.FromStats)
		} else {
			st = parse.Stats{}
		}
	}
	in.Warnings = append(in.Warnings, rs.warnings(err == nil)...)
	warnYear(in, st.Layout, src.year, src.f == nil)
	return st, err
}

// remember records in rs how far the log ex read, which ended with err,
// has been counted: to its end or its last good line (a clean truncation,
// a read error: what was read before it is kept), or to the last verified
// checksum of a corrupt one. A log that is not one is not remembered: the
// next run says so again.
func remember(rs *resume, ex *parse.Extractor, err error) {
	switch parse.FaultOf(err) {
	case 0, parse.Truncated, parse.Limit, parse.Unsupported, parse.Unreadable:
		rs.reached(ex.Mark())
	case parse.Corrupt:
		if rs.committed {
			rs.reached(rs.commit)
		}
	}
}

// giveUpBytes is how much of a stream that is not a regular file (a pipe,
// a device) is read in search of a first record before it is given up as
// not a Sync log.
const giveUpBytes = 64 << 20

// warnYear says where the year of a logcat input's times came from, since
// logcat logs none.
func warnYear(in *summary.Input, l parse.Layout, year int, stdin bool) {
	if l != parse.LayoutLogcat {
		return
	}
	from := "the file's modification time"
	if stdin || year == 0 {
		year, from = time.Now().Year(), "the current year"
	}
	in.Warnings = append(in.Warnings, fmt.Sprintf("logcat times carry no year: %d used (%s)", year, from))
}

// warnIntegrity warns of what the decoder passed over or could not check.
func warnIntegrity(in *summary.Input, inf parse.Integrity) {
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
}

// positioned returns ctx's error when the scan was cancelled (a read
// error is then only its echo), else faultAt's.
func positioned(ctx context.Context, name string, format parse.Format, op *parse.Opener, st parse.Stats, cause error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return faultAt(name, format, op, st, cause)
}

// faultAt positions cause, which ended the input name after st was read
// from it through op, as a *parse.Error that carries the kind of fault.
func faultAt(name string, format parse.Format, op *parse.Opener, st parse.Stats, cause error) *parse.Error {
	return &parse.Error{File: name, Format: format, Fault: parse.FaultOf(cause), Line: st.Lines,
		Offset: op.Offset(), Decoded: st.Bytes, Err: cause}
}
