package follow

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"sync"
	"time"

	"synclog/internal/state"
)

// fileID identifies a file whatever its name: device and inode where the
// system has them, else its name.
type fileID struct {
	dev, ino uint64
	name     string
}

// why a tail ended.
const (
	endNone      = iota
	endStopped   // the Follower stopped
	endGone      // the file was rotated away or deleted, and read to its end
	endTruncated // the file shrank below what was read (copytruncate)
	endOnce      // a compressed file, read once
)

// segment is one reading of a log: a file followed from one offset until
// it is rotated away, truncated or the Follower stops, or a compressed
// file read once. Its head is the first bytes of what it reads (up to
// state.FingerprintBytes), so that a copy of the same log (a rotated,
// compressed copy) waits for it to end; done is closed when it has.
type segment struct {
	mu   sync.Mutex
	head []byte
	done chan struct{}
}

func newSegment(head []byte) *segment {
	return &segment{head: bytes.Clone(head), done: make(chan struct{})}
}

// matches reports whether head and the segment's head are the start of the
// same log: both non-empty, and the shorter is the start of the longer.
func (g *segment) matches(head []byte) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := min(len(head), len(g.head))
	return n > 0 && bytes.Equal(head[:n], g.head[:n])
}

// Head returns a copy of the segment's head.
func (g *segment) Head() []byte {
	g.mu.Lock()
	defer g.mu.Unlock()
	return bytes.Clone(g.head)
}

// tail reads a file as it grows: at its end it waits for a wake-up
// instead of returning io.EOF, and returns io.EOF only once the file is
// gone (see gone), has shrunk below what was read (copytruncate), or ctx
// is done and what the file held then has been read. It reads with
// ReadAt, at its own offset. Not safe for concurrent use, except seg.
type tail struct {
	ctx    context.Context
	f      *os.File
	off    int64
	wake   *pulse
	gone   func() bool // the file was rotated away or deleted
	seg    *segment
	stopAt int64 // with ctx done: the size to read up to (-1: not yet taken)
	// quiet is how long a file gone must stay unchanged before it ends
	// (a writer may still hold it open); goneSince is when it was last
	// seen gone and unchanged (zero: not since the last read).
	quiet     time.Duration
	goneSince time.Time
	end       int // why it ended (endNone while it runs)
}

func newTail(ctx context.Context, f *os.File, off int64, wake *pulse, gone func() bool, quiet time.Duration) *tail {
	head := make([]byte, state.FingerprintBytes)
	n, _ := f.ReadAt(head, 0)
	return &tail{ctx: ctx, f: f, off: off, wake: wake, gone: gone, seg: newSegment(head[:n]), stopAt: -1, quiet: quiet}
}

// Read reads what the file holds past the tail's offset, waiting for more
// at its end.
func (t *tail) Read(p []byte) (int, error) {
	ending := false // the file is gone: one more read, then io.EOF
	for {
		if t.end != endNone {
			return 0, io.EOF
		}
		if t.ctx.Err() != nil && t.stopAt < 0 {
			t.stopAt = t.size()
		}
		if t.stopAt >= 0 && int64(len(p)) > t.stopAt-t.off {
			p = p[:max(t.stopAt-t.off, 0)]
		}
		wake := t.wake.wait() // taken before the read, so no write is missed
		n, err := 0, error(nil)
		if len(p) > 0 {
			n, err = t.f.ReadAt(p, t.off)
		}
		if n > 0 {
			t.note(p[:n])
			return n, nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
		switch {
		case t.stopAt >= 0:
			t.end = endStopped
		case t.shrunk():
			t.end = endTruncated
		case ending:
			t.end = endGone
		case t.gone():
			if t.goneSince.IsZero() {
				t.goneSince = time.Now()
			}
			left := t.quiet - time.Since(t.goneSince)
			if left <= 0 {
				ending = true
				continue
			}
			select {
			case <-wake:
			case <-time.After(left):
			case <-t.ctx.Done():
			}
		default:
			select {
			case <-wake:
			case <-t.ctx.Done():
			}
		}
	}
}

// size returns the file's size now (-1 when it cannot be told).
func (t *tail) size() int64 {
	fi, err := t.f.Stat()
	if err != nil {
		return -1
	}
	return fi.Size()
}

// shrunk reports whether the file now holds less than was read from it.
func (t *tail) shrunk() bool {
	n := t.size()
	return n >= 0 && n < t.off
}

// note moves the offset past b, just read, and keeps what of b lies in the
// head.
func (t *tail) note(b []byte) {
	if t.off < state.FingerprintBytes {
		g := t.seg
		g.mu.Lock()
		// b covers [off, off+len(b)); the head [0, len(head)).
		if h := int64(len(g.head)); h >= t.off && h < t.off+int64(len(b)) && h < state.FingerprintBytes {
			g.head = append(g.head, b[h-t.off:min(int64(len(b)), state.FingerprintBytes-t.off)]...)
		}
		g.mu.Unlock()
	}
	t.off += int64(len(b))
	t.goneSince = time.Time{}
}

// pulse wakes everyone waiting on it at once.
type pulse struct {
	mu sync.Mutex
	ch chan struct{}
}

func newPulse() *pulse { return &pulse{ch: make(chan struct{})} }

// wait returns a channel closed at the next fire.
func (p *pulse) wait() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ch
}

// fire wakes every waiter.
func (p *pulse) fire() {
	p.mu.Lock()
	defer p.mu.Unlock()
	close(p.ch)
	p.ch = make(chan struct{})
}
