package parse

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"testing"
	"testing/iotest"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// The tests in this file build damaged inputs in Go (writers plus byte
// surgery, no CLI tools) and run them through Opener and Extractor end to
// end, as the fault matrix of /work/shared/reliability.md asks.

const (
	robustURL  = "https://sync-1-us-west1-g.sync.services.mozilla.com/1.5/987654321/storage/bookmarks?i="
	robustBody = `"server issue: database not in pool"`
)

// logCounts is what a generated log holds.
type logCounts struct {
	lines, events, fail503, backoff int
}

// genLog returns a realistic log of 8*blocks lines. Each block is one sync:
// a 200 with its (dropped) trace body, a 503 told three times (status line,
// body, WARN) whose URL ends in ?i=<block>, and a Retry-After: three events.
func genLog(blocks int) ([]byte, logCounts) {
	var b bytes.Buffer
	ts := int64(1756106000000)
	line := func(logger, level, msg string) {
		ts++
		fmt.Fprintf(&b, "%d\t%s\t%s\t%s\n", ts, logger, level, msg)
	}
	for i := range blocks {
		line("Sync.Service", "INFO", fmt.Sprintf("Starting sync at 2025-08-25 07:13:20 in browser session s%06d", i))
		line("Sync.Resource", "DEBUG", "GET success 200 https://sync-1-us-west1-g.sync.services.mozilla.com/1.5/987654321/info/collections")
		line("Sync.Resource", "TRACE", `GET body: {"bookmarks":1756105990.41,"clients":1756019592.12,"history":1756105988.27}`)
		line("Sync.Engine.Bookmarks", "TRACE", fmt.Sprintf("Record r%06d is not modified", i))
		line("Sync.Resource", "DEBUG", fmt.Sprintf("GET fail 503 %s%d", robustURL, i))
		line("Sync.Resource", "TRACE", "GET body: "+robustBody)
		line("Sync.Resource", "WARN", fmt.Sprintf("GET request to %s%d failed with status 503", robustURL, i))
		line("Sync.ErrorHandler", "DEBUG", "Got Retry-After: 600")
	}
	return b.Bytes(), logCounts{lines: 8 * blocks, events: 3 * blocks, fail503: blocks, backoff: blocks}
}

// pipeResult is what Opener + Extractor made of an input.
type pipeResult struct {
	format  Format
	openErr error
	err     error
	stats   Stats
	integ   Integrity
	events  int
	fail503 int
	backoff int
	// ordered reports that the 503s came with the expected body and with
	// ?i=0, 1, 2, ... in order: what was kept is an exact prefix.
	ordered bool
	first   Event // the first event, slices copied
}

// pipeline runs r through a new Opener and an Extractor, turning a panic
// into a test failure.
func pipeline(t *testing.T, r io.Reader, opt Options) (res pipeResult) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	op, err := NewOpener(OpenerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	dec, format, err := op.Open(r)
	res.format, res.openErr = format, err
	if err != nil {
		return res
	}
	e := NewExtractor(dec, "robust.log", opt)
	res.ordered = true
	for e.Next() {
		ev := e.Event()
		if res.events == 0 {
			res.first = *ev
			res.first.Method, res.first.URL, res.first.Body = bytes.Clone(ev.Method), bytes.Clone(ev.URL), bytes.Clone(ev.Body)
		}
		res.events++
		switch {
		case ev.Kind == KindBackoff:
			res.backoff++
		case ev.Kind == KindResponse && ev.Status == 503:
			want := fmt.Sprintf("%s%d", robustURL, res.fail503)
			if string(ev.URL) != want || string(ev.Body) != robustBody {
				res.ordered = false
			}
			res.fail503++
		}
	}
	res.stats, res.err, res.integ = e.Stats(), e.Err(), op.Integrity()
	return res
}

