package parse

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Run the fuzzers with, for example:
//
//	go test ./internal/parse -run XXX -fuzz FuzzExtract -fuzztime 60s
//	go test ./internal/parse -run XXX -fuzz FuzzOpen -fuzztime 60s
//
// A crasher is written to testdata/fuzz/FuzzX/; keep it there, so that the
// plain `go test` replays it.

// fixtureLogs returns the plain fixtures of testdata/logs.
func fixtureLogs(f *testing.F, pattern string) [][]byte {
	f.Helper()
	names, err := filepath.Glob(filepath.Join("..", "..", "testdata", "logs", pattern))
	if err != nil {
		f.Fatal(err)
	}
	if len(names) == 0 {
		f.Fatalf("no fixtures match testdata/logs/%s", pattern)
	}
	var out [][]byte
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// extractSeeds are inputs that sit on the edges of the record grammar.
var extractSeeds = []string{
	"",
	"\n",
	"\r\n",
	"\x00",
	"\xff\xfe\xfd\n",
	"1756106023249",
	"1756106023249\n",
	"1756106023249\tSync.Resource\tDEBUG",
	"1756106023249\tSync.Resource\tDEBUG\t",
	"2009-11-03 14:22:05",
	"2009-11-03 14:22:05.123\tService.Main\tDEBUG\tGET fail 503 x\n",
	"1756106023249\tSync.Resource\tDEBUG\tGET fail 503 \r\n",
	"1756106023249\tSync.Resource\tDEBUG\tGET fail 503 ",
	"1756106023249\tSync.Resource\tDEBUG\tmesg: ",
	"1756106023249\tSync.Resource\tDEBUG\tmesg: GET fail 503 ",
	"1756106023249\tSync.Resource\tDEBUG\tGET request to ",
	"1756106023249\tSync.Resource\tDEBUG\tGET request to x failed with status ",
	"1756106023249\tSync.Resource\tDEBUG\tGET request to x failed: ",
	"1756106023249\tSync.Resource\tTRACE\tGET body:",
	"1756106023249\tSync.Resource\tTRACE\tGET body: \"\x00\xff\"\r\nmore\x00\n\n",
	"1756106023249\tX\tERROR\t{\"response_body\":\"",
	"1756106023249\tX\tERROR\t{\"response_body\":\"\\",
	"1756106023249\tX\tERROR\t{\"response_body\":\"\\u00\",\"response_status\":5",
	"1756106023249\tX\tERROR\t{\"data\":",
	"1756106023249\tX\tERROR\t{\"data\":{\"a\":[1,2,{\"b\":\"c\"}]},\"status\":999,\"url\":\"\\u0041\"}",
	"1756106023249\tX\tERROR\t{\"data\":\"\\\"x\\\"\",\"status\":503,\"url\":\"\xff\"}",
	"1756106023249\tX\tDEBUG\tParse fail: Response body starts: \"",
	"1756106023249\tX\tDEBUG\tParse fail: Response body starts: \"\".",
	"1756106023249\tX\tDEBUG\tParse fail: Response body starts: \"<html>\r\n</html>\".\n",
	"1756106023249\tX\tDEBUG\tUploading records failed: ",
	"1756106023249\tX\tDEBUG\tx failed: \"y\" No traceback available",
	"1756106023249\tX\tDEBUG\tGot Retry-After: ",
	"1756106023249\tX\tDEBUG\tGot Retry-After: 99999999999999999999999999999999999999",
	"1756106023249\tX\tDEBUG\tGot backoff notification: ms",
	"1756106023249\tX\tDEBUG\tGot token response: 5",
	"1756106023249\tX\tDEBUG\tGET http://",
	"1756106023249\tX\tDEBUG\tGET https://x 5000",
	"1756106023249\tX\tDEBUG\tGET fail 503 https://x…\n1756106023249\tX\tDEBUG\tGET fail 503 https://x/y\n",
	"1756106023249\tX\tDEBUG\tPOST fail 503 u\n1756106023250\tX\tTRACE\tPOST body: \"a\"\n1756106023251\tX\tDEBUG\tUploading records failed: \"b\"\n1756106023252\tX\tDEBUG\tUploading records failed: 503\n",
}

// FuzzExtract runs the Extractor over arbitrary text, with tiny caps and
// with the defaults, and checks the invariants that hold for every input:
// no panic; no error from an in-memory reader; Stats().Lines counts the
// lines; every Event points at a line that exists, has a known Kind and a
// plausible status; the body respects MaxBodyBytes and HasBody; and what the
// Event quotes from the log lies within the input.
func FuzzExtract(f *testing.F) {
	for _, log := range fixtureLogs(f, "*.log") {
		f.Add(log)
		lines := bytes.SplitAfter(log, []byte("\n"))
		for i := 0; i+3 <= len(lines); i++ {
			f.Add(bytes.Join(lines[i:i+3], nil))
		}
	}
	for _, s := range extractSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		defer func() {
			if t.Failed() {
				t.Logf("input: %q", in)
			}
		}()
		checkExtract(t, in, Options{MaxLineBytes: 64, MaxBodyBytes: 32})
		// A body cap far below the line cap, so that a body held in one
		// line can exceed it (with the defaults that takes a 64 KiB line).
		checkExtract(t, in, Options{MaxLineBytes: 4096, MaxBodyBytes: 8})
		checkExtract(t, in, Options{})
	})
}

