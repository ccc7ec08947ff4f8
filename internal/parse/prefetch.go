package parse

import (
	"io"
	"sync"
)

// Prefetch reads from a reader in a goroutine of its own, ahead of its
// caller, so that decompression on one core overlaps parsing on another.
// It keeps at most a fixed number of buffers in flight, so memory does not
// grow with the input.
//
// Create one with NewPrefetch; read it to the end (io.EOF or an error) or
// call Close. A Prefetch is not safe for concurrent use by several readers.
type Prefetch struct {
	all  []*chunk // every buffer, for Reset
	full chan *chunk
	free chan *chunk
	stop chan struct{}
	wg   sync.WaitGroup
	cur  *chunk
	off  int
	err  error
	// onMark is called, on the reading goroutine, once every byte before
	// a mark has been handed to the caller, and before any byte after it.
	onMark func()
	// src is set when p reads on its caller's goroutine (see ResetSync):
	// it then fills its buffers, one after the other, as they are read.
	src *source
}

// source is what a Prefetch reads and how far: the state of the filling
// of buffers, kept by the goroutine that fills them.
type source struct {
	r          io.Reader
	marked     func() int64
	read, last int64 // bytes read from r before the buffer being filled; the last mark
}

type chunk struct {
	b   []byte
	n   int
	err error
	// mark is the offset in b of the last mark (a verified checksum) the
	// source reached while b was filled, or -1: all bytes before it are
	// verified, none after it.
	mark int
}

// NewPrefetch starts reading r in the background with n buffers of size
// bytes. After filling each buffer it calls marked (on the background
// goroutine), which returns how many bytes of r, from its start, the last
// mark reached so far covers (0: none). onMark is then called on the
// caller's goroutine as soon as the caller has read exactly those bytes:
// a Read stops at a mark, so that no byte after it is handed out before
// onMark has run. Either function may be nil. A nil r makes a Prefetch
// that reads nothing until Reset.
func NewPrefetch(r io.Reader, n, size int, marked func() int64, onMark func()) *Prefetch {
	p := &Prefetch{}
	for range n {
		p.all = append(p.all, &chunk{b: make([]byte, size)})
	}
	p.start(r, marked, onMark)
	return p
}

// Reset stops what p was reading, as Close does, and starts reading r as
// NewPrefetch would, with p's own buffers: one Prefetch reads input after
// input without allocating them again. Bytes p handed out (Peek) are not
// valid after Reset.
func (p *Prefetch) Reset(r io.Reader, marked func() int64, onMark func()) {
	p.Close()
	p.start(r, marked, onMark)
}

// start sets p up to read r, with every buffer free.
func (p *Prefetch) start(r io.Reader, marked func() int64, onMark func()) {
	p.full = make(chan *chunk, len(p.all))
	p.free = make(chan *chunk, len(p.all))
	p.stop = make(chan struct{})
	p.cur, p.off, p.err, p.onMark, p.src = nil, 0, nil, onMark, nil
	for _, c := range p.all {
		p.free <- c
	}
	if r == nil {
		close(p.full) // reads as ended; Close has nothing to wait for
		p.err = io.EOF
		return
	}
	p.wg.Add(1)
	go p.run(&source{r: r, marked: marked})
}

// ResetSync is Reset without the goroutine: p fills its buffers on the
// caller's goroutine, when the caller has read the one before. For an
// input too small to gain from reading ahead (a few hundred KiB), that
// saves the hand-over of every buffer from one goroutine to another, which
// costs more than reading it.
func (p *Prefetch) ResetSync(r io.Reader, marked func() int64, onMark func()) {
	p.Close()
	p.start(nil, marked, onMark)
	if r != nil {
		p.err = nil
		p.src = &source{r: r, marked: marked}
	}
}

// run fills the free buffers from src and hands them to the reader, until
// an error or Close.
func (p *Prefetch) run(src *source) {
	defer p.wg.Done()
	defer close(p.full)
	for {
		var c *chunk
		select {
		case c = <-p.free:
		case <-p.stop:
			return
		}
		src.load(c)
		select {
		case p.full <- c:
		case <-p.stop:
			return
		}
		if c.err != nil {
			return
		}
	}
}

// load fills c from s.r, and notes in it the last mark s.r reached.
func (s *source) load(c *chunk) {
	// The source's own errors (io.ErrUnexpectedEOF from a truncated
	// stream among them) pass through unchanged.
	c.n, c.err = 0, nil
	for empty := 0; c.n < len(c.b) && c.err == nil; {
		var m int
		m, c.err = s.r.Read(c.b[c.n:])
		c.n += m
		if m > 0 {
			empty = 0
		} else if empty++; empty >= 100 && c.err == nil {
			c.err = io.ErrNoProgress
		}
	}
	// A new mark lies within the bytes just read.
	c.mark = -1
	if s.marked != nil {
		if m := s.marked(); m > s.last && m >= s.read && m <= s.read+int64(c.n) {
			c.mark, s.last = int(m-s.read), m
		}
	}
	s.read += int64(c.n)
}

// fill makes p.cur a chunk with bytes left to hand out. It reports false
// at the end of the input or after an error, which p.err then holds.
// A mark reached there is passed first.
func (p *Prefetch) fill() bool {
	for {
		if c := p.cur; c != nil {
			if c.mark >= 0 && p.off >= c.mark {
				c.mark = -1
				if p.onMark != nil {
					p.onMark()
				}
			}
			if p.off < c.n {
				return true
			}
			p.cur = nil
			if c.err != nil {
				p.err = c.err
				return false
			}
			p.free <- c
		}
		if p.err != nil {
			return false
		}
		if p.src != nil {
			c := <-p.free
			p.src.load(c)
			p.cur, p.off = c, 0
			continue
		}
		c, ok := <-p.full
		if !ok {
			p.err = io.ErrClosedPipe
			return false
		}
		p.cur, p.off = c, 0
	}
}

// Read hands out prefetched bytes, up to the next mark.
func (p *Prefetch) Read(b []byte) (int, error) {
	if !p.fill() {
		return 0, p.err
	}
	end := p.cur.n
	if p.cur.mark > p.off {
		end = p.cur.mark
	}
	n := copy(b, p.cur.b[p.off:end])
	p.off += n
	return n, nil
}

// Peek returns up to n bytes that the next Read would return, without
// consuming them: fewer at the end of the input or where they would span
// two buffers (at the start of the input, n up to the buffer size fits).
func (p *Prefetch) Peek(n int) []byte {
	if !p.fill() {
		return nil
	}
	return p.cur.b[p.off:min(p.cur.n, p.off+n)]
}

// Close stops the background reader and waits for it to return. It does
// not close the source: a read blocked in it must be unblocked by its
// owner.
func (p *Prefetch) Close() {
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	p.wg.Wait()
}