// check runs one case's expectations, logging the result on failure.
func (res pipeResult) checkErr(t *testing.T, target error) {
	t.Helper()
	if res.err == nil {
		t.Fatalf("Err() = nil, want an error wrapping %v (result %+v)", target, res)
	}
	t.Logf("Err() = %v", res.err)
	if !errors.Is(res.err, target) {
		t.Errorf("Err() = %v, want it to wrap %v", res.err, target)
	}
	var pe *Error
	if !errors.As(res.err, &pe) {
		t.Errorf("Err() = %T, want *Error", res.err)
	} else if pe.Line != res.stats.Lines {
		t.Errorf("Error.Line = %d, want Stats().Lines = %d", pe.Line, res.stats.Lines)
	}
}

func (res pipeResult) checkClean(t *testing.T, format Format, want logCounts) {
	t.Helper()
	if res.openErr != nil {
		t.Fatalf("Open: %v", res.openErr)
	}
	if res.format != format {
		t.Errorf("format = %v, want %v", res.format, format)
	}
	if res.err != nil {
		t.Errorf("Err() = %v, want nil", res.err)
	}
	res.checkAll(t, want)
}

// checkAll checks that every line and event of want was read.
func (res pipeResult) checkAll(t *testing.T, want logCounts) {
	t.Helper()
	if res.stats.Lines != int64(want.lines) {
		t.Errorf("Stats().Lines = %d, want %d", res.stats.Lines, want.lines)
	}
	got := logCounts{lines: int(res.stats.Lines), events: res.events, fail503: res.fail503, backoff: res.backoff}
	if got != want {
		t.Errorf("counts = %+v, want %+v", got, want)
	}
	if !res.ordered {
		t.Errorf("the 503 events are not the source's, in order")
	}
}

// checkPrefix checks that some but not all of want was read, and that what
// was read is an exact prefix.
func (res pipeResult) checkPrefix(t *testing.T, want logCounts) {
	t.Helper()
	if res.events == 0 || res.events >= want.events {
		t.Errorf("events = %d, want some of the %d before the fault", res.events, want.events)
	}
	if res.stats.Lines == 0 || res.stats.Lines >= int64(want.lines) {
		t.Errorf("Stats().Lines = %d, want within 1..%d", res.stats.Lines, want.lines-1)
	}
	if !res.ordered {
		t.Errorf("the 503 events kept are not a prefix of the source's")
	}
}

func flipped(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x55
	return c
}

// gzipMembers compresses data as n members, split at even byte offsets
// (mid-line).
func gzipMembers(t *testing.T, data []byte, n int) []byte {
	t.Helper()
	parts := make([]string, n)
	for i := range n {
		parts[i] = string(data[len(data)*i/n : len(data)*(i+1)/n])
	}
	return gzipBytes(t, parts...)
}

var errDisk = errors.New("robust: simulated EIO")

// failAfter returns a reader of data[:n] that then fails with errDisk.
func failAfter(data []byte, n int) io.Reader {
	return io.MultiReader(bytes.NewReader(data[:n]), iotest.ErrReader(errDisk))
}

