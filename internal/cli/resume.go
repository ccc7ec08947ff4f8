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
type resumer struct {
	mu sync.Mutex
	st *state.State
}

func resumerOf(st *state.State) scan.Resumer {
	if st == nil {
		return nil
	}
	return &resumer{st: st}
}

func (r *resumer) Offset(head []byte) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e := r.st.Find(head); e != nil {
		return e.Offset
	}
	return 0
}

func (r *resumer) Read(head []byte, name string, offset, lines int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.st.Update(head, name, offset, lines, time.Now())
}
