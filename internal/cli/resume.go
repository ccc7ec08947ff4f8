package cli

import (
	"sync"
	"time"

	"synclog/internal/parse"
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

func (r *resumer) Resume(head []byte) (parse.Mark, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.st.Find(head)
	if e == nil {
		return parse.Mark{}, ""
	}
	return parse.Mark{Offset: e.Offset, Lines: e.Lines, Held: e.Held, End: e.End}, ""
}

func (r *resumer) Done(head []byte, name string, m parse.Mark, read bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if read {
		r.st.Update(head, name, state.Position{Offset: m.Offset, Lines: m.Lines, Held: m.Held, End: m.End}, time.Now())
	}
}
