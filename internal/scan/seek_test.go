package scan

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"synclog/internal/classify"
	"synclog/internal/parse"
	"synclog/internal/report"
	"synclog/internal/state"
	"synclog/internal/summary"
)

// prerollTest is the preroll of TestResumeSeek (a test sets it to 1 GiB
// to check the test against reads that do not seek).
var prerollTest int64 = 300

// stateResumer is a Resumer over a state.State, for one input at a time.
type stateResumer struct{ st state.State }

func (r *stateResumer) Resume(head []byte) (Point, string) {
	e := r.st.Find(head)
	if e == nil {
		return Point{}, ""
	}
	p := Point{Mark: parse.Mark{Offset: e.Offset, Lines: e.Lines, Held: e.Held, End: e.End, Context: e.Context}, Tail: e.Tail}
	if e.File != nil {
		p.File = *e.File
	}
	return p, ""
}

func (r *stateResumer) Done(head []byte, name string, p Point, read bool) {
	if !read {
		return
	}
	at := state.Position{Offset: p.Offset, Lines: p.Lines, Held: p.Held, End: p.End, Tail: p.Tail, Context: p.Context}
	if p.File != (state.File{}) {
		at.File = &p.File
	}
	r.st.Update(head, name, at, time.Now())
}

// csvRows returns the CSV rows of sum's failed responses (file, line,
// status, class, key...), its header left out, sorted.
func csvRows(t *testing.T, sum *summary.Summary, rows *report.Rows) []string {
	t.Helper()
	var b bytes.Buffer
	if err := report.WriteCSV(&b, rows, report.Options{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")[1:]
	slices.Sort(lines)
	if len(lines) == 0 {
		return nil
	}
	return lines
}

// TestResumeSeek checks incremental runs that read on from where the last
// one left a log, a few hundred bytes before it (instead of reading the
// log again from its start), against one read of the whole log: every
// fixture is cut at the start and in the middle of each line, scanned,
// completed in place (same file), and scanned three times more (it grew;
// it is settled; it is unchanged, and not read). Every failed response
// must be counted once, on its own line, and the totals must add up.
func TestResumeSeek(t *testing.T) {
	cl, err := classify.New(classify.DefaultEntries())
	if err != nil {
		t.Fatal(err)
	}
	fixtures, _ := filepath.Glob("../../testdata/logs/*.log")
	for _, fx := range fixtures {
		log, err := os.ReadFile(fx)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(fx), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "sync.log")
			if err := os.WriteFile(path, log, 0o644); err != nil {
				t.Fatal(err)
			}
			o := Options{Classifier: cl, Rows: true, Jobs: 1, preroll: prerollTest}
			one, oneRows, errs := Run(context.Background(), []string{path}, o)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			want := csvRows(t, one, oneRows)
			seeks := 0
			for _, c := range lineCuts(log) {
				seeks += testResumeSeekAt(t, path, log, c, o, one.Totals, want)
			}
			// The runs must not all have read from the start.
			if len(log) > 4*int(o.preroll) && seeks == 0 {
				t.Errorf("no run read on from before the offset it was left at")
			}
		})
	}
}

// testResumeSeekAt is TestResumeSeek for one cut c of log.
// It returns how many runs read the log from a point past its start.
func testResumeSeekAt(t *testing.T, path string, log []byte, c int, o Options, want summary.Totals, wantRows []string) (seeks int) {
	t.Helper()
	if err := os.WriteFile(path, log[:c], 0o644); err != nil {
		t.Fatal(err)
	}
	rs := &stateResumer{}
	o.Resume = rs
	var got summary.Totals
	var gotRows []string
	var warnings []string
	for run := range 4 {
		if run == 1 {
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.Write(log[c:]); err != nil {
				t.Fatal(err)
			}
			f.Close()
		}
		sum, rows, errs := Run(context.Background(), []string{path}, o)
		// A first part without a record yet is not a Sync log, yet.
		if len(errs) > 0 && !(run == 0 && errors.Is(errs[0], parse.ErrUnrecognised)) {
			t.Fatalf("cut at %d, run %d: %v", c, run, errs)
		}
		for k, n := range sum.Totals {
			got[k] += n
		}
		gotRows = append(gotRows, csvRows(t, sum, rows)...)
		for _, in := range sum.Inputs {
			warnings = append(warnings, in.Warnings...)
			if in.Bytes > 0 && in.Bytes < int64(len(log)) && run > 0 {
				seeks++
			}
		}
		rows.Close()
	}
	slices.Sort(gotRows)
	if got != want {
		t.Fatalf("cut at %d: totals over the runs %v, one read %v (warnings %q)", c, got, want, warnings)
	}
	if diff := cmp.Diff(wantRows, gotRows); diff != "" {
		t.Fatalf("cut at %d: failed responses (-one read +runs):\n%s", c, diff)
	}
	if last := warnings[len(warnings)-1]; !strings.HasPrefix(last, "unchanged since the last run") {
		t.Fatalf("cut at %d: the last run says %q, want it unchanged and not read", c, last)
	}
	return seeks
}

// lineCuts returns where to cut log: at the start and the middle of every
// line.
func lineCuts(log []byte) []int {
	var out []int
	for start := 0; start < len(log); {
		end := bytes.IndexByte(log[start:], '\n')
		if end < 0 {
			end = len(log) - start
		}
		out = append(out, start, start+end/2)
		start += end + 1
	}
	return out
}
