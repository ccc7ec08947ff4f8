package scan

import (
	"synclog/internal/parse"
	"synclog/internal/summary"
)

// verified is the sink of one decoded input's events. They gather in a
// summary of their own and reach sum only once a checksum has verified
// them, or, for a plain input or a clean truncation, once the input ends:
// events decoded after the last verified point of a corrupt input are
// counted apart, never as findings.
//
// A checksum verifies bytes, up to a decoded offset that need not be a
// line's end; an event is verified when the parser had it whole before it
// read a byte past that offset. An event with a line that straddles it,
// or an exchange still open there (its WARN line or body may come next),
// is decided by the bytes after it, and waits for their checksum.
//
// Wire it up with Opener.OnVerified = v.checksum and NewPrefetch(…,
// v.marked, v.commit): checksum and marked then run on the decoding
// goroutine, add, commit and finish on the caller's.
type verified struct {
	sum     *sink
	pending *sink
	n       int64 // events in pending
	o       *Options
	upTo    int64 // decoded bytes the last checksum verified (decoding goroutine)
	// onCommit, if set, is called after each commit, on the caller's
	// goroutine: the events returned so far are verified.
	onCommit func()
}

// newVerified returns the sink of an input's events into sum. direct
// says that nothing verifies them and that they are never taken back (an
// uncompressed input, read once): they then go to sum as they come,
// without a summary of their own in between.
func newVerified(sum *sink, o *Options, direct bool) *verified {
	v := &verified{sum: sum, o: o}
	if !direct {
		v.pending = newSink(o)
	}
	return v
}

// add classifies ev and adds it to the pending events.
func (v *verified) add(ev *parse.Event) {
	if v.pending == nil {
		add(v.sum, ev, v.o)
		return
	}
	v.n++
	add(v.pending, ev, v.o)
}

// checksum records that a checksum has verified the first n decoded bytes
// (Opener.OnVerified).
func (v *verified) checksum(n int64) { v.upTo = n }

// marked returns how many decoded bytes the last checksum verified (the
// Prefetch's marked).
func (v *verified) marked() int64 { return v.upTo }

// commit hands the pending events to sum (the Prefetch's onMark: the
// parser has read exactly the bytes the checksum covered, and nothing
// after them).
func (v *verified) commit() {
	if v.n > 0 && v.pending != nil {
		v.sum.Merge(v.pending)
		v.pending.Close()
		v.pending, v.n = newSink(v.o), 0
	}
	if v.onCommit != nil {
		v.onCommit()
	}
}

// finish ends the input. The pending events are committed, unless fault
// is Corrupt: then they are only counted, in in's unverified fields.
func (v *verified) finish(in *summary.Input, fault parse.Fault) {
	if v.pending == nil {
		return
	}
	if fault == parse.Corrupt {
		in.UnverifiedEvents, in.UnverifiedEscalations = v.n, int64(v.pending.sum.Escalations())
	} else if v.n > 0 {
		v.sum.Merge(v.pending)
	}
	v.n = 0
}

// close releases the pending summary.
func (v *verified) close() {
	if v.pending != nil {
		v.pending.Close()
	}
}
