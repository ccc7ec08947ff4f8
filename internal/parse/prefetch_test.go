package parse

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// prefetchModes start a Prefetch of n buffers of size bytes on r, reading
// ahead on a goroutine of its own (Reset) or on the caller's (ResetSync):
// the two must hand out the same bytes, marks and errors.
var prefetchModes = []struct {
	name  string
	start func(r io.Reader, n, size int, marked func() int64, onMark func()) *Prefetch
}{
	{"ahead", NewPrefetch},
	{"sync", func(r io.Reader, n, size int, marked func() int64, onMark func()) *Prefetch {
		p := NewPrefetch(nil, n, size, nil, nil)
		p.ResetSync(r, marked, onMark)
		return p
	}},
}

// marker is a reader that marks the offset of every read that ends at a
// multiple of every bytes, like a checksum verified at a member's end.
type marker struct {
	r     io.Reader
	n     int
	every int
	at    int64 // the last mark
}

func (m *marker) Read(p []byte) (int, error) {
	if len(p) > m.every-m.n%m.every {
		p = p[:m.every-m.n%m.every]
	}
	n, err := m.r.Read(p)
	m.n += n
	if n > 0 && m.n%m.every == 0 {
		m.at = int64(m.n)
	}
	return n, err
}

// TestPrefetch checks that the data comes through whole, and that each
// mark fires once the caller has read exactly the bytes before it, and
// before it is handed any byte after it, wherever the mark falls in a
// buffer: a Read stops there. Of several marks within one buffer the last
// one fires.
func TestPrefetch(t *testing.T) {
	for _, mode := range prefetchModes {
		t.Run(mode.name, func(t *testing.T) { testPrefetch(t, mode.start) })
	}
}

func testPrefetch(t *testing.T, start func(io.Reader, int, int, func() int64, func()) *Prefetch) {
	data := strings.Repeat("0123456789", 1000)
	for _, tc := range []struct {
		every, size int
		want        []int
	}{
		{1000, 256, []int{1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000}},
		{1000, 1000, []int{1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000}},
		{300, 1024, []int{900, 1800, 3000, 3900, 5100, 6000, 6900, 8100, 9000, 9900}},
	} {
		src := &marker{r: strings.NewReader(data), every: tc.every}
		var handed int // bytes handed to the caller when each mark fired
		var marks []int
		p := start(src, 3, tc.size, func() int64 { return src.at }, func() { marks = append(marks, handed) })
		var got bytes.Buffer
		buf := make([]byte, 64)
		for {
			n, err := p.Read(buf)
			got.Write(buf[:n])
			handed += n
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		p.Close()
		if got.String() != data {
			t.Fatalf("every %d, buffers of %d: data differs", tc.every, tc.size)
		}
		if !slices.Equal(marks, tc.want) {
			t.Errorf("every %d, buffers of %d: marks fired after %v bytes, want %v", tc.every, tc.size, marks, tc.want)
		}
	}
}

// TestPrefetchErrors checks that the source's errors, io.ErrUnexpectedEOF
// included, reach the caller after the data read before them.
func TestPrefetchErrors(t *testing.T) {
	boom := errors.New("boom")
	for _, mode := range prefetchModes {
		for _, want := range []error{io.ErrUnexpectedEOF, boom} {
			r := io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(want))
			p := mode.start(r, 2, 2, nil, nil)
			got, err := io.ReadAll(p)
			p.Close()
			if string(got) != "abc" || !errors.Is(err, want) {
				t.Errorf("%s: got %q, %v; want \"abc\", %v", mode.name, got, err, want)
			}
		}
		p := mode.start(iotest.ErrReader(nil), 1, 8, nil, nil)
		if _, err := io.ReadAll(p); !errors.Is(err, io.ErrNoProgress) {
			t.Errorf("%s: a source that never progresses: err = %v, want io.ErrNoProgress", mode.name, err)
		}
		p.Close()
	}
}

// TestPrefetchClose checks that Close stops the reader mid-stream.
func TestPrefetchClose(t *testing.T) {
	p := NewPrefetch(strings.NewReader(strings.Repeat("x", 1<<20)), 2, 16, nil, nil)
	buf := make([]byte, 4)
	if _, err := p.Read(buf); err != nil {
		t.Fatal(err)
	}
	p.Close() // must return, though the source has more
}

// TestPrefetchReset checks that a Prefetch reads one input after another
// with the same buffers: from idle, after a read to the end, after an
// error, and in the middle of an input, reading ahead or not.
func TestPrefetchReset(t *testing.T) {
	p := NewPrefetch(nil, 3, 5, nil, nil)
	if got, err := io.ReadAll(p); len(got) != 0 || err != nil {
		t.Errorf("idle: read %q, %v; want nothing", got, err)
	}
	long := strings.Repeat("0123456789", 100)
	for i, tc := range []struct {
		r    io.Reader
		read int // bytes read before the next Reset; -1: to the end
		want string
	}{
		{strings.NewReader(long), -1, long},
		{io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(io.ErrUnexpectedEOF)), -1, "abc"},
		{strings.NewReader(long), 7, long[:7]},
		{strings.NewReader("short"), -1, "short"},
	} {
		// Each input is read the other way from the one before.
		if i%2 == 0 {
			p.Reset(tc.r, nil, nil)
		} else {
			p.ResetSync(tc.r, nil, nil)
		}
		var got []byte
		if tc.read < 0 {
			got, _ = io.ReadAll(p)
		} else {
			got = make([]byte, tc.read)
			if _, err := io.ReadFull(p, got); err != nil {
				t.Fatal(err)
			}
		}
		if string(got) != tc.want {
			t.Errorf("input %d: read %q, want %q", i, got, tc.want)
		}
	}
	p.Close()
	if n := testing.AllocsPerRun(10, func() {
		p.Reset(strings.NewReader(long), nil, nil)
		io.Copy(io.Discard, p)
	}); n > 12 {
		t.Errorf("Reset and read: %v allocations, want its channels and goroutine only (buffers reused)", n)
	}
	p.Close()
}
