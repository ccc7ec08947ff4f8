package parse

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// resumed reads log as a run that resumes it from m would (growing: an
// uncompressed log) and returns its events, as events prints them, and
// the Mark it leaves.
func resumed(t *testing.T, log string, m Mark, growing bool) ([]string, Mark) {
	t.Helper()
	e := NewExtractor(strings.NewReader(log), "t.log", Options{})
	e.Resume(m, growing)
	out := render(e)
	if err := e.Err(); err != nil {
		t.Fatalf("Err() = %v", err)
	}
	return out, e.Mark()
}

// render returns the events left in e, as events prints them.
func render(e *Extractor) []string {
	var out []string
	for e.Next() {
		out = append(out, eventString(e.Event()))
	}
	return out
}

// TestResumeEveryCut cuts each fixture at every line, and inside it, and checks that the
// run that reads the part before the cut, the run that reads the whole log
// from where the first stopped, and a third run that finds it unchanged
// return together exactly the events of one read: no exchange split by the
// cut is lost or counted twice. A cut inside a record's continuation lines
// is left out: a body cut there is classified as far as it was read (see
// Resume).
func TestResumeEveryCut(t *testing.T) {
	fixtures, _ := filepath.Glob("../../testdata/logs/*.log")
	fixtures = append(fixtures, "")
	for _, fx := range fixtures {
		log := heldLog
		if fx != "" {
			b, err := os.ReadFile(fx)
			if err != nil {
				t.Fatal(err)
			}
			log = string(b)
		}
		t.Run(filepath.Base(fx), func(t *testing.T) {
			want := events(t, log, Options{})
			slices.Sort(want)
			l := layoutOf(log)
			for _, c := range cuts(log) {
				if inContinuation(log, l, c) {
					continue
				}
				// The log grows, then is found unchanged (settled), then
				// there is nothing left.
				got, m := resumed(t, log[:c], Mark{}, true)
				marks := []Mark{m}
				for range 3 {
					var more []string
					more, m = resumed(t, log, m, true)
					got = append(got, more...)
					marks = append(marks, m)
				}
				slices.Sort(got)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("cut at %d (marks %+v): events (-one read +runs):\n%s", c, marks, diff)
				}
				// Context is checked by TestResumeSeek in package scan.
				m.Context, marks[2].Context = "", ""
				if end := (Mark{Offset: int64(len(log)), Lines: m.Lines, End: int64(len(log))}); m != end || marks[2] != end {
					t.Fatalf("cut at %d: marks %+v, want the end of the log from the third run on", c, marks)
				}
			}
		})
	}
}

// heldLog has a response that waits for its body over unrelated records,
// a network error and a backoff notice logged before its body, and a 503
// that never gets one.
const heldLog = "1756106023249\tSync.Resource\tDEBUG\tGET fail 503 " + u + "\n" +
	"1756106023250\tSync.Service\tINFO\tstill syncing\n" +
	"1756106023251\tSync.ErrorHandler\tDEBUG\tGot Retry-After: 600\n" +
	"1756106023252\tSync.Resource\tWARN\tGET request to " + u + "/x failed: [Exception... \"NS_ERROR_CONNECTION_REFUSED\"]\n" +
	"1756106023253\tSync.Resource\tTRACE\tGET body: \"server issue: pool exhausted\"\n" +
	"1756106023254\tSync.Resource\tDEBUG\tPOST fail 503 " + u + "\n"

// cuts returns where to cut log: at the start of every line, one byte and
// half-way into it, and just before its newline.
func cuts(log string) []int {
	var out []int
	for start := 0; start < len(log); {
		end := strings.IndexByte(log[start:], '\n')
		if end < 0 {
			end = len(log) - start
		}
		out = append(out, start, start+min(1, end), start+end/2, start+end)
		start += end + 1
	}
	return append(out, len(log))
}

