package scan

import (
	"fmt"

	"synclog/internal/parse"
	"synclog/internal/state"
)

// resume is one input's part in an incremental scan: where it starts, and
// where it is left for the next run. Its zero value (no Resumer) reads
// every input whole and records nothing.
type resume struct {
	r       Resumer
	started bool
	head    state.Head // the input's first decoded bytes, its fingerprint
	from    Point      // where earlier reads left it (zero: never read)
	by      string     // the input of this run that left it there ("": an earlier run)
	to      Point      // where this read leaves it...
	read    bool       // ... if it is to be recorded
	// Where the events verified by the last checksum end (see verified).
	commit    parse.Mark
	committed bool
	// base is where this read starts in the input, when it seeks past
	// what earlier runs read (see seekPlain): the extractor's offsets and
	// line numbers count from there. Its Lines is known once the read has
	// reached where the input was left (see found).
	base parse.Mark
	// baseRaw is where in the compressed input a read that starts at a
	// gzip member (see seekMember) starts; noSeek says that every read is
	// now to start at the input's start.
	baseRaw int64
	noSeek  bool
	// The ends of the last two gzip members read, in the input.
	prevEnd, lastEnd parse.Boundary
	// src is the input, when it is a regular file: Tail and File are
	// recorded for it. plain says it is not compressed.
	src   *source
	plain bool
	// preroll is how far before the offset a read of an uncompressed
	// input that resumes starts (see seekPlain).
	preroll int64
}

// seekMember makes src, a gzip file whose first bytes decoded match an
// earlier run's, read from the end of the last but one member that run
// read, once the compressed bytes before it are found unchanged (more
// members were appended since); it reports whether it did. The member
// before the new ones is read again, without counting, to rebuild what
// the parser held where the earlier run ended (see agrees).
func (rs *resume) seekMember(src *source, format parse.Format) bool {
	m := rs.from.Member
	if !rs.on() || rs.noSeek || rs.by != "" || format != parse.Gzip || !src.regular || src.f == nil ||
		m.Raw <= 0 || m.Raw >= src.size || m.Decoded >= rs.from.Offset || rs.from.Context == "" ||
		tailSum(src, m.Raw) != rs.from.MemberTail || !src.seek(m.Raw) {
		return false
	}
	rs.base, rs.baseRaw = parse.Mark{Offset: m.Decoded}, m.Raw
	return true
}

// memberEnds records the ends of the last two gzip members read, as
// Opener.MemberEnds returns them for a read that starts at rs.baseRaw.
func (rs *resume) memberEnds(prev, last parse.Boundary) {
	abs := func(b parse.Boundary) parse.Boundary {
		if b.Raw > 0 {
			b.Raw += rs.baseRaw
			b.Decoded += rs.base.Offset
		}
		return b
	}
	rs.prevEnd, rs.lastEnd = abs(prev), abs(last)
}

// start asks the Resumer, once per input, where the input whose first
// decoded bytes are head was left; rs keeps head. Later passes over the
// same input keep what it said.
func (rs *resume) start(head state.Head) {
	if rs.r == nil || rs.started {
		return
	}
	rs.started = true
	rs.head = head
	rs.from, rs.by = rs.r.Resume(rs.head)
	if rs.by != "" {
		// Left by this run, not found unchanged over time: nothing says
		// the log is settled.
		rs.from.End = -1
	}
}

// on reports whether the scan is incremental.
func (rs *resume) on() bool { return rs.r != nil }

// restart makes the input be read from its start.
func (rs *resume) restart() {
	rs.from, rs.by, rs.to, rs.read = Point{}, "", Point{}, false
	rs.commit, rs.committed = parse.Mark{}, false
	rs.base, rs.baseRaw = parse.Mark{}, 0
}

// local returns m, a mark in the input, with its offsets as the extractor
// of a read that starts at rs.base counts them (it counts lines relative
// to each other; see parse.Extractor.Resume).
func (rs *resume) local(m parse.Mark) parse.Mark {
	if rs.base.Offset == 0 {
		return m
	}
	m.Offset -= rs.base.Offset
	if m.End > 0 {
		m.End -= rs.base.Offset
	}
	return m
}

