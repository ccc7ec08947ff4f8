package scan

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"io"
	"sync"

	"synclog/internal/parse"
)

// Parts of a large plain file are scanned on several cores at once.
const (
	// partsMin is the smallest plain file that is split.
	partsMin = 64 << 20
	// preroll is how much of the file before a part's start its
	// extractor reads, without reporting, to build up the state the
	// previous part has at that point.
	preroll = 1 << 20
)

// errFallBack is scanParts' answer when the parts cannot be shown to agree
// with a scan in one piece: the caller then scans the file in one piece.
var errFallBack = errors.New("scan: the parts do not agree")

// scanParts scans a plain file of the given size in n parts at once (tr,
// if not nil, is told of every read) and returns their summary, merged in
// order, and the file's counts. It returns errFallBack, and nothing else,
// when the parts cannot be shown to agree with a scan in one piece (no
// record start near a split point, a part's state at its start differing
// from the previous part's state there, a read error).
//
// A file that shrank while the parts read it is not read again (that would
// find less, or nothing): scanParts then returns what can be kept, the
// file's lines from its start up to the first part cut short, with that
// part's *parse.Error (fault Changed).
func scanParts(ctx context.Context, f io.ReaderAt, size int64, n int, name string, tr Tracker, year int, o Options) (*sink, parse.Stats, error) {
	bounds, ok := partBounds(f, size, n)
	if !ok {
		return nil, parse.Stats{}, errFallBack
	}
	parts := make([]part, n)
	defer func() {
		for k := range parts {
			if parts[k].sum != nil {
				parts[k].sum.Close()
			}
		}
	}()
	var wg sync.WaitGroup
	for k := range parts {
		p := &parts[k]
		p.from = prerollFrom(f, bounds, k)
		to := int64(-1)
		if k < n-1 {
			to = bounds[k+1]
		}
		wg.Go(func() { p.scan(ctx, f, size, bounds[k], to, name, tr, year, o) })
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, parse.Stats{}, err
	}
	if k, err := shrunk(parts); err != nil {
		sum, st := joinParts(parts[:keptParts(parts)], &o)
		return sum, st, &parse.Error{File: name, Format: parse.Plain, Fault: parse.Changed,
			Line: st.Lines, Offset: parts[k].off, Decoded: st.Bytes, Err: err}
	}
	if !partsAgree(parts) {
		return nil, parse.Stats{}, errFallBack
	}
	sum, st := joinParts(parts, &o)
	return sum, st, nil
}

// part is one part of a file scanned in parts.
type part struct {
	sum  *sink
	res  parse.WindowResult
	end  parse.Stats
	err  error
	from int64 // where its reader starts
	off  int64 // ... and where it stopped
}

// partBounds returns the offsets at which each of n parts of the file
// starts (record starts near even cuts), and size last. ok is false when
// no record starts near a cut.
func partBounds(f io.ReaderAt, size int64, n int) (bounds []int64, ok bool) {
	bounds = []int64{0}
	for k := 1; k < n; k++ {
		b := recordStart(f, int64(k)*size/int64(n))
		if b < 0 || b <= bounds[k-1] {
			return nil, false
		}
		bounds = append(bounds, b)
	}
	return append(bounds, size), true
}

// prerollFrom returns where the reader of part k starts: at a record start
// up to preroll bytes before the part, or at the part itself when there is
// none (partsAgree then decides).
func prerollFrom(f io.ReaderAt, bounds []int64, k int) int64 {
	if k == 0 {
		return 0
	}
	from := recordStart(f, max(bounds[k]-preroll, bounds[k-1]))
	if from < 0 || from > bounds[k] {
		return bounds[k]
	}
	return from
}

