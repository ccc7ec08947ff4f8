package scan

import (
	"bytes"
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
	head    []byte     // the input's first decoded bytes, its fingerprint
	from    parse.Mark // where earlier reads left it (zero: never read)
	by      string     // the input of this run that left it there ("": an earlier run)
	to      parse.Mark // where this read leaves it...
	read    bool       // ... if it is to be recorded
	// Where the events verified by the last checksum end (see verified).
	commit    parse.Mark
	committed bool
}

// start asks the Resumer, once per input, where the input that pf decodes
// was left. Later passes over the same input keep what it said.
func (rs *resume) start(pf *parse.Prefetch) {
	if rs.r == nil || rs.started {
		return
	}
	rs.started = true
	rs.head = bytes.Clone(pf.Peek(state.FingerprintBytes))
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
	rs.from, rs.by, rs.to, rs.read = parse.Mark{}, "", parse.Mark{}, false
	rs.commit, rs.committed = parse.Mark{}, false
}

// reached records that what was read and counted goes up to m. A read
// that did not get past where the input was left records nothing: the
// position stays where it was.
func (rs *resume) reached(m parse.Mark) {
	if rs.r == nil || m.Offset < rs.from.Offset {
		return
	}
	rs.to, rs.read = m, true
}

// finish tells the Resumer that the input, named name, is done with.
func (rs *resume) finish(name string) {
	if rs.started {
		rs.r.Done(rs.head, name, rs.to, rs.read)
	}
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
