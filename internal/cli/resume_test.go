package cli

import (
	"bytes"
	"testing"
	"time"

	"synclog/internal/parse"
	"synclog/internal/state"
)

// TestResumerOneAtATime: a second input with the same first bytes waits
// until the first is done, then starts where it ended, and is told so; an
// input with other first bytes does not wait.
func TestResumerOneAtATime(t *testing.T) {
	r := resumerOf(&state.State{})
	head := bytes.Repeat([]byte("1756106023249\tSync.Service\tINFO\tStarting sync\n"), 100)
	if m, by := r.Resume(head); m != (parse.Mark{}) || by != "" {
		t.Fatalf("first Resume = %+v, %q; want nothing", m, by)
	}
	type answer struct {
		m  parse.Mark
		by string
	}
	got := make(chan answer)
	go func() {
		m, by := r.Resume(head)
		got <- answer{m, by}
	}()
	if m, _ := r.Resume([]byte("other\n")); m != (parse.Mark{}) {
		t.Errorf("another log: Resume = %+v", m)
	}
	r.Done([]byte("other\n"), "other.log", parse.Mark{}, false)
	select {
	case a := <-got:
		t.Fatalf("second Resume returned %+v before the first was done", a)
	case <-time.After(50 * time.Millisecond):
	}
	end := parse.Mark{Offset: 9000, Lines: 90, Held: 88, End: 9000}
	r.Done(head, "sync.log.1", end, true)
	a := <-got
	if a.m != end || a.by != "sync.log.1" {
		t.Errorf("second Resume = %+v, %q; want %+v, %q", a.m, a.by, end, "sync.log.1")
	}
	r.Done(head, "sync.log.1.gz", parse.Mark{}, false)
	if m, by := r.Resume(head); m != end || by != "sync.log.1" {
		t.Errorf("third Resume = %+v, %q; want the first's mark", m, by)
	}
}