// scan reads the file from p.from, up to size (until ctx is done), and
// reports what lies in [start, to) (to < 0: to the end) into p.
func (p *part) scan(ctx context.Context, f io.ReaderAt, size, start, to int64, name string, tr Tracker, year int, o Options) {
	sf := &sizedFile{ctx: ctx, f: f, off: p.from, end: size, hook: o.readHook}
	var r io.Reader = sf
	if tr != nil {
		r = progressReader{r, tr}
	}
	ex := parse.NewExtractor(r, name, o.Parse)
	ex.SetYear(year)
	w := parse.Window{From: start - p.from, To: -1}
	if to >= 0 {
		w.To = to - p.from
	}
	ex.SetWindow(w)
	p.sum = newSink(&o)
	for ex.Next() {
		add(p.sum, ex.Event(), &o)
	}
	p.res, p.end, p.err, p.off = ex.WindowResult(), ex.Stats(), ex.Err(), sf.off
}

// partsAgree reports whether every part was read whole and starts in the
// state the part before it ended in.
func partsAgree(parts []part) bool {
	for k := range parts {
		p := &parts[k]
		if p.err != nil || p.res.FromLine == 0 || p.res.Overrun {
			return false
		}
		if k < len(parts)-1 && (p.res.ToLine == 0 || p.res.ToState != parts[k+1].res.FromState) {
			return false
		}
	}
	return true
}

// shrunk returns the first part with a Changed fault (the file shrank
// while the parts read it) and the fault's cause, or nil.
func shrunk(parts []part) (int, error) {
	for k := range parts {
		var pe *parse.Error
		if errors.As(parts[k].err, &pe) && parse.FaultOf(pe) == parse.Changed {
			return k, pe.Err
		}
	}
	return 0, nil
}

// keptParts returns how many parts, from the first, hold the file's lines
// from its start without a gap or a doubt: each reached its start in the
// state the part before it ended in, and every one but the last of them
// was read to its end.
func keptParts(parts []part) int {
	for k := range parts {
		p := &parts[k]
		if p.res.FromLine == 0 || p.res.Overrun || k > 0 && parts[k-1].res.ToState != p.res.FromState {
			return k
		}
		if p.err != nil || k < len(parts)-1 && p.res.ToLine == 0 {
			return k + 1
		}
	}
	return len(parts)
}

// joinParts merges the parts' summaries in order, their lines renumbered
// as the file's own, and adds up their counts. A part's counts end where
// its window does, or where it stopped short of it.
func joinParts(parts []part, o *Options) (*sink, parse.Stats) {
	sum := newSink(o)
	var st parse.Stats
	line := int64(1) // the file's own number of each part's first line
	for k := range parts {
		p := &parts[k]
		end := p.end
		if p.res.ToLine > 0 {
			end = p.res.ToStats
		}
		part := end.Sub(p.res.FromStats)
		p.sum.ShiftLines(int(line - p.res.FromLine))
		sum.Merge(p.sum)
		line += part.Lines
		st = addStats(st, part)
	}
	return sum, st
}

// recordStart returns the offset of the first line at or after off (off
// itself when it is 0) that starts a record, looking at most 1 MiB ahead,
// or -1.
func recordStart(f io.ReaderAt, off int64) int64 {
	if off == 0 {
		return 0
	}
	buf := make([]byte, 1<<20)
	n, _ := f.ReadAt(buf, off-1)
	buf = buf[:n]
	// Skip to the first line start at or after off.
	i := bytes.IndexByte(buf, '\n')
	for i >= 0 && i+1 < len(buf) {
		rest := buf[i+1:]
		j := bytes.IndexByte(rest, '\n')
		if j < 0 {
			return -1
		}
		if parse.StartsRecord(bytes.TrimSuffix(rest[:j], []byte("\r"))) {
			return off - 1 + int64(i) + 1
		}
		i += 1 + j
	}
	return -1
}

func addStats(a, b parse.Stats) parse.Stats {
	a.Lines += b.Lines
	a.Bytes += b.Bytes
	a.LongLines += b.LongLines
	a.CRLF += b.CRLF
	a.Records += b.Records
	a.Layout = cmp.Or(a.Layout, b.Layout)
	a.NoFinalNewline, a.Partial = b.NoFinalNewline, b.Partial
	return a
}
