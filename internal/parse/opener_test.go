package parse

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

func gzipBytes(t testing.TB, parts ...string) []byte {
	t.Helper()
	var out bytes.Buffer
	for _, p := range parts {
		w := gzip.NewWriter(&out)
		if _, err := io.WriteString(w, p); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return out.Bytes()
}

func zstdBytes(t testing.TB, parts ...string) []byte {
	t.Helper()
	var out bytes.Buffer
	for _, p := range parts {
		w, err := zstd.NewWriter(&out)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, p); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return out.Bytes()
}

// skippable returns a zstd skippable frame holding payload.
func skippable(payload string) []byte {
	b := []byte{0x50, 0x2a, 0x4d, 0x18, 0, 0, 0, 0}
	binary.LittleEndian.PutUint32(b[4:], uint32(len(payload)))
	return append(b, payload...)
}

// TestOpener checks the content and format of each input, and the
// decoded offsets that OnVerified reports: each gzip member's end, and a
// zstd input's end.
func TestOpener(t *testing.T) {
	const a, b = "first half\n", "second half\n"
	na, nab := int64(len(a)), int64(len(a+b))
	tests := []struct {
		name     string
		in       []byte
		format   Format
		want     string
		verified []int64
	}{
		{"plain", []byte(a + b), Plain, a + b, nil},
		{"empty", nil, Plain, "", nil},
		{"one byte", []byte{0x1f}, Plain, "\x1f", nil},
		{"gzip multi-member", gzipBytes(t, a, b), Gzip, a + b, []int64{na, nab}},
		{"gzip empty member", gzipBytes(t, ""), Gzip, "", []int64{0}},
		{"gzip empty members between", gzipBytes(t, a, "", "", b), Gzip, a + b, []int64{na, na, na, nab}},
		{"zstd multi-frame", zstdBytes(t, a, b), Zstd, a + b, []int64{nab}},
		{"zstd skippable between frames", append(append(zstdBytes(t, a), skippable("meta")...), zstdBytes(t, b)...), Zstd, a + b, []int64{nab}},
		{"zstd skippable first", append(skippable("meta"), zstdBytes(t, a)...), Zstd, a, []int64{na}},
	}
	op, err := NewOpener(OpenerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	var verified []int64
	op.OnVerified = func(n int64) { verified = append(verified, n) }
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			verified = nil
			r, f, err := op.Open(bytes.NewReader(tc.in))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if f != tc.format {
				t.Errorf("format = %v, want %v", f, tc.format)
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if string(got) != tc.want {
				t.Errorf("content = %q, want %q", got, tc.want)
			}
			if op.Offset() != int64(len(tc.in)) {
				t.Errorf("Offset = %d, want %d", op.Offset(), len(tc.in))
			}
			if !slices.Equal(verified, tc.verified) {
				t.Errorf("verified at %v, want %v", verified, tc.verified)
			}
		})
	}
}

// TestOpenerTruncated checks that a cut compressed file yields a prefix of
// its content and then an error, never a silent clean end.
func TestOpenerTruncated(t *testing.T) {
	var content bytes.Buffer
	for i := 0; content.Len() < 200<<10; i++ {
		content.WriteString("1756106023249\tSync.Resource\tDEBUG\tGET success 200 https://example.com/1.5/1/storage/x?i=")
		content.WriteString(string(rune('a' + i%26)))
		content.WriteString("\n")
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"gzip", gzipBytes(t, content.String())},
		{"zstd", zstdBytes(t, content.String())},
	} {
		for _, keep := range []int{5, len(tc.data) / 2, len(tc.data) - 4} {
			op, err := NewOpener(OpenerOptions{})
			if err != nil {
				t.Fatal(err)
			}
			r, _, err := op.Open(bytes.NewReader(tc.data[:keep]))
			var got []byte
			if err == nil {
				got, err = io.ReadAll(r)
			}
			op.Close()
			if err == nil {
				t.Errorf("%s cut at %d: no error", tc.name, keep)
				continue
			}
			if !bytes.HasPrefix(content.Bytes(), got) {
				t.Errorf("%s cut at %d: decoded data is not a prefix of the original", tc.name, keep)
			}
		}
	}
}

// TestOpenerWindowLimit checks that a zstd frame asking for a window over
// the limit is refused.
func TestOpenerWindowLimit(t *testing.T) {
	// A frame header declaring a 512 MiB window (exponent 19), then one raw
	// last block of 2 bytes: 13 bytes that would make a naive decoder
	// allocate 512 MiB.
	frame := []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 19 << 3, 0x11, 0x00, 0x00, 'x', '\n'}
	op, err := NewOpener(OpenerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	r, _, err := op.Open(bytes.NewReader(frame))
	if err == nil {
		_, err = io.ReadAll(r)
	}
	if err == nil || !errors.Is(err, zstd.ErrWindowSizeExceeded) {
		t.Errorf("err = %v, want window size exceeded", err)
	}
}

// TestOpenerMemberEnds checks that the ends of gzip members are where the
// members end in the compressed input: decoding from the last but one
// gives the last member's content.
func TestOpenerMemberEnds(t *testing.T) {
	var raw bytes.Buffer
	var texts []string
	for i, n := range []int{5000, 70000, 3000} {
		text := strings.Repeat(fmt.Sprintf("member %d line\n", i), n/15)
		texts = append(texts, text)
		zw := gzip.NewWriter(&raw)
		zw.Write([]byte(text))
		zw.Close()
	}
	o, err := NewOpener(OpenerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	var prev, last Boundary
	for _, r := range []io.Reader{bytes.NewReader(raw.Bytes()), iotest.OneByteReader(bytes.NewReader(raw.Bytes()))} {
		dec, _, err := o.Open(r)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, dec); err != nil {
			t.Fatal(err)
		}
		prev, last = o.MemberEnds()
		wantLast := Boundary{Raw: int64(raw.Len()), Decoded: int64(len(texts[0]) + len(texts[1]) + len(texts[2]))}
		if last != wantLast || prev.Decoded != int64(len(texts[0])+len(texts[1])) {
			t.Fatalf("MemberEnds = %+v, %+v; want the last at %+v, the one before after %d decoded bytes", prev, last, wantLast, len(texts[0])+len(texts[1]))
		}
	}
	dec, _, err := o.Open(bytes.NewReader(raw.Bytes()[prev.Raw:]))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(dec); err != nil || string(got) != texts[2] {
		t.Fatalf("from the last but one member end: %d bytes, %v; want the last member's %d", len(got), err, len(texts[2]))
	}
}