func TestRobustGzip(t *testing.T) {
	log, want := genLog(2500) // 20k lines
	gz := gzipBytes(t, string(log))

	t.Run("whole", func(t *testing.T) {
		res := pipeline(t, bytes.NewReader(gz), Options{})
		res.checkClean(t, Gzip, want)
		if res.integ.Members != 1 {
			t.Errorf("Integrity().Members = %d, want 1", res.integ.Members)
		}
	})
	t.Run("truncated at 50%", func(t *testing.T) {
		res := pipeline(t, bytes.NewReader(gz[:len(gz)/2]), Options{})
		res.checkErr(t, io.ErrUnexpectedEOF)
		res.checkPrefix(t, want)
		if s := FaultOf(res.err); s != Truncated {
			t.Errorf("FaultOf = %s, want TRUNCATED", s)
		}
	})
	t.Run("cut inside the header", func(t *testing.T) {
		res := pipeline(t, bytes.NewReader(gz[:5]), Options{})
		if res.openErr == nil {
			t.Fatalf("Open: no error (result %+v)", res)
		}
		t.Logf("Open: %v", res.openErr)
		if !errors.Is(res.openErr, io.ErrUnexpectedEOF) {
			t.Errorf("Open: %v, want unexpected EOF", res.openErr)
		}
	})
	t.Run("trailer missing", func(t *testing.T) {
		res := pipeline(t, bytes.NewReader(gz[:len(gz)-8]), Options{})
		res.checkErr(t, io.ErrUnexpectedEOF)
		res.checkAll(t, want)
	})
	t.Run("byte flipped mid-stream", func(t *testing.T) {
		res := pipeline(t, bytes.NewReader(flipped(gz, len(gz)/2)), Options{})
		if res.err == nil {
			t.Fatalf("Err() = nil, want a checksum or flate error (result %+v)", res)
		}
		t.Logf("Err() = %v", res.err)
		var ce flate.CorruptInputError
		if !errors.Is(res.err, gzip.ErrChecksum) && !errors.As(res.err, &ce) {
			t.Errorf("Err() = %v, want gzip.ErrChecksum or flate.CorruptInputError", res.err)
		}
		if s := FaultOf(res.err); s != Corrupt {
			t.Errorf("FaultOf = %s, want CORRUPT", s)
		}
	})
	t.Run("byte flipped anywhere after the header", func(t *testing.T) {
		// Every flip must end in an error (whichever), never in silence.
		for i := 10; i < len(gz); i += len(gz) / 37 {
			res := pipeline(t, bytes.NewReader(flipped(gz, i)), Options{})
			if res.openErr == nil && res.err == nil {
				t.Errorf("flip at %d of %d: no error", i, len(gz))
			}
		}
	})
	t.Run("trailer CRC flipped", func(t *testing.T) {
		res := pipeline(t, bytes.NewReader(flipped(gz, len(gz)-8)), Options{})
		res.checkErr(t, gzip.ErrChecksum)
		res.checkAll(t, want)
	})
	for _, n := range []int{2, 100} {
		t.Run(fmt.Sprintf("%d members", n), func(t *testing.T) {
			res := pipeline(t, bytes.NewReader(gzipMembers(t, log, n)), Options{})
			res.checkClean(t, Gzip, want)
			if res.integ.Members != n {
				t.Errorf("Integrity().Members = %d, want %d", res.integ.Members, n)
			}
		})
	}
	t.Run("100000 empty members", func(t *testing.T) {
		res := pipeline(t, bytes.NewReader(emptyMembers(t)), Options{})
		res.checkClean(t, Gzip, logCounts{})
		if res.integ.Members != nEmptyMembers {
			t.Errorf("Integrity().Members = %d, want %d", res.integ.Members, nEmptyMembers)
		}
	})
}

const nEmptyMembers = 100000

func emptyMembers(t *testing.T) []byte {
	return bytes.Repeat(gzipBytes(t, ""), nEmptyMembers)
}

// TestRobustGzipEmptyMembersStack reads 100000 empty gzip members with the
// stack capped at 4 MiB, in a child process since a stack overflow is fatal:
// the members must be read in a loop, not by recursion, or a large enough
// file of empty members (about 5 million, 100 MB) crashes the whole run
// (the CVE-2022-30631 class).
func TestRobustGzipEmptyMembersStack(t *testing.T) {
	if os.Getenv("SYNCLOG_STACK_CHILD") == "1" {
		debug.SetMaxStack(4 << 20)
		res := pipeline(t, bytes.NewReader(emptyMembers(t)), Options{})
		res.checkClean(t, Gzip, logCounts{})
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRobustGzipEmptyMembersStack$")
	cmd.Env = append(os.Environ(), "SYNCLOG_STACK_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		if len(out) > 2000 {
			out = out[:2000]
		}
		t.Fatalf("reading %d empty members in a 4 MiB stack: %v\n%s", nEmptyMembers, err, out)
	}
}

