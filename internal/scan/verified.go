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
// Wire it up with Opener.OnVerified = v.checksum and NewPrefetch(…,
// v.marked, v.commit): checksum and marked then run on the decoding
// goroutine, add, commit and finish on the caller's.
type verified struct {
	sum     *sink
	pending *sink
	n       int64 // events in pending
	o       *Options
	checked bool // a checksum verified all data decoded so far (decoding goroutine)
	// onCommit, if set, is called after each commit, on the caller's
	// goroutine: the events returned so far are verified.
	onCommit func()
}

func newVerified(sum *sink, o *Options) *verified {
	return &verified{sum: sum, pending: newSink(o), o: o}
}

// add classifies ev and adds it to the pending events.
func (v *verified) add(ev *parse.Event) {
	v.n++
	add(v.pending, ev, v.o)
}

// checksum records that a checksum has verified all data decoded so far
// (Opener.OnVerified).
func (v *verified) checksum() { v.checked = true }

// marked reports whether a checksum verified data since it was last called
// (the Prefetch's marked).
func (v *verified) marked() bool {
	m := v.checked
	v.checked = false
	return m
}

// commit hands the pending events to sum (the Prefetch's onMark: the
// parser has read all that the checksum covered).
func (v *verified) commit() {
	if v.n > 0 {
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
	if fault == parse.Corrupt {
		in.UnverifiedEvents, in.UnverifiedEscalations = v.n, int64(v.pending.sum.Escalations())
	} else if v.n > 0 {
		v.sum.Merge(v.pending)
	}
	v.n = 0
}

// close releases the pending summary.
func (v *verified) close() { v.pending.Close() }