// inContinuation reports whether the line of log that byte c is in (or
// starts at) continues a record of layout l rather than starting one.
func inContinuation(log string, l Layout, c int) bool {
	start := strings.LastIndexByte(log[:c], '\n') + 1
	if start == len(log) {
		return false
	}
	end := strings.IndexByte(log[start:], '\n')
	if end < 0 {
		end = len(log) - start
	}
	e := Extractor{layout: l}
	return !e.header([]byte(strings.TrimSuffix(log[start:start+end], "\r")))
}

// layoutOf returns the layout an Extractor reads log in.
func layoutOf(log string) Layout {
	e := NewExtractor(strings.NewReader(log), "", Options{})
	for e.Next() {
	}
	return e.Layout()
}

// TestResumeMark checks what a run leaves for the next: where it stopped,
// and the response it held.
func TestResumeMark(t *testing.T) {
	status := "1756106023249\tSync.Resource\tDEBUG\tGET fail 503 " + u + "\n"
	body := "1756106023250\tSync.Resource\tTRACE\tGET body: \"server issue: pool exhausted\"\n"
	other := "1756106023251\tSync.Service\tINFO\tSync completed\n"
	n := int64(len(status))
	tests := []struct {
		name    string
		log     string
		from    Mark
		growing bool
		want    Mark
		events  int
	}{
		{"status line last: held", status, Mark{}, true, Mark{Offset: n, Lines: 1, Held: 1, End: n}, 0},
		{"unrelated lines after it: still held", status + other, Mark{}, true,
			Mark{Offset: n + int64(len(other)), Lines: 2, Held: 1, End: n + int64(len(other))}, 0},
		{"compressed (not growing): counted", status, Mark{}, false, Mark{Offset: n, Lines: 1, End: n}, 1},
		{"unchanged since: counted", status, Mark{Offset: n, Lines: 1, Held: 1, End: n}, true, Mark{Offset: n, Lines: 1, End: n}, 1},
		{"its body came: counted", status + body, Mark{Offset: n, Lines: 1, Held: 1, End: n}, true,
			Mark{Offset: n + int64(len(body)), Lines: 2, End: n + int64(len(body))}, 1},
		{"last line without newline: left", status + body[:20], Mark{}, true,
			Mark{Offset: n, Lines: 1, Held: 1, End: n + 20}, 0},
		{"counted once already: not held again", status + other, Mark{Offset: n, Lines: 1, End: n}, true,
			Mark{Offset: n + int64(len(other)), Lines: 2, End: n + int64(len(other))}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, m := resumed(t, tc.log, tc.from, tc.growing)
			if m.Context == "" {
				t.Errorf("mark %+v has no Context, though it is where the input ended", m)
			}
			m.Context = "" // TestResumeSeek in package scan checks it
			if m != tc.want || len(got) != tc.events {
				t.Errorf("got mark %+v and %d events %q, want %+v and %d", m, len(got), got, tc.want, tc.events)
			}
		})
	}
}

// TestResumeLateBody: a response counted without a body by an earlier run
// (which did not hold it) that gets its body after all is counted again,
// with it: an escalation is never lost.
func TestResumeLateBody(t *testing.T) {
	status := "1756106023249\tSync.Resource\tDEBUG\tGET fail 503 " + u + "\n"
	body := "1756106023250\tSync.Resource\tTRACE\tGET body: \"server issue: pool exhausted\"\n"
	n := int64(len(status))
	got, _ := resumed(t, status+body, Mark{Offset: n, Lines: 1, End: n}, true)
	want := []string{`resp 1 GET 503 ` + u + ` body="\"server issue: pool exhausted\""`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	ok := "1756106023249\tSync.Resource\tDEBUG\tGET success 200 " + u + "\n"
	if got, _ := resumed(t, ok+body, Mark{Offset: int64(len(ok)), Lines: 1, End: int64(len(ok))}, true); len(got) != 0 {
		t.Errorf("a 200's body (data) counted it again: %q", got)
	}
}