func TestRobustZstd(t *testing.T) {
	log, want := genLog(2500) // 20k lines
	zs := zstdBytes(t, string(log))
	if zs[4]&0x04 == 0 {
		t.Fatal("the zstd writer wrote no content checksum")
	}

	t.Run("whole", func(t *testing.T) {
		res := pipeline(t, bytes.NewReader(zs), Options{})
		res.checkClean(t, Zstd, want)
	})
	t.Run("truncated mid-frame", func(t *testing.T) {
		res := pipeline(t, bytes.NewReader(zs[:len(zs)/2]), Options{})
		res.checkErr(t, io.ErrUnexpectedEOF)
		res.checkPrefix(t, want)
	})
	t.Run("checksum missing", func(t *testing.T) {
		res := pipeline(t, bytes.NewReader(zs[:len(zs)-4]), Options{})
		res.checkErr(t, io.ErrUnexpectedEOF)
	})
	t.Run("byte flipped, checksum present", func(t *testing.T) {
		res := pipeline(t, bytes.NewReader(flipped(zs, len(zs)/2)), Options{})
		if res.openErr == nil && res.err == nil {
			t.Fatalf("no error (result %+v)", res)
		}
		t.Logf("Open: %v; Err() = %v", res.openErr, res.err)
		if s := FaultOf(res.err); s != Corrupt {
			t.Errorf("FaultOf = %s, want CORRUPT (err %v)", s, res.err)
		}
	})
	t.Run("byte flipped anywhere after the header", func(t *testing.T) {
		for i := 6; i < len(zs); i += len(zs) / 37 {
			res := pipeline(t, bytes.NewReader(flipped(zs, i)), Options{})
			if res.openErr == nil && res.err == nil {
				t.Errorf("flip at %d of %d: no error", i, len(zs))
			}
		}
	})

	half := len(log) / 2 // mid-line
	a, b := string(log[:half]), string(log[half:])
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	for _, tc := range []struct {
		name string
		in   []byte
		want logCounts
	}{
		{"two frames", zstdBytes(t, a, b), want},
		{"skippable first", cat(skippable("meta"), zstdBytes(t, a, b)), want},
		{"skippable between frames", cat(zstdBytes(t, a), skippable("meta"), skippable(""), zstdBytes(t, b)), want},
		{"skippable last", cat(zstdBytes(t, a, b), skippable("meta")), want},
		{"only a skippable frame", skippable("meta"), logCounts{}},
		{"only an empty skippable frame", skippable(""), logCounts{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := pipeline(t, bytes.NewReader(tc.in), Options{})
			res.checkClean(t, Zstd, tc.want)
		})
	}
}

// TestRobustLongLine checks that a 10 MB line is cut at MaxLineBytes, in
// bounded memory, and that the lines after it are still read.
func TestRobustLongLine(t *testing.T) {
	log, want := genLog(100)
	var in bytes.Buffer
	in.WriteString("1756105999998\tSync.Resource\tDEBUG\tGET fail 500 https://example.com/big\n")
	in.WriteString("1756105999999\tSync.Resource\tTRACE\tGET body: ")
	in.Write(bytes.Repeat([]byte("x"), 10<<20))
	in.WriteString("\n")
	in.Write(log)
	// The first event is the 500, which is not counted in want.
	want.lines += 2
	want.events++

	for _, tc := range []struct {
		name   string
		format Format
		data   []byte
	}{
		{"plain", Plain, in.Bytes()},
		{"gzip", Gzip, gzipBytes(t, in.String())},
		{"zstd", Zstd, zstdBytes(t, in.String())},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := pipeline(t, bytes.NewReader(tc.data), Options{})
			res.checkClean(t, tc.format, want)
			if res.stats.LongLines != 1 {
				t.Errorf("Stats().LongLines = %d, want 1", res.stats.LongLines)
			}
			if f := res.first; f.Status != 500 || !f.HasBody || !f.BodyCut || len(f.Body) != DefaultMaxBodyBytes {
				t.Errorf("first event: status %d, HasBody %v, BodyCut %v, len(Body) %d; want 500, true, true, %d",
					f.Status, f.HasBody, f.BodyCut, len(f.Body), DefaultMaxBodyBytes)
			}

			// The line itself comes back cut to MaxLineBytes.
			op, err := NewOpener(OpenerOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer op.Close()
			dec, _, err := op.Open(bytes.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			lr := NewLineReader(dec, 0)
			if _, _, err := lr.ReadLine(); err != nil {
				t.Fatal(err)
			}
			line, cut, err := lr.ReadLine()
			if err != nil || !cut || len(line) != DefaultMaxLineBytes {
				t.Errorf("long line: len %d, cut %v, err %v; want %d, true, nil", len(line), cut, err, DefaultMaxLineBytes)
			}
			line, cut, err = lr.ReadLine()
			if err != nil || cut || !bytes.HasPrefix(log, append(line, '\n')) {
				t.Errorf("line after the long line: %q, cut %v, err %v; want the first generated line", line, cut, err)
			}
		})
	}
}