// found records, once the extractor ex of a read that starts at rs.base
// has reached the offset where the input was left, how many lines lie
// before rs.base.
func (rs *resume) found(ex *parse.Extractor) {
	if rs.base.Offset > 0 {
		rs.base.Lines = rs.from.Lines - (ex.WindowResult().FromLine - 1)
	}
}

// reached records that what was read and counted goes up to m, a mark of
// the extractor. A read that did not get past where the input was left
// records nothing: the position stays where it was.
func (rs *resume) reached(m parse.Mark) {
	if rs.r == nil {
		return
	}
	m = m.Plus(rs.base)
	if m.Offset < rs.from.Offset {
		return
	}
	rs.to, rs.read = Point{Mark: m}, true
}

// finish tells the Resumer that the input, named name, is done with; err
// is what kept it from being read whole. The point recorded for an
// uncompressed regular file says what lies just before the offset; for a
// regular file read whole, which file it was, so that the next run can
// pass over it unchanged (a damaged one is read again, and said to be so,
// on every run).
func (rs *resume) finish(name string, err error) {
	if !rs.started {
		return
	}
	if rs.read && rs.src != nil && rs.src.regular {
		if err == nil {
			rs.to.File = rs.src.id
		}
		// Where the next run may start, if members are appended: the
		// input ended with a member, where this read ended.
		if b := rs.prevEnd; err == nil && b.Raw > 0 && rs.lastEnd.Decoded == rs.to.Offset && rs.to.Offset == rs.to.End && rs.to.Context != "" {
			rs.to.Member, rs.to.MemberTail = b, tailSum(rs.src, b.Raw)
		}
		switch {
		case rs.plain && rs.to.Offset > rs.preroll:
			rs.to.Tail = tailSum(rs.src, rs.to.Offset)
		case rs.to.MemberTail == "":
			// No later read starts past the input's start: what it
			// would check there is not kept (50,000 small logs made a
			// state of 30 MB).
			rs.to.Context = ""
		}
	}
	rs.r.Done(rs.head, name, rs.to, rs.read)
}

// tailSum returns the state.TailSum of the bytes of the file src before
// off, or "" when they cannot be read.
func tailSum(src *source, off int64) string {
	b := make([]byte, min(off, state.TailBytes))
	if n, _ := src.f.ReadAt(b, off-int64(len(b))); n < len(b) {
		return ""
	}
	return state.TailSum(b)
}

// pastEnd returns the warning for an input that holds fewer than the
// rs.from.Offset decoded bytes an earlier run read (size): it changed, and
// is read from the start. It returns "" when the input is not past its
// end, or was left there by another input of this run (a longer copy of
// it: then nothing in it is new).
func (rs *resume) pastEnd(size int64) string {
	if rs.by != "" || rs.from.Offset <= size {
		return ""
	}
	return fmt.Sprintf("--state offset %d is past the end (%d bytes): the log changed; read from the start", rs.from.Offset, size)
}

// unchanged reports whether the input is the file an earlier run read to
// its end, as it was then: nothing in it is new. src.id is its file now.
func (rs *resume) unchanged(src *source) bool {
	f := rs.from
	return rs.by == "" && f.File != (state.File{}) && f.File == src.id &&
		f.Offset > 0 && f.Offset == f.End && f.Held == 0
}

// warnings returns what the input row says of the incremental read: where
// it started, and, after a clean read (clean), what it left for the next
// run.
func (rs *resume) warnings(clean bool) []string {
	if rs.r == nil {
		return nil
	}
	var w []string
	if rs.from.Offset > 0 {
		where := ""
		if rs.by != "" {
			where = ", where " + rs.by + " ended in this run"
		}
		w = append(w, fmt.Sprintf("incremental: read from decoded offset %d%s (--state)", rs.from.Offset, where))
	}
	if !clean || !rs.read {
		return w
	}
	if rs.to.End > rs.to.Offset {
		w = append(w, "last line has no newline yet: left for the next run (--state)")
	}
	if rs.to.Held > 0 {
		w = append(w, fmt.Sprintf("the response at line %d still waits for its body: left for the next run (--state)", rs.to.Held))
	}
	return w
}
