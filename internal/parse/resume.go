package parse

import (
	"crypto/sha256"
	"encoding/hex"
)

// Mark is where a run stopped reading an input that later runs read again
// (synclog scan --state): every event that begins before Offset has been
// returned, except the response that begins on line Held.
type Mark struct {
	// Offset is how many bytes were read, at a line start, or at the end
	// of an input read to its end.
	Offset int64
	// Lines is how many lines those Offset bytes hold.
	Lines int64
	// Held is the line number of the response begun before Offset that
	// was left for a later run, still waiting for its body (0: none).
	Held int64
	// End is the input's size in bytes when it was read (-1: unknown).
	End int64
	// Context is the ContextSum of what the Extractor held at Offset (a
	// response still open, a body record, the layout), when Offset is
	// where the input ended ("": not known). A later read that starts
	// before Offset, not at the input's start, must find the same there
	// (see WindowResult.FromState) to go on as a read from the start would.
	Context string
}

// Plus returns m, a mark of a read that started at base in the input (its
// offsets counted from base.Offset, its lines from base.Lines), as a mark
// of the whole input.
func (m Mark) Plus(base Mark) Mark {
	m.Offset += base.Offset
	m.Lines += base.Lines
	if m.Held > 0 {
		m.Held += base.Lines
	}
	if m.End >= 0 {
		m.End += base.Offset
	}
	return m
}

// ContextSum returns what Mark.Context holds for the state s of an
// Extractor (WindowResult.FromState).
func ContextSum(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// resumeState is what Resume set, and what the Extractor learnt of it.
type resumeState struct {
	on      bool
	growing bool // the input may still be written
	held    int64
	// heldBack is how many lines before the Window's From the held
	// response begins (Mark.Lines - Mark.Held), when one is held: held is
	// set from it at From, so that a read that starts later in the input
	// than its start, with lines numbered from there, finds it.
	heldBack int64
	end      int64
	// The response pending at the Window's From, if any: its line, and
	// whether it was still waiting for its body there.
	wait         int64
	waitBodyless bool
	skipped      bool // the last line, without a newline, was left for a later run
	noContext    bool // Mark leaves Context out (see NoContext)
}

// NoContext makes Mark leave Context out, until the next Reset: the
// caller will not read the input on from its Mark without reading it
// from its start (it is too small for that to be worth it), and so needs
// no proof of what e held there. Call it after Resume.
func (e *Extractor) NoContext() { e.rs.noContext = true }

// Resume makes e read its input again from m, where an earlier run
// stopped (see Extractor.Mark), until the next Reset; call it after
// Reset. e may be reading from a line other than the input's first (the
// start of a later gzip member, a record some way before m.Offset): then
// m.Offset and m.End count from there, and e numbers its lines from there,
// m.Lines - m.Held lines before the line at m.Offset being the held one. No event that begins before m.Offset is returned again, except
// the response that was pending there if the earlier run held it
// (m.Held), or if it gets its body only now (it was counted without one).
//
// growing says the input may still be written (an uncompressed log): then,
// unless it still ends at m.End (nothing was written since the earlier
// run: it is settled), a last line without a newline is not read yet, and
// a response still waiting for its body at the end is not returned but
// held for the next run. Mark says where that run starts.
//
// A body record that runs over continuation lines is closed at the end
// of the input as it is: its response is returned with the body read so
// far.
func (e *Extractor) Resume(m Mark, growing bool) {
	if m.Offset > 0 {
		e.SetWindow(Window{From: m.Offset, To: -1})
	}
	e.rs = resumeState{on: true, growing: growing, end: m.End, heldBack: -1}
	if m.Held > 0 {
		e.rs.heldBack = m.Lines - m.Held
	}
}

// Mark returns where a later run is to resume the input (see Resume): at
// the end of what e has read, before a last line left for it, or, while
// a body record is still open, at its first line; Held is the response
// still pending that would be returned but has not been. Called while the
// input is being read (from a Prefetch's onMark), it says how far the
// events returned so far account for the input.
func (e *Extractor) Mark() Mark {
	m := Mark{Offset: e.lr.start, Lines: e.line, End: e.lr.stats.Bytes}
	if e.rs.skipped {
		m.Lines--
	}
	if b := &e.body; b.active {
		m.Offset, m.Lines = b.off, b.line-1
	}
	if p := &e.resp[e.cur]; p.active && e.counts(&p.ev) {
		m.Held = int64(p.ev.Line)
	}
	if e.done && m.Offset == e.endAt && !e.body.active {
		m.Context = ContextSum(e.endState)
	}
	return m
}

// counts reports whether the response ev, once complete, is returned: it
// begins inside the Window, or it is the response that was pending at the
// Window's From and the earlier run held it, or it got its body after
// From.
func (e *Extractor) counts(ev *Event) bool {
	if e.emit(ev.Line) {
		return true
	}
	r := &e.rs
	return r.on && r.wait > 0 && int64(ev.Line) == r.wait &&
		(r.wait == r.held || r.waitBodyless && ev.HasBody && failed(ev.Status))
}

// failed reports whether st is the status of a failed response (or of no
// known status), whose body is classified.
func failed(st int) bool { return st < 200 || st >= 400 }

// settled reports whether the input read to its end, e.lr.stats.Bytes
// bytes, is complete as it is: not resumed as one still being written, or
// unchanged since the earlier run.
func (e *Extractor) settled() bool {
	return !e.rs.growing || e.lr.stats.Bytes == e.rs.end
}

// fromEdge notes, as the Window's From is reached, the response pending
// there, and whether it was still waiting for its body: a body record
// open there began before From, and the earlier run, which ended there,
// read it.
func (e *Extractor) fromEdge() {
	if e.rs.on && e.rs.heldBack >= 0 {
		e.rs.held = e.ws.FromLine - 1 - e.rs.heldBack
	}
	if p := &e.resp[e.cur]; e.rs.on && p.active {
		e.rs.wait, e.rs.waitBodyless = int64(p.ev.Line), !p.ev.HasBody && !e.body.active
	}
}

// flushEnd queues the pending response at the end of the input, unless
// the input may still be written and the response, one that would be
// returned, is still waiting for its body: then it stays pending, for Mark
// to hold for the next run.
func (e *Extractor) flushEnd() {
	p := &e.resp[e.cur]
	if p.active && !p.ev.HasBody && !e.settled() && e.counts(&p.ev) {
		return
	}
	e.flush()
}

// leaveLast reports whether line, just read, is the input's last line,
// without a newline, to be left for a later run, and if so counts it as
// a record when it starts one.
func (e *Extractor) leaveLast(line []byte) bool {
	if !e.rs.on || !e.lr.stats.NoFinalNewline || e.settled() {
		return false
	}
	e.rs.skipped = true
	if e.header(line) {
		e.recs++
	}
	return true
}