// TestRobustBomb is reliability.md's "1 GiB of zeros with no newline",
// scaled down to the expansion-ratio floor: it streams as one cut line in
// bounded memory. Past the floor, the ratio limit stops it.
func TestRobustBomb(t *testing.T) {
	zeros := func(n int, w io.WriteCloser) {
		t.Helper()
		chunk := make([]byte, 1<<20)
		for ; n > 0; n -= len(chunk) {
			if _, err := w.Write(chunk[:min(n, len(chunk))]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	gzipZeros := func(n int) []byte {
		var b bytes.Buffer
		w, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
		if err != nil {
			t.Fatal(err)
		}
		zeros(n, w)
		return b.Bytes()
	}
	zstdZeros := func(n int) []byte {
		var b bytes.Buffer
		w, err := zstd.NewWriter(&b)
		if err != nil {
			t.Fatal(err)
		}
		zeros(n, w)
		return b.Bytes()
	}
	for _, tc := range []struct {
		name   string
		format Format
		data   []byte
	}{
		{"gzip 64 MiB of NULs", Gzip, gzipZeros(ratioFloor)},
		{"zstd 64 MiB of NULs", Zstd, zstdZeros(ratioFloor)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := pipeline(t, bytes.NewReader(tc.data), Options{})
			res.checkClean(t, tc.format, logCounts{lines: 1})
			st := res.stats.LineStats
			if st.LongLines != 1 || !st.NoFinalNewline || st.Bytes != ratioFloor {
				t.Errorf("Stats() = %+v, want 1 long line of %d bytes, no final newline", st, ratioFloor)
			}
		})
	}
	t.Run("zstd 80 MiB of NULs hits the ratio limit", func(t *testing.T) {
		res := pipeline(t, bytes.NewReader(zstdZeros(80<<20)), Options{})
		res.checkErr(t, ErrRatio)
		if s := FaultOf(res.err); s != Limit {
			t.Errorf("FaultOf = %s, want LIMIT", s)
		}
	})
}

// TestRobustReadError checks that an error of the underlying reader is
// returned as such, never taken for the end of the input (regression test
// for errors swallowed as EOF, klauspost/compress#372), and that the lines
// before it are kept.
func TestRobustReadError(t *testing.T) {
	log, want := genLog(2500)
	for _, tc := range []struct {
		name   string
		format Format
		data   []byte
	}{
		{"plain", Plain, log},
		{"gzip", Gzip, gzipBytes(t, string(log))},
		{"gzip 2 members", Gzip, gzipMembers(t, log, 2)},
		{"zstd", Zstd, zstdBytes(t, string(log))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := pipeline(t, failAfter(tc.data, len(tc.data)/2), Options{})
			if res.openErr != nil {
				t.Fatalf("Open: %v", res.openErr)
			}
			if res.format != tc.format {
				t.Errorf("format = %v, want %v", res.format, tc.format)
			}
			res.checkErr(t, errDisk)
			res.checkPrefix(t, want)
			if s := FaultOf(res.err); s != Unreadable {
				t.Errorf("FaultOf = %s, want UNREADABLE", s)
			}
		})
		t.Run(tc.name+" in the header", func(t *testing.T) {
			res := pipeline(t, failAfter(tc.data, 3), Options{})
			err := res.openErr
			if err == nil {
				err = res.err
			}
			if !errors.Is(err, errDisk) {
				t.Errorf("error = %v, want it to wrap %v", err, errDisk)
			}
			if res.events != 0 {
				t.Errorf("events = %d, want 0", res.events)
			}
		})
	}
	t.Run("first read", func(t *testing.T) {
		res := pipeline(t, failAfter(nil, 0), Options{})
		if !errors.Is(res.openErr, errDisk) {
			t.Errorf("Open: %v, want it to wrap %v", res.openErr, errDisk)
		}
		if s := FaultOf(res.openErr); s != Unreadable {
			t.Errorf("FaultOf = %s, want UNREADABLE", s)
		}
	})
}

// zeroReads is a reader that returns (0, nil) before each real read, which
// io.Reader allows.
type zeroReads struct {
	r    io.Reader
	turn bool
}

func (z *zeroReads) Read(p []byte) (int, error) {
	z.turn = !z.turn
	if z.turn {
		return 0, nil
	}
	return z.r.Read(p)
}

// TestRobustEmptyAndReaderShapes covers empty inputs on each format path and
// sources that return data in unusual ways.
func TestRobustEmptyAndReaderShapes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      []byte
		format  Format
		openErr bool // Open fails with unexpected EOF
		readErr bool // reading fails with unexpected EOF
	}{
		{name: "0 bytes", in: nil, format: Plain},
		{name: "one newline", in: []byte("\n"), format: Plain},
		{name: "gzip empty member", in: gzipBytes(t, ""), format: Gzip},
		{name: "gzip magic only", in: []byte{0x1f, 0x8b}, format: Gzip, openErr: true},
		{name: "gzip header only", in: gzipBytes(t, "")[:10], format: Gzip, readErr: true},
		{name: "zstd empty frame", in: zstdBytes(t, ""), format: Zstd},
		{name: "zstd magic only", in: []byte{0x28, 0xb5, 0x2f, 0xfd}, format: Zstd, readErr: true},
		{name: "zstd skippable header cut", in: skippable("meta")[:6], format: Zstd, readErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := pipeline(t, bytes.NewReader(tc.in), Options{})
			if res.format != tc.format {
				t.Errorf("format = %v, want %v", res.format, tc.format)
			}
			switch {
			case tc.openErr:
				if !errors.Is(res.openErr, io.ErrUnexpectedEOF) {
					t.Errorf("Open: %v, want unexpected EOF", res.openErr)
				}
				return
			case res.openErr != nil:
				t.Fatalf("Open: %v", res.openErr)
			case tc.readErr:
				res.checkErr(t, io.ErrUnexpectedEOF)
			case res.err != nil:
				t.Errorf("Err() = %v, want nil", res.err)
			}
			if res.events != 0 || res.stats.Lines != int64(bytes.Count(tc.in, []byte("\n"))) {
				t.Errorf("events %d, lines %d; want none", res.events, res.stats.Lines)
			}
			if empty := len(tc.in) == 0; res.integ.Empty != empty {
				t.Errorf("Integrity().Empty = %v, want %v", res.integ.Empty, empty)
			}
		})
	}

	log, want := genLog(100)
	formats := []struct {
		name   string
		format Format
		data   []byte
	}{
		{"plain", Plain, log},
		{"gzip", Gzip, gzipMembers(t, log, 3)},
		{"zstd", Zstd, bytes.Join([][]byte{zstdBytes(t, string(log[:len(log)/3])), skippable("m"), zstdBytes(t, string(log[len(log)/3:]))}, nil)},
	}
	shapes := []struct {
		name string
		wrap func(io.Reader) io.Reader
	}{
		{"zero-byte reads", func(r io.Reader) io.Reader { return &zeroReads{r: r} }},
		{"one byte at a time", iotest.OneByteReader},
		{"half reads", iotest.HalfReader},
		{"data with EOF", iotest.DataErrReader},
	}
	for _, f := range formats {
		for _, s := range shapes {
			t.Run(f.name+"/"+s.name, func(t *testing.T) {
				res := pipeline(t, s.wrap(bytes.NewReader(f.data)), Options{})
				res.checkClean(t, f.format, want)
			})
		}
	}
	// The io.Reader contract allows a few (0, nil) reads, not endless ones:
	// bufio gives up with io.ErrNoProgress rather than spinning.
	t.Run("endless zero-byte reads", func(t *testing.T) {
		res := pipeline(t, nothingReader{}, Options{})
		if !errors.Is(res.openErr, io.ErrNoProgress) {
			t.Errorf("Open: %v, want io.ErrNoProgress", res.openErr)
		}
	})
}

// nothingReader always returns (0, nil).
type nothingReader struct{}

func (nothingReader) Read([]byte) (int, error) { return 0, nil }