// fuzzEvent is a copy of an Event (whose slices the Extractor reuses).
type fuzzEvent struct {
	Event
	n int // index in the order of emission
}

func checkExtract(t *testing.T, in []byte, opt Options) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("Options%+v: panic: %v\n%s\ninput: %q", opt, r, debug.Stack(), in)
		}
	}()
	maxBody := opt.MaxBodyBytes
	if maxBody <= 0 {
		maxBody = DefaultMaxBodyBytes
	}
	e := NewExtractor(bytes.NewReader(in), "fuzz.log", opt)
	var evs []fuzzEvent
	for e.Next() {
		ev := *e.Event()
		ev.Method, ev.URL, ev.Body, ev.Detail = bytes.Clone(ev.Method), bytes.Clone(ev.URL), bytes.Clone(ev.Body), bytes.Clone(ev.Detail)
		evs = append(evs, fuzzEvent{ev, len(evs)})
	}
	if err := e.Err(); err != nil {
		t.Fatalf("Options%+v: Err() = %v, want nil for an in-memory reader", opt, err)
	}
	if e.Next() {
		t.Errorf("Options%+v: Next() = true after the end", opt)
	}

	st := e.Stats()
	wantLines := int64(bytes.Count(in, []byte("\n")))
	if len(in) > 0 && in[len(in)-1] != '\n' {
		wantLines++
	}
	if st.Lines != wantLines {
		t.Errorf("Options%+v: Stats().Lines = %d, want %d", opt, st.Lines, wantLines)
	}
	if st.Bytes != int64(len(in)) {
		t.Errorf("Options%+v: Stats().Bytes = %d, want %d", opt, st.Bytes, len(in))
	}
	if st.Records > st.Lines {
		t.Errorf("Options%+v: Stats().Records = %d > Lines = %d", opt, st.Records, st.Lines)
	}

	// JSON decoding (the "response_body" and {"data": paths) rewrites
	// escapes and invalid UTF-8, so bodies and URLs are checked against the
	// input only when it has neither.
	verbatim := utf8.Valid(in) && bytes.IndexByte(in, '\\') < 0
	for _, ev := range evs {
		where := func(format string, args ...any) {
			t.Helper()
			t.Errorf("Options%+v: event %d (%s): "+format, append([]any{opt, ev.n, describe(&ev.Event)}, args...)...)
		}
		if ev.Kind != KindResponse && ev.Kind != KindNetworkError && ev.Kind != KindBackoff {
			where("Kind = %d, want one of the three", ev.Kind)
		}
		if ev.File != "fuzz.log" {
			where("File = %q, want %q", ev.File, "fuzz.log")
		}
		if ev.Line < 1 || int64(ev.Line) > st.Lines {
			where("Line = %d, want within 1..%d", ev.Line, st.Lines)
		}
		if ev.Status != 0 && (ev.Status < 100 || ev.Status > 599) {
			where("Status = %d, want 0 or 100..599", ev.Status)
		}
		if ev.Kind != KindResponse && (ev.Status != 0 || ev.HasBody || len(ev.Body) > 0) {
			where("a non-response event has a status or a body")
		}
		if len(ev.Body) > maxBody {
			where("len(Body) = %d > MaxBodyBytes = %d", len(ev.Body), maxBody)
		}
		if len(ev.Body) > 0 && !ev.HasBody {
			where("Body is set but HasBody is false")
		}
		if ev.BodyCut && !ev.HasBody {
			where("BodyCut is set but HasBody is false")
		}
		if !bytes.Contains(in, ev.Method) {
			where("Method %q is not in the input", ev.Method)
		}
		switch ev.Kind {
		case KindBackoff:
			switch string(ev.Detail) {
			case "Retry-After", "X-Weave-Backoff", "backoff-notification":
			default:
				where("Detail = %q, want a backoff source", ev.Detail)
			}
			if ev.Seconds < 0 {
				where("Seconds = %g < 0", ev.Seconds)
			}
		default:
			if !bytes.Contains(in, ev.Detail) {
				where("Detail %q is not in the input", ev.Detail)
			}
		}
		if verbatim || ev.Kind == KindNetworkError {
			if !bytes.Contains(in, ev.URL) {
				where("URL %q is not in the input", ev.URL)
			}
		}
		if verbatim {
			// A body is its lines joined with "\n" (each possibly cut
			// and stripped of "\r"), so each of its lines is in the input.
			for _, part := range bytes.Split(ev.Body, []byte("\n")) {
				if !bytes.Contains(in, part) {
					where("body line %q is not in the input", part)
				}
			}
		}
	}
}

