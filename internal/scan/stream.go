package scan

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
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
func scanStream(ctx context.Context, src *source, k *kit, sum *sink, in *summary.Input, o Options) (err error) {
	rs := &resume{r: o.Resume, src: src, preroll: cmp.Or(o.preroll, resumePreroll)}
	defer func() { rs.finish(in.Path, err) }()
	if seekPlain(src, k.head, in, rs) {
		return nil
	}
	err = scanDecoded(ctx, src, k, sum, in, rs, o)
	if errors.Is(err, errDisagree) {
		// Nothing was counted: read it from its start up to the offset.
		*in = summary.Input{Path: in.Path, Format: in.Format, Fingerprint: in.Fingerprint}
		rs.base, rs.baseRaw, rs.noSeek = parse.Mark{}, 0, true
		if err = src.rewind(); err == nil {
			err = scanDecoded(ctx, src, k, sum, in, rs, o)
		}
	}
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

// syncMax is the largest regular file decoded on the goroutine that parses
// it: below it, reading ahead on another goroutine gains less than handing
// the buffers over costs (a folder of 20 KB logs took 40% longer).
const syncMax = prefetchBuffers * prefetchBufferSize

// resumePreroll is how much of an uncompressed log before the offset an
// earlier run left it at is read again, without counting, to find the
// state it was in there (a response still waiting for its body, an open
// body record), as a part of a file scanned in parts does (see preroll).
const resumePreroll = 1 << 20

// seekPlain prepares an incremental read of src, when it is an
// uncompressed regular file that an earlier run read: it is read on from
// where that run left it, resumePreroll before, once the bytes just before
// that point are found to be the ones read then (else it is read from its
// start, as a changed log). It reports true when there is nothing to read:
// the file is the one read to its end then, unchanged.
func seekPlain(src *source, buf []byte, in *summary.Input, rs *resume) (skip bool) {
	if !rs.on() || !src.regular || src.f == nil {
		return false
	}
	head := src.readHead(buf)
	head = head[:min(len(head), state.FingerprintBytes)]
	if len(head) == 0 || parse.Sniff(head) != parse.Plain || isTar(head) {
		return false
	}
	h := state.HeadOf(head)
	rs.start(h)
	rs.plain = true
	in.Fingerprint = h.Fingerprint()
	from := rs.from
	switch {
	case from.Offset == 0 || rs.by != "" || from.Offset > src.size:
		return false
	case rs.unchanged(src):
		in.Warnings = append(in.Warnings, fmt.Sprintf("unchanged since the last run (--state): nothing after decoded offset %d to read", from.Offset))
		rs.to, rs.read = from, true
		return true
	case from.Tail == "" || from.Context == "":
		// Kept by an older synclog, or left inside a body record: read
		// up to the offset.
		return false
	case tailSum(src, from.Offset) != from.Tail:
		in.Warnings = append(in.Warnings, fmt.Sprintf("--state: the bytes before offset %d are not the ones read: the log changed; read from the start", from.Offset))
		rs.restart()
		return false
	}
	if base, ok := prerollBase(src.f, from.Mark, rs.preroll); ok && src.seek(base.Offset) {
		rs.base = base
	}
	return false
}

// prerollBase returns where, preroll bytes before m, a read of the
// uncompressed log f that resumes at m starts (a record's first line).
// ok is false when the read is to start at the beginning: the log is
// small, or no record starts there.
func prerollBase(f io.ReaderAt, m parse.Mark, preroll int64) (base parse.Mark, ok bool) {
	if m.Offset <= preroll {
		return base, false
	}
	at := recordStart(f, m.Offset-preroll)
	if at <= 0 || at >= m.Offset {
		return base, false
	}
	return parse.Mark{Offset: at}, true
}

// seek makes src, a regular file, read from off; it reports false when
// it cannot (it is not read through a sizedFile). What readHead read is
// read again: the file may have changed since.
func (s *source) seek(off int64) bool {
	f := s.sized()
	if f != nil {
		f.off, f.err, f.pre = off, nil, nil
	}
	return f != nil
}

// prefetch starts pf decoding dec, the decoded src, for v: on the
// goroutine that parses it when src is a small regular file (see syncMax).
func prefetch(pf *parse.Prefetch, src *source, dec io.Reader, v *verified) {
	if src.regular && src.size <= syncMax {
		pf.ResetSync(dec, v.marked, v.commit)
	} else {
		pf.Reset(dec, v.marked, v.commit)
	}
}

// errDisagree reports that a read which started before the offset where an
// earlier run left an input did not find there what that run held (see
// parse.Mark.Context): it returns before counting anything.
var errDisagree = errors.New("scan: the preroll does not agree with the earlier run")

// agrees reports whether ex, which reads from rs.base, found at the offset
// where the input was left what the earlier run held there.
func (rs *resume) agrees(ex *parse.Extractor) bool {
	w := ex.WindowResult()
	return w.FromLine > 0 && parse.ContextSum(w.FromState) == rs.from.Context
}

// errNoRewind reports an input that cannot be read a second time.
var errNoRewind = errors.New("not a regular file")

// rewind makes src read from its start again, for a second pass: a
// regular file can be, a pipe or standard input cannot.
func (s *source) rewind() error {
	if s.seek(0) { // a regular file is read through a sizedFile
		return nil
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
	// An uncompressed input read once has nothing to verify nor to take
	// back (an incremental read may find it changed, and read it again).
	v := newVerified(sum, &o, format == parse.Plain && !rs.on())
	defer v.close()
	op.OnVerified = v.checksum
	defer func() { op.OnVerified = nil }()
	prefetch(pf, src, dec, v)
	defer pf.Close()
	// The input's first bytes, hashed once: its fingerprint (unless
	// seekPlain took it), and what the Resumer knows it by.
	var head state.Head
	fingerprint := rs.base.Offset == 0 && in.Fingerprint == ""
	if fingerprint || rs.on() && !rs.started {
		b := pf.Peek(state.FingerprintBytes)
		if rs.on() {
			b = bytes.Clone(b) // kept by rs, past the buffer's reuse
		}
		head = state.HeadOf(b)
		if fingerprint && len(b) > 0 {
			in.Fingerprint = head.Fingerprint()
		}
	}
	if src.other && !isTar(pf.Peek(512)) {
		return errOtherShard
	}
	rs.start(head)
	if rs.unchanged(src) {
		// A compressed file read to its end and unchanged since: not
		// decoded again.
		in.Warnings = append(in.Warnings, "unchanged since the last run (--state): not read again")
		rs.to, rs.read = rs.from, true
		return nil
	}
	if rs.seekMember(src, format) {
		// Gzip members were appended: decode from the end of the last
		// but one member read, not from the start.
		pf.Close()
		if dec, format, err = op.Open(src.r); err != nil || format != parse.Gzip {
			return errDisagree
		}
		prefetch(pf, src, dec, v)
	}
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
		if format == parse.Gzip {
			rs.memberEnds(op.MemberEnds())
		}
		if se := (*staleError)(nil); errors.As(rerr, &se) {
			return se
		}
		if errors.Is(rerr, errDisagree) {
			return rerr
		}
		SetStats(in, op.Offset(), st, o.Parse.MaxLineBytes)
	}
	return ended(ctx, in, sum, v, rs, op, ex, format, rerr)
}

// ended finishes one pass of scanDecoded over an input decoded through op
// and read through ex, which ended with rerr: its integrity, its verified
// events, its lines numbered from the input's start, and its error.
func ended(ctx context.Context, in *summary.Input, sum *sink, v *verified, rs *resume, op *parse.Opener, ex *parse.Extractor, format parse.Format, rerr error) error {
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
	if rs.base.Offset > 0 {
		sum.ShiftLines(int(rs.base.Lines))
	}
	if rerr != nil {
		err := positioned(ctx, in.Path, format, op, ex.Stats(), rerr)
		if pe := (*parse.Error)(nil); errors.As(err, &pe) && rs.base.Offset > 0 {
			pe.Line += rs.base.Lines
			pe.Offset += rs.base.Offset
			pe.Decoded += rs.base.Offset
		}
		return err
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
		// Read whole: End = Offset, so that the next run passes over
		// it, if it is the same file unchanged, without reading it.
		rs.reached(parse.Mark{Offset: 1, End: 1})
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
		ex.Resume(rs.local(rs.from.Mark), format == parse.Plain)
		if format == parse.Plain && src.regular && src.size <= rs.preroll {
			// finish would drop it (see there).
			ex.NoContext()
		}
		v.onCommit = func() { rs.commit, rs.committed = ex.Mark(), true }
	}
	// A read that starts before the offset counts nothing before it: the
	// state found there is checked before the first event is counted.
	checked := rs.base.Offset == 0
	for ex.Next() {
		if !checked {
			if !rs.agrees(ex) {
				return parse.Stats{}, errDisagree
			}
			checked = true
			rs.found(ex)
		}
		v.add(ex.Event())
	}
	if !checked {
		if ex.Err() != nil || !rs.agrees(ex) {
			// Read again from the start: the error is found there too.
			return parse.Stats{}, errDisagree
		}
		rs.found(ex)
	}
	if w := rs.pastEnd(rs.base.Offset + ex.Stats().Bytes); w != "" && ex.Err() == nil {
		return ex.Stats(), &staleError{w}
	}
	st, err := Counted(ex, rs.from.Offset)
	remember(rs, ex, err)
	in.Warnings = append(in.Warnings, rs.warnings(err == nil)...)
	warnYear(in, st.Layout, src.year, src.f == nil)
	return st, err
}

// Counted returns the counts of what ex read past decoded offset from
// (where an earlier read left the input; 0: all of it), and the error
// that ended the read: ex.NoRecords() when the input held bytes but no
// record (not a Sync log; an empty one is just empty).
func Counted(ex *parse.Extractor, from int64) (parse.Stats, error) {
	st, err := ex.Stats(), ex.Err()
	if err == nil && st.Records == 0 && st.Bytes > 0 {
		err = ex.NoRecords()
	}
	if from > 0 {
		if w := ex.WindowResult(); w.FromLine > 0 {
			st = st.Sub(w.FromStats)
		} else {
			st = parse.Stats{}
		}
	}
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
