package scan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
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
	"synclog/internal/synth"
)

// prerollTest is the preroll of TestResumeSeek (a test sets it to 1 GiB
// to check the test against reads that do not seek).
var prerollTest int64 = 300

// stateResumer is a Resumer over a state.State, for one input at a time.
type stateResumer struct{ st state.State }

func (r *stateResumer) Resume(head state.Head) (Point, string) {
	e := r.st.FindHead(head)
	if e == nil {
		return Point{}, ""
	}
	return PointOf(e), ""
}

func (r *stateResumer) Done(head state.Head, name string, p Point, read bool) {
	if !read {
		return
	}
	r.st.UpdateHead(head, name, p.Position(), time.Now())
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

// TestResumeGzipMembers appends a log to a .gz file piece by piece, each
// piece a gzip member of its own made by the real gzip (as
// `gzip -c new.log >> sync.log.gz` does), with an incremental run after
// each: the runs must add up to one read of the whole log, failed
// response by failed response, and from the third piece on a run must
// decode from the end of the member before the last one read, not from
// the start (or from the start when that member no longer is what was
// read: the file is then rewritten whole, and read whole once).
func TestResumeGzipMembers(t *testing.T) {
	gz := needTool(t, "gzip")
	cl, err := classify.New(classify.DefaultEntries())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := synth.Write(&buf, synth.Config{Seed: 11, Bytes: 600 << 10, Trace: true}); err != nil {
		t.Fatal(err)
	}
	log := buf.Bytes()
	dir := t.TempDir()
	one := filepath.Join(dir, "one.log")
	if err := os.WriteFile(one, log, 0o644); err != nil {
		t.Fatal(err)
	}
	o := Options{Classifier: cl, Rows: true, Jobs: 1}
	sum, rows, errs := Run(context.Background(), []string{one}, o)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	wantTotals, want := sum.Totals, csvRows(t, sum, rows)
	rows.Close()
	path := filepath.Join(dir, "sync.log.gz")
	for i := range want {
		want[i] = strings.Replace(want[i], one, path, 1)
	}

	o.Resume = &stateResumer{}
	var got []string
	var gotTotals summary.Totals
	start := 0
	for piece := 1; piece <= 5; piece++ {
		end := len(log)
		if piece < 5 {
			end = bytes.IndexByte(log[piece*len(log)/5:], '\n') + piece*len(log)/5 + 1
		}
		cmd := exec.Command(gz, "-c", "-n")
		cmd.Stdin = bytes.NewReader(log[start:end])
		member, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		f.Write(member)
		f.Close()
		start = end
		sum, rows, errs := Run(context.Background(), []string{path}, o)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		for k, n := range sum.Totals {
			gotTotals[k] += n
		}
		got = append(got, csvRows(t, sum, rows)...)
		rows.Close()
		fi, _ := os.Stat(path)
		if in := sum.Inputs[0]; piece >= 3 && in.Bytes >= fi.Size() {
			t.Errorf("piece %d: read all %d compressed bytes, want the last two members only (warnings %q)", piece, in.Bytes, in.Warnings)
		}
	}
	slices.Sort(got)
	if gotTotals != wantTotals {
		t.Errorf("totals over the runs %v, one read %v", gotTotals, wantTotals)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("failed responses (-one read +runs):\n%s", diff)
	}
}

// TestResumeChanged checks what an incremental run does with a log that is
// not what the last run read: one rewritten before the saved offset (same
// first 4 KiB, same size or more) is read from its start, with a warning,
// not read on from the offset; a compressed log found unchanged is not
// decoded again, and one that changed is.
func TestResumeChanged(t *testing.T) {
	cl, err := classify.New(classify.DefaultEntries())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := synth.Write(&buf, synth.Config{Seed: 12, Bytes: 64 << 10, Trace: true}); err != nil {
		t.Fatal(err)
	}
	log := buf.Bytes()
	dir := t.TempDir()
	path := filepath.Join(dir, "sync.log")
	if err := os.WriteFile(path, log, 0o644); err != nil {
		t.Fatal(err)
	}
	o := Options{Classifier: cl, Jobs: 1, preroll: 1000, Resume: &stateResumer{}}
	first, _, errs := Run(context.Background(), []string{path}, o)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	// The same bytes but one, 100 before the end, and a line more.
	changed := bytes.Clone(log)
	changed[len(changed)-100] ^= 0x20
	changed = append(changed, log[:bytes.IndexByte(log, '\n')+1]...)
	if err := os.WriteFile(path, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	again, _, errs := Run(context.Background(), []string{path}, o)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	in := again.Inputs[0]
	if want := fmt.Sprintf("--state: the bytes before offset %d are not the ones read: the log changed; read from the start", len(log)); !slices.Contains(in.Warnings, want) {
		t.Errorf("warnings %q, want %q", in.Warnings, want)
	}
	if in.Bytes != int64(len(changed)) || again.Totals[summary.Responses] < first.Totals[summary.Responses] {
		t.Errorf("read %d bytes, %d responses; want the whole log again (%d bytes, at least %d responses)",
			in.Bytes, again.Totals[summary.Responses], len(changed), first.Totals[summary.Responses])
	}

	zst := needTool(t, "zstd")
	zpath := filepath.Join(dir, "sync.log.zst")
	if out, err := exec.Command(zst, "-q", "-f", "-o", zpath, filepath.Join(dir, "sync.log")).CombinedOutput(); err != nil {
		t.Fatalf("zstd: %v: %s", err, out)
	}
	o.Resume = &stateResumer{}
	for run, want := range []string{"", "unchanged since the last run (--state): not read again"} {
		sum, _, errs := Run(context.Background(), []string{zpath}, o)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		if got := sum.Inputs[0].Warnings; want != "" && !slices.Contains(got, want) || want == "" && len(got) > 0 {
			t.Errorf("run %d of the .zst: warnings %q, want %q", run+1, got, want)
		}
	}
	// Touched: the same bytes, but not the same file as it was: decoded
	// again, from the start to the offset, and nothing counted twice.
	future := time.Now().Add(time.Hour)
	if err := os.Chtimes(zpath, future, future); err != nil {
		t.Fatal(err)
	}
	sum, _, errs := Run(context.Background(), []string{zpath}, o)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if in := sum.Inputs[0]; in.Bytes == 0 || sum.Totals[summary.Responses] != 0 {
		t.Errorf("touched .zst: read %d bytes, counted %d responses; want it read, nothing counted again", in.Bytes, sum.Totals[summary.Responses])
	}
}