// describe renders an Event for failure messages.
func describe(ev *Event) string {
	return fmt.Sprintf("kind %d, line %d, method %q, status %d, url %q, body %q (has %v, cut %v), detail %q, seconds %g",
		ev.Kind, ev.Line, ev.Method, ev.Status, ev.URL, ev.Body, ev.HasBody, ev.BodyCut, ev.Detail, ev.Seconds)
}

// openSeeds are text inputs for the round trip, beyond the fixtures.
var openSeeds = []string{
	"",
	"\n",
	"\n\n\n",
	"a",
	"a\nb",
	"a\r\nb\r\n",
	"\r",
	"\x00\x00\x00\n\xff\n",
	"1756106023249\tSync.Resource\tDEBUG\tGET fail 503 https://x/1.5/1/storage/bookmarks\n",
}

// FuzzOpen is a round trip: data, taken as text lines, is compressed with
// gzip and with zstd (as one member/frame, or as two split at a fuzzed
// position, optionally with skippable zstd frames before and between), then
// read back through (*Opener).Open and a LineReader. The lines, the
// LineStats and the clean io.EOF must match those of reading data as plain
// text with the same buffer size and MaxLineBytes. The raw data is also fed
// to Open as is, to prove that no input (corrupt headers, bad frames, ...)
// makes the Opener panic.
//
// shape: bit 0 splits in two, bit 1 puts a skippable frame between the zstd
// frames, bit 2 puts one first, bit 3 uses a 16-byte line buffer and a
// MaxLineBytes of 1+split%64.
func FuzzOpen(f *testing.F) {
	for _, log := range fixtureLogs(f, "*.log") {
		f.Add(log, uint16(len(log)/2), uint8(0x7))
		f.Add(log, uint16(len(log)/3), uint8(0xa))
	}
	for _, b := range fixtureLogs(f, "*.log.gz") {
		f.Add(b, uint16(0), uint8(0))
	}
	for _, b := range fixtureLogs(f, "*.log.zst") {
		f.Add(b, uint16(0), uint8(0))
	}
	for i, s := range openSeeds {
		f.Add([]byte(s), uint16(i), uint8(i))
	}
	// Headers that stop early or lie.
	f.Add([]byte{0x1f, 0x8b}, uint16(0), uint8(0))
	f.Add([]byte{0x1f, 0x8b, 8, 0xe0, 0, 0, 0, 0, 0, 0xff}, uint16(0), uint8(0))
	f.Add([]byte{0x28, 0xb5, 0x2f, 0xfd}, uint16(0), uint8(0))
	f.Add([]byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 19 << 3, 0x11, 0x00, 0x00, 'x', '\n'}, uint16(0), uint8(0))
	f.Add([]byte{0x5f, 0x2a, 0x4d, 0x18, 0xff, 0xff, 0xff, 0xff}, uint16(0), uint8(0))

	gz := gzip.NewWriter(io.Discard)
	zw, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	if err != nil {
		f.Fatal(err)
	}
	defer zw.Close()

	f.Fuzz(func(t *testing.T, data []byte, split uint16, shape uint8) {
		defer func() {
			if t.Failed() {
				t.Logf("input: %q split=%d shape=%#x", data, split, shape)
			}
		}()
		// The zstd writer's default window is 8 MiB; a lower limit than the
		// default 128 MiB keeps fuzzed headers from making every exec
		// allocate a huge window.
		op, err := NewOpener(OpenerOptions{MaxWindow: 8 << 20})
		if err != nil {
			t.Fatal(err)
		}
		defer op.Close()

		openRaw(t, op, data)

		bufSize, maxLine := 0, 0
		if shape&8 != 0 {
			bufSize, maxLine = 16, 1+int(split)%64
		}
		want := readLines(t, bytes.NewReader(data), bufSize, maxLine)
		if want.err != io.EOF {
			t.Fatalf("plain read: err = %v, want io.EOF", want.err)
		}

		parts := [][]byte{data}
		if shape&1 != 0 {
			at := int(split) % (len(data) + 1)
			parts = [][]byte{data[:at], data[at:]}
		}
		var gzData, zsData bytes.Buffer
		if shape&4 != 0 {
			zsData.Write(skippableFrame(0x5f, data))
		}
		for i, p := range parts {
			gz.Reset(&gzData)
			mustWrite(t, gz, p)
			if i > 0 && shape&2 != 0 {
				zsData.Write(skippableFrame(0x50+byte(i), p))
			}
			zw.Reset(&zsData)
			mustWrite(t, zw, p)
		}
		for _, tc := range []struct {
			format Format
			comp   []byte
		}{
			{Gzip, gzData.Bytes()},
			{Zstd, zsData.Bytes()},
		} {
			r, format, err := op.Open(bytes.NewReader(tc.comp))
			if err != nil {
				t.Fatalf("%v: Open: %v", tc.format, err)
			}
			if format != tc.format {
				t.Fatalf("%v: format = %v", tc.format, format)
			}
			got := readLines(t, r, bufSize, maxLine)
			if got.err != io.EOF {
				t.Fatalf("%v: read: err = %v, want io.EOF", tc.format, got.err)
			}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(lineResult{}), cmp.Comparer(errors.Is)); diff != "" {
				t.Errorf("%v: lines differ from the plain read (-plain +%v):\n%s", tc.format, tc.format, diff)
			}
			if off := op.Offset(); off != int64(len(tc.comp)) {
				t.Errorf("%v: Offset() = %d at the end, want %d", tc.format, off, len(tc.comp))
			}
		}
	})
}

