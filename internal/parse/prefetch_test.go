package parse

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// marker is a reader that reports a mark after every read that ends at a
// multiple of every bytes, like a checksum verified at a member's end.
type marker struct {
	r     io.Reader
	n     int
	every int
	mark  bool
}

func (m *marker) Read(p []byte) (int, error) {
	if len(p) > m.every-m.n%m.every {
		p = p[:m.every-m.n%m.every]
	}
	n, err := m.r.Read(p)
	m.n += n
	if n > 0 && m.n%m.every == 0 {
		m.mark = true
	}
	return n, err
}

func TestPrefetch(t *testing.T) {
	data := strings.Repeat("0123456789", 1000)
	src := &marker{r: strings.NewReader(data), every: 1000}
	var handed int // bytes handed to the caller when each mark fired
	var marks []int
	p := NewPrefetch(src, 3, 256, func() bool { m := src.mark; src.mark = false; return m }, func() { marks = append(marks, handed) })
	defer p.Close()
	var got bytes.Buffer
	buf := make([]byte, 100)
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
	if got.String() != data {
		t.Fatalf("data differs")
	}
	// Every mark fires only once all the bytes before it were handed out.
	if len(marks) != 10 {
		t.Fatalf("marks = %v, want 10", marks)
	}
	for i, at := range marks {
		if at < (i+1)*1000 {
			t.Errorf("mark %d fired after %d bytes, before its %d bytes were read", i, at, (i+1)*1000)
		}
	}
}

// TestPrefetchErrors checks that the source's errors, io.ErrUnexpectedEOF
// included, reach the caller after the data read before them.
func TestPrefetchErrors(t *testing.T) {
	boom := errors.New("boom")
	for _, want := range []error{io.ErrUnexpectedEOF, boom} {
		r := io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(want))
		p := NewPrefetch(r, 2, 2, nil, nil)
		got, err := io.ReadAll(p)
		p.Close()
		if string(got) != "abc" || !errors.Is(err, want) {
			t.Errorf("got %q, %v; want \"abc\", %v", got, err, want)
		}
	}
	p := NewPrefetch(iotest.ErrReader(nil), 1, 8, nil, nil)
	if _, err := io.ReadAll(p); !errors.Is(err, io.ErrNoProgress) {
		t.Errorf("a source that never progresses: err = %v, want io.ErrNoProgress", err)
	}
	p.Close()
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
