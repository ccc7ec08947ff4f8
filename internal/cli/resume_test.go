package cli

import (
	"bytes"
	"testing"
	"time"

	"synclog/internal/parse"
	"synclog/internal/scan"
	"synclog/internal/state"
)

// TestResumerOneAtATime: a second input with the same first bytes waits
// until the first is done, then starts where it ended, and is told so; an
// input with other first bytes does not wait.
func TestResumerOneAtATime(t *testing.T) {
	r := resumerOf(&state.State{})
	head := state.HeadOf(bytes.Repeat([]byte("1756106023249\tSync.Service\tINFO\tStarting sync\n"), 100))
	other := state.HeadOf([]byte("other\n"))
	if m, by := r.Resume(head); m != (scan.Point{}) || by != "" {
		t.Fatalf("first Resume = %+v, %q; want nothing", m, by)
	}
	type answer struct {
		m  scan.Point
		by string
	}
	got := make(chan answer)
	go func() {
		m, by := r.Resume(head)
		got <- answer{m, by}
	}()
	if m, _ := r.Resume(other); m != (scan.Point{}) {
		t.Errorf("another log: Resume = %+v", m)
	}
	r.Done(other, "other.log", scan.Point{}, false)
	select {
	case a := <-got:
		t.Fatalf("second Resume returned %+v before the first was done", a)
	case <-time.After(50 * time.Millisecond):
	}
	// Tail and File come back as they were kept.
	end := scan.Point{Mark: parse.Mark{Offset: 9000, Lines: 90, Held: 88, End: 9000},
		Tail: state.TailSum(head.Bytes()), File: state.File{Dev: 1, Ino: 2, Size: 9000, MTime: 3}}
	r.Done(head, "sync.log.1", end, true)
	a := <-got
	if a.m != end || a.by != "sync.log.1" {
		t.Errorf("second Resume = %+v, %q; want %+v, %q", a.m, a.by, end, "sync.log.1")
	}
	r.Done(head, "sync.log.1.gz", scan.Point{}, false)
	if m, by := r.Resume(head); m != end || by != "sync.log.1" {
		t.Errorf("third Resume = %+v, %q; want the first's mark", m, by)
	}
}
