package cli

import (
	"crypto/sha256"
	"sync"
	"time"

	"synclog/internal/scan"
	"synclog/internal/state"
)

// stateRetention is how long an input unseen is remembered in --state.
const stateRetention = 90 * 24 * time.Hour

// resumer adapts a state.State to scan.Resumer, for concurrent scans.
//
// Two inputs of one run with the same first bytes (a rotated log and its
// compressed copy, the same file named twice) are one log: the second is
// read only once the first is done, from where the first left it, so that
// nothing in them is counted twice, whichever is scanned first. Inputs are
// known by the SHA-256 of their first bytes (state.Head.Sum), hashed once
// per input.
type resumer struct {
	mu   sync.Mutex
	free *sync.Cond // signalled when an input leaves busy, if one waits
	wait int        // how many inputs wait in Resume
	st   *state.State
	busy map[[sha256.Size]byte]state.Ref // the first bytes being read → the entry they were found by
	ran  map[[sha256.Size]byte]string    // entries updated in this run → by which input
}

func resumerOf(st *state.State) scan.Resumer {
	if st == nil {
		return nil
	}
	r := &resumer{st: st, busy: make(map[[sha256.Size]byte]state.Ref), ran: make(map[[sha256.Size]byte]string)}
	r.free = sync.NewCond(&r.mu)
	return r
}

func (r *resumer) Resume(head state.Head) (scan.Point, string) {
	k := head.Sum()
	r.mu.Lock()
	defer r.mu.Unlock()
	for {
		if _, ok := r.busy[k]; !ok {
			break
		}
		r.wait++
		r.free.Wait()
		r.wait--
	}
	e, ref := r.st.FindRef(head)
	r.busy[k] = ref
	if e == nil {
		return scan.Point{}, ""
	}
	var by string
	if sum, ok := state.SumOf(e); ok {
		by = r.ran[sum]
	}
	return scan.PointOf(e), by
}

func (r *resumer) Done(head state.Head, name string, p scan.Point, read bool) {
	k := head.Sum()
	r.mu.Lock()
	defer r.mu.Unlock()
	if read {
		r.st.UpdateRef(head, r.busy[k], name, p.Position(), time.Now())
		// The entry is head's own now, whatever it was found by.
		r.ran[k] = name
	}
	delete(r.busy, k)
	if r.wait > 0 {
		r.free.Broadcast()
	}
}
