package cli

import (
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
// nothing in them is counted twice, whichever is scanned first.
type resumer struct {
	mu   sync.Mutex
	st   *state.State
	busy map[string]chan struct{} // first bytes being read → closed when done
	ran  map[string]string        // entry hashes updated in this run → by which input
}

func resumerOf(st *state.State) scan.Resumer {
	if st == nil {
		return nil
	}
	return &resumer{st: st, busy: make(map[string]chan struct{}), ran: make(map[string]string)}
}

// key is what inputs with the same first bytes share.
func key(head []byte) string { return string(head[:min(len(head), state.FingerprintBytes)]) }

func (r *resumer) Resume(head []byte) (scan.Point, string) {
	k := key(head)
	r.mu.Lock()
	defer r.mu.Unlock()
	for {
		done, ok := r.busy[k]
		if !ok {
			break
		}
		r.mu.Unlock()
		<-done
		r.mu.Lock()
	}
	r.busy[k] = make(chan struct{})
	e := r.st.Find(head)
	if e == nil {
		return scan.Point{}, ""
	}
	return scan.PointOf(e), r.ran[e.Hash]
}

func (r *resumer) Done(head []byte, name string, p scan.Point, read bool) {
	k := key(head)
	r.mu.Lock()
	defer r.mu.Unlock()
	if read {
		r.ran[r.st.Update(head, name, p.Position(), time.Now())] = name
	}
	if done, ok := r.busy[k]; ok {
		close(done)
		delete(r.busy, k)
	}
}