// openRaw feeds arbitrary bytes to Open and reads what comes out, up to a
// few MiB: nothing may panic, and plain text must pass through unchanged.
func openRaw(t *testing.T, op *Opener, data []byte) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("raw input: panic: %v\n%s", r, debug.Stack())
		}
	}()
	r, format, err := op.Open(bytes.NewReader(data))
	if err != nil {
		if format == Plain {
			t.Errorf("raw input: Open failed (%v) on an input taken for plain text", err)
		}
		return
	}
	got, err := io.ReadAll(io.LimitReader(r, 4<<20))
	if format == Plain && len(data) <= 4<<20 && (err != nil || !bytes.Equal(got, data)) {
		t.Errorf("raw input: plain text did not pass through unchanged (err %v)", err)
	}
}

// lineResult is what a LineReader made of an input.
type lineResult struct {
	lines []string
	cuts  int
	stats LineStats
	err   error
}

func readLines(t *testing.T, r io.Reader, bufSize, maxLine int) lineResult {
	t.Helper()
	lr := NewLineReader(r, bufSize)
	if maxLine > 0 {
		lr.MaxLineBytes = maxLine
	}
	var res lineResult
	for {
		line, cut, err := lr.ReadLine()
		if err != nil {
			res.err = err
			break
		}
		if cut {
			res.cuts++
		}
		res.lines = append(res.lines, string(line))
	}
	res.stats = lr.Stats()
	return res
}

// skippableFrame returns a zstd skippable frame (magic 0x184D2A5?, the low
// nibble taken from magic) holding payload.
func skippableFrame(magic byte, payload []byte) []byte {
	b := []byte{0x50 | magic&0x0f, 0x2a, 0x4d, 0x18, 0, 0, 0, 0}
	binary.LittleEndian.PutUint32(b[4:], uint32(len(payload)))
	return append(b, payload...)
}

func mustWrite(t *testing.T, w io.WriteCloser, p []byte) {
	t.Helper()
	if _, err := w.Write(p); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}
