package parse

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

func readAll(t *testing.T, lr *LineReader) (lines []string, cuts int, err error) {
	t.Helper()
	for {
		line, cut, err := lr.ReadLine()
		if err != nil {
			return lines, cuts, err
		}
		if cut {
			cuts++
		}
		lines = append(lines, string(line))
	}
}

func TestLineReader(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		buf     int
		max     int
		want    []string
		stats   LineStats
		wantCut int
	}{
		{name: "empty", in: "", want: nil},
		{name: "no final newline", in: "a\nb", want: []string{"a", "b"},
			stats: LineStats{Lines: 2, Bytes: 3, NoFinalNewline: true, Partial: 1}},
		{name: "crlf and lone cr", in: "a\r\nb\rc\r\n\r\n", want: []string{"a", "b\rc", ""},
			stats: LineStats{Lines: 3, Bytes: 10, CRLF: 3}},
		{name: "nul and invalid utf-8 pass through", in: "\x00\xff\xfe\n", want: []string{"\x00\xff\xfe"},
			stats: LineStats{Lines: 1, Bytes: 4}},
		{name: "line longer than the buffer is assembled", in: strings.Repeat("x", 100) + "\nok\n", buf: 16, max: 1000,
			want: []string{strings.Repeat("x", 100), "ok"}, stats: LineStats{Lines: 2, Bytes: 104}},
		{name: "line over the cap is cut and reading goes on", in: strings.Repeat("y", 100) + "\nok\n", buf: 16, max: 40,
			want: []string{strings.Repeat("y", 40), "ok"}, stats: LineStats{Lines: 2, Bytes: 104, LongLines: 1}, wantCut: 1},
		{name: "long last line without newline", in: "a\n" + strings.Repeat("z", 50), buf: 16, max: 20,
			want: []string{"a", strings.Repeat("z", 20)}, stats: LineStats{Lines: 2, Bytes: 52, LongLines: 1, NoFinalNewline: true, Partial: 50}, wantCut: 1},
		{name: "line exactly at the cap is whole", in: strings.Repeat("w", 40) + "\n", buf: 16, max: 40,
			want: []string{strings.Repeat("w", 40)}, stats: LineStats{Lines: 1, Bytes: 41}},
		{name: "cap plus one is cut", in: strings.Repeat("w", 41) + "\n", buf: 16, max: 40,
			want: []string{strings.Repeat("w", 40)}, stats: LineStats{Lines: 1, Bytes: 42, LongLines: 1}, wantCut: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lr := NewLineReader(strings.NewReader(tc.in), tc.buf)
			if tc.max > 0 {
				lr.MaxLineBytes = tc.max
			}
			got, cuts, err := readAll(t, lr)
			if err != io.EOF {
				t.Fatalf("err = %v, want io.EOF", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
			if cuts != tc.wantCut {
				t.Errorf("cut lines = %d, want %d", cuts, tc.wantCut)
			}
			if diff := cmp.Diff(tc.stats, lr.Stats()); diff != "" {
				t.Errorf("stats (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLineReaderOneByteReads proves the reader does not depend on how the
// source splits its reads.
func TestLineReaderOneByteReads(t *testing.T) {
	in := "1\t2\r\n" + strings.Repeat("q", 70) + "\nlast"
	lr := NewLineReader(iotest.OneByteReader(strings.NewReader(in)), 16)
	got, _, err := readAll(t, lr)
	if err != io.EOF {
		t.Fatalf("err = %v", err)
	}
	want := []string{"1\t2", strings.Repeat("q", 70), "last"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
}

// TestLineReaderReadError checks that a read error is returned, not taken
// for the end of the input, and that the lines before it are kept.
func TestLineReaderReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("a\nb\npart"), iotest.ErrReader(boom))
	lr := NewLineReader(r, 0)
	got, _, err := readAll(t, lr)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if diff := cmp.Diff([]string{"a", "b"}, got); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
}

// TestLineReaderZeroAllocs checks the hot loop allocates nothing per line.
func TestLineReaderZeroAllocs(t *testing.T) {
	data := strings.Repeat("1756106023249\tSync.Resource\tDEBUG\tGET success 200 https://x/1.5/1/info/collections\n", 1000)
	r := strings.NewReader(data)
	lr := NewLineReader(r, 0)
	allocs := testing.AllocsPerRun(5, func() {
		r.Reset(data)
		lr.Reset(r)
		for {
			if _, _, err := lr.ReadLine(); err != nil {
				break
			}
		}
	})
	if allocs != 0 {
		t.Errorf("allocs per 1000 lines = %v, want 0", allocs)
	}
}
