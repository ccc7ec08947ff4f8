package scan

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"synclog/internal/classify"
	"synclog/internal/parse"
	"synclog/internal/report"
	"synclog/internal/summary"
	"synclog/internal/synth"
)

const logs = "../../testdata/logs"

// expected is one fixture's hand-counted ground truth (testdata/logs/expected.json).
type expected struct {
	Lines           int64            `json:"lines"`
	Responses       int64            `json:"responses"`
	FailedResponses int64            `json:"failed_responses"`
	Escalations     map[string]int64 `json:"escalations"`
	Reviews         map[string]int64 `json:"reviews"`
	ServerCodes     map[string]int64 `json:"server_codes"`
	Unknown         map[string]int64 `json:"unknown"`
	NoBody503       int64            `json:"no_body_503"`
	NetworkErrors   int64            `json:"network_errors"`
	Backoff         int64            `json:"backoff"`
}

// got is the part of the JSON report compared with expected.
type got struct {
	Inputs []struct {
		Path     string `json:"path"`
		Format   string `json:"format"`
		Lines    int64  `json:"lines"`
		Complete bool   `json:"complete"`
	} `json:"inputs"`
	Totals struct {
		Responses       int64 `json:"responses"`
		FailedResponses int64 `json:"failed_responses"`
		NoBody503       int64 `json:"no_body_503"`
		NetworkErrors   int64 `json:"network_errors"`
		Backoffs        int64 `json:"backoffs"`
	} `json:"totals"`
	Classes []struct {
		Class    string           `json:"class"`
		Key      string           `json:"key"`
		Count    int64            `json:"count"`
		Statuses map[string]int64 `json:"statuses"`
	} `json:"classes"`
	Escalations []keyCount `json:"escalations"`
	Reviews     []keyCount `json:"reviews"`
}

// keyCount is one row of the report's escalation or review list.
type keyCount struct {
	Key   string `json:"key"`
	Count int64  `json:"count"`
}

// counts turns a report list into key -> count, and reports a key listed
// twice as an error: each key has one row.
func counts(t *testing.T, what string, rows []keyCount) map[string]int64 {
	t.Helper()
	m := make(map[string]int64, len(rows))
	for _, r := range rows {
		if _, dup := m[r.Key]; dup {
			t.Errorf("%s list has key %q twice", what, r.Key)
		}
		m[r.Key] += r.Count
	}
	return m
}

func scanJSON(t *testing.T, paths ...string) []byte {
	t.Helper()
	cl, err := classify.New(classify.DefaultEntries())
	if err != nil {
		t.Fatal(err)
	}
	sum, _, errs := Run(context.Background(), paths, Options{Classifier: cl})
	if len(errs) > 0 {
		t.Fatalf("Run: %v", errs)
	}
	var b bytes.Buffer
	if err := report.Render(&b, sum, report.Options{Format: "json"}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestFixtures checks every fixture against its hand-counted ground truth.
// Every plain .log in testdata/logs must have an entry in expected.json, and
// every entry a fixture; the .gz and .zst copies are TestCompressedCopies'.
func TestFixtures(t *testing.T) {
	want := readExpected(t)
	paths, err := filepath.Glob(filepath.Join(logs, "*.log"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	var names []string
	for _, p := range paths {
		names = append(names, filepath.Base(p))
	}
	for _, name := range names {
		if _, ok := want[name]; !ok {
			t.Errorf("fixture %s has no entry in expected.json", name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(want)) {
		if !slices.Contains(names, name) {
			t.Errorf("expected.json has an entry for %s, which is not a fixture in %s", name, logs)
		}
	}
	for _, name := range names {
		w, ok := want[name]
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			var g got
			if err := json.Unmarshal(scanJSON(t, filepath.Join(logs, name)), &g); err != nil {
				t.Fatal(err)
			}
			if len(g.Inputs) != 1 {
				t.Fatalf("report has %d inputs, want 1", len(g.Inputs))
			}
			if g.Inputs[0].Lines != w.Lines || !g.Inputs[0].Complete {
				t.Errorf("lines = %d (complete %v), want %d", g.Inputs[0].Lines, g.Inputs[0].Complete, w.Lines)
			}
			tot := g.Totals
			for _, c := range []struct {
				what      string
				got, want int64
			}{
				{"responses", tot.Responses, w.Responses},
				{"failed_responses", tot.FailedResponses, w.FailedResponses},
				{"no_body_503", tot.NoBody503, w.NoBody503},
				{"network_errors", tot.NetworkErrors, w.NetworkErrors},
				{"backoffs", tot.Backoffs, w.Backoff},
			} {
				if c.got != c.want {
					t.Errorf("%s = %d, want %d", c.what, c.got, c.want)
				}
			}
			// The class breakdown must agree with the escalation and
			// review lists, which are checked on their own below.
			esc, rev, codes, unk := map[string]int64{}, map[string]int64{}, map[string]int64{}, map[string]int64{}
			for _, c := range g.Classes {
				switch c.Class {
				case "infra":
					for st, n := range c.Statuses {
						if st == "503" {
							esc[c.Key] += n
						} else {
							rev[c.Key] += n
						}
					}
				case "server_code":
					codes[c.Key] += c.Count
				default:
					unk[c.Key] += c.Count
				}
			}
			for _, c := range []struct {
				what      string
				got, want map[string]int64
			}{
				{"escalation list", counts(t, "escalation", g.Escalations), w.Escalations},
				{"review list", counts(t, "review", g.Reviews), w.Reviews},
				{"infra classes under 503", esc, w.Escalations},
				{"infra classes under other statuses", rev, w.Reviews},
				{"server codes", codes, w.ServerCodes},
				{"unknown", unk, w.Unknown},
			} {
				if diff := cmp.Diff(c.want, c.got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", c.what, diff)
				}
			}
		})
	}
}

// readExpected reads testdata/logs/expected.json, refusing unknown fields so
// that a misspelt key cannot pass as an empty expectation.
func readExpected(t *testing.T) map[string]expected {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(logs, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var want map[string]expected
	if err := dec.Decode(&want); err != nil {
		t.Fatalf("expected.json: %v", err)
	}
	return want
}

// TestCompressedCopies checks that the .gz (multi-member for modern-trace)
// and .zst (multi-frame, with a skippable frame) copies made by the real
// gzip and zstd tools give the same report as the plain file, apart from
// the input rows.
func TestCompressedCopies(t *testing.T) {
	names, err := filepath.Glob(filepath.Join(logs, "*.log"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, plain := range names {
		t.Run(filepath.Base(plain), func(t *testing.T) {
			want := withoutInputs(t, scanJSON(t, plain))
			for _, ext := range []string{".gz", ".zst"} {
				got := withoutInputs(t, scanJSON(t, plain+ext))
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s report differs from plain (-plain +%s):\n%s", ext, ext, diff)
				}
			}
		})
	}
}

// withoutInputs decodes a JSON report and drops what legitimately differs
// between copies of one log: the input rows and the file names in samples.
func withoutInputs(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(bytes.ReplaceAll(bytes.ReplaceAll(b, []byte(`.log.gz"`), []byte(`.log"`)), []byte(`.log.zst"`), []byte(`.log"`)), &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "inputs")
	return m
}

// TestRunFaults checks that an input that cannot be read whole comes back
// from Run as a *parse.Error that carries the kind of fault, in the order
// of the inputs, and that the inputs after it are still read.
func TestRunFaults(t *testing.T) {
	plain, err := os.ReadFile(filepath.Join(logs, "modern-trace.log"))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(bytes.Repeat(plain, 50)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	gz := b.Bytes()
	crc := bytes.Clone(gz)
	crc[len(crc)-8] ^= 0xff
	dir := t.TempDir()
	files := []struct {
		name string
		data []byte
		want parse.Fault // 0: read whole
	}{
		{"truncated.log.gz", gz[:len(gz)/2], parse.Truncated},
		{"crc.log.gz", crc, parse.Corrupt},
		{"empty.log.gz", nil, parse.Empty},
		{"whole.log.gz", gz, 0},
	}
	var paths []string
	var want []parse.Fault
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, f.data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
		if f.want != 0 {
			want = append(want, f.want)
		}
	}
	cl, err := classify.New(classify.DefaultEntries())
	if err != nil {
		t.Fatal(err)
	}
	_, _, errs := Run(context.Background(), paths, Options{Classifier: cl, Jobs: 2})
	var got []parse.Fault
	for _, err := range errs {
		var pe *parse.Error
		if !errors.As(err, &pe) {
			t.Fatalf("error %v is not a *parse.Error", err)
		}
		if parse.FaultOf(err) != pe.Fault {
			t.Errorf("FaultOf(%v) = %v, want %v", err, parse.FaultOf(err), pe.Fault)
		}
		got = append(got, pe.Fault)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("faults (-want +got):\n%s", diff)
	}
}

// TestFixturesEveryFormat checks every fixture's hand-counted responses,
// failed responses and escalations in the formats people read: the text
// and Markdown headline, the HTML page's verdict, and one CSV row per
// failed response.
func TestFixturesEveryFormat(t *testing.T) {
	want := readExpected(t)
	for _, name := range slices.Sorted(maps.Keys(want)) {
		w := want[name]
		var esc int64
		for _, n := range w.Escalations {
			esc += n
		}
		path := filepath.Join(logs, name)
		head := fmt.Sprintf("(%d responses, %d failed", w.Responses, w.FailedResponses)
		if w.Responses == 1 {
			head = fmt.Sprintf("(1 response, %d failed", w.FailedResponses)
		}
		if esc > 0 {
			head = fmt.Sprintf("ESCALATE: %d response", esc)
		}
		for _, format := range []string{"text", "markdown", "html"} {
			if got := renderAs(t, format, []string{path}, Options{}); !strings.Contains(got, head) {
				t.Errorf("%s, %s: no %q in the report", name, format, head)
			}
		}
		csv := renderAs(t, "csv", []string{path}, Options{})
		if rows := int64(strings.Count(csv, "\n")) - 1; rows != w.FailedResponses {
			t.Errorf("%s, csv: %d rows, want %d failed responses", name, rows, w.FailedResponses)
		}
		if n := int64(strings.Count(csv, ",true,false\n") + strings.Count(csv, ",true,true\n")); n != esc {
			t.Errorf("%s, csv: %d rows escalate, want %d", name, n, esc)
		}
	}
}

// TestBodyLimitKeepsClassification checks that the body limit bounds what
// is kept, never what is matched: a limit below what the table needs is
// raised, so every escalation is still found, and a body cut while every
// byte kept was compared (it might have matched, whole) makes the report
// incomplete instead of OK.
func TestBodyLimitKeepsClassification(t *testing.T) {
	weave := filepath.Join(logs, "weave.log")
	for _, limit := range []int{1, 5, 30, parse.MinBodyBytes} {
		got := renderAs(t, "json", []string{weave}, Options{Parse: parse.Options{MaxBodyBytes: limit, MaxLineBytes: 10}})
		if !strings.Contains(got, `"escalations": 2,`) || !strings.Contains(got, `"verdict": "escalate"`) {
			t.Errorf("--max-body-bytes %d: escalations lost:\n%s", limit, got)
		}
	}
	padded := filepath.Join(t.TempDir(), "padded.log")
	body := `"` + strings.Repeat(" ", 2*parse.MinBodyBytes) + `server issue: database not in pool"`
	log := "1756106023249\tSync.Resource\tDEBUG\tGET fail 503 https://sync-1.example/1.5/1/storage/x\n" +
		"1756106023250\tSync.Resource\tTRACE\tGET body: " + body + "\n"
	if err := os.WriteFile(padded, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	got := renderAs(t, "json", []string{padded}, Options{Parse: parse.Options{MaxBodyBytes: 1}})
	for _, want := range []string{`"verdict": "incomplete"`, `"cut_bodies": 1`} {
		if !strings.Contains(got, want) {
			t.Errorf("a body cut before it could be classified: no %s in\n%s", want, got)
		}
	}
	text := renderAs(t, "text", []string{padded}, Options{Parse: parse.Options{MaxBodyBytes: 1}})
	if want := "INCOMPLETE: 1 response body was cut before it could be classified (raise --max-body-bytes); nothing to escalate"; !strings.HasPrefix(text, want) {
		t.Errorf("headline:\n%s\nwant it to start with %q", text, want)
	}
	whole := renderAs(t, "json", []string{padded}, Options{})
	if !strings.Contains(whole, `"escalations": 1,`) {
		t.Errorf("the same body under the default limit is not escalated:\n%s", whole)
	}
}

// synthLog returns a generated desktop log of about n bytes, with bodies.
func synthLog(t *testing.T, n int64) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := synth.Write(&b, synth.Config{Seed: 7, Bytes: n, Trace: true}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// scanReport scans paths with opt and returns the JSON report, decoded,
// with each path replaced by "INPUT" (so that copies of one log compare
// equal), and Run's errors.
func scanReport(t *testing.T, paths []string, opt Options) (map[string]any, []error) {
	t.Helper()
	opt.Classifier = mustClassifier(t)
	sum, _, errs := Run(context.Background(), paths, opt)
	var b bytes.Buffer
	if err := report.Render(&b, sum, report.Options{Format: "json"}); err != nil {
		t.Fatal(err)
	}
	out := b.Bytes()
	for _, p := range paths {
		out = bytes.ReplaceAll(out, []byte(p), []byte("INPUT"))
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	return m, errs
}

// TestShrinkWhileRead truncates a file (as logrotate's copytruncate does)
// while it is read, from a read hook, so with no timing: before any read
// that reaches past cut, the file is cut there. Whether read in one piece
// or in parts, the input must be CHANGED, not complete, and keep exactly
// what a scan of the file's whole lines before cut finds; never a clean
// read of what is left, nor of nothing.
func TestShrinkWhileRead(t *testing.T) {
	log := synthLog(t, 6<<20)
	const cut = 1<<20 + 37 // inside a line, well before the parts' split
	kept := log[:bytes.LastIndexByte(log[:cut], '\n')+1]
	dir := t.TempDir()
	prefix := filepath.Join(dir, "prefix.log")
	if err := os.WriteFile(prefix, kept, 0o644); err != nil {
		t.Fatal(err)
	}
	want, errs := scanReport(t, []string{prefix}, Options{Jobs: 1})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	wantLines := int64(bytes.Count(kept, []byte("\n")))
	liveRuns(t, dir, log, func(t *testing.T, name string, once *sync.Once) func(int64, int64) {
		return func(off, n int64) {
			if off+n > cut {
				once.Do(func() {
					if err := os.Truncate(name, cut); err != nil {
						t.Error(err)
					}
				})
			}
		}
	}, func(t *testing.T, got map[string]any, errs []error) {
		checkChanged(t, got, errs, int64(len(log)), cut, wantLines)
		for _, k := range []string{"totals", "escalations", "classes"} {
			if diff := cmp.Diff(want[k], got[k]); diff != "" {
				t.Errorf("%s differ from a scan of the lines before the cut (-want +got):\n%s", k, diff)
			}
		}
	})
}

// liveRuns writes log to dir/live.log and scans it, once in one piece and
// once in parts, with the read hook that hook makes for it (called once
// per run; once is fresh for each), then checks the result with check.
func liveRuns(t *testing.T, dir string, log []byte, hook func(t *testing.T, name string, once *sync.Once) func(int64, int64),
	check func(t *testing.T, got map[string]any, errs []error)) {
	for _, tc := range []struct {
		name string
		opt  Options
	}{
		{"one piece", Options{Jobs: 1}},
		{"in parts", Options{Jobs: 2, PartMin: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := filepath.Join(dir, "live.log")
			if err := os.WriteFile(name, log, 0o644); err != nil {
				t.Fatal(err)
			}
			tc.opt.readHook = hook(t, name, new(sync.Once))
			got, errs := scanReport(t, []string{name}, tc.opt)
			check(t, got, errs)
		})
	}
}

// checkChanged checks that a scan of one input that shrank from size to
// cut bytes reports it CHANGED, with lines kept, in its error and its row.
func checkChanged(t *testing.T, got map[string]any, errs []error, size, cut, lines int64) {
	t.Helper()
	if len(errs) != 1 || parse.FaultOf(errs[0]).String() != "CHANGED" {
		t.Fatalf("errors = %v, want one CHANGED", errs)
	}
	msg := fmt.Sprintf("CHANGED at byte offset %d: file shrank from %d to %d bytes while being read; kept %d lines", cut, size, cut, lines)
	if !strings.Contains(errs[0].Error(), msg) {
		t.Errorf("error = %q, want it to hold %q", errs[0], msg)
	}
	in := got["inputs"].([]any)[0].(map[string]any)
	if in["complete"] != false || in["state"] != "CHANGED" || in["lines"] != float64(lines) {
		t.Errorf("input row: complete %v, state %v, lines %v; want false, CHANGED, %d", in["complete"], in["state"], in["lines"], lines)
	}
}

// TestGrowWhileRead appends to a file while it is read: the scan reads it
// up to the size it had when opened, whole, and leaves the rest for the
// next run.
func TestGrowWhileRead(t *testing.T) {
	log := synthLog(t, 3<<20)
	dir := t.TempDir()
	whole := filepath.Join(dir, "whole.log")
	if err := os.WriteFile(whole, log, 0o644); err != nil {
		t.Fatal(err)
	}
	want, errs := scanReport(t, []string{whole}, Options{Jobs: 1})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	more := bytes.Repeat([]byte("1756106023249\tSync.Resource\tDEBUG\tGET fail 503 https://sync-1-us-west1-g.sync.services.mozilla.com/1.5/1/info/collections\n"+
		"1756106023250\tSync.Resource\tTRACE\tGET body: server issue: pool exhausted\n"), 1000)
	liveRuns(t, dir, log, func(t *testing.T, name string, once *sync.Once) func(int64, int64) {
		return func(int64, int64) {
			once.Do(func() {
				f, err := os.OpenFile(name, os.O_APPEND|os.O_WRONLY, 0)
				if err == nil {
					_, err = f.Write(more)
					err = errors.Join(err, f.Close())
				}
				if err != nil {
					t.Error(err)
				}
			})
		}
	}, func(t *testing.T, got map[string]any, errs []error) {
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		in := got["inputs"].([]any)[0].(map[string]any)
		if in["complete"] != true || in["bytes"] != float64(len(log)) {
			t.Errorf("input row: complete %v, bytes %v; want true, %d", in["complete"], in["bytes"], len(log))
		}
		for _, k := range []string{"totals", "escalations"} {
			if diff := cmp.Diff(want[k], got[k]); diff != "" {
				t.Errorf("%s differ from the file as opened (-want +got):\n%s", k, diff)
			}
		}
	})
}

// TestShrinkCompressed cuts a gzip file in half while it is read: the
// decoder's error must not hide the shrink, and what was decoded before
// it is kept.
func TestShrinkCompressed(t *testing.T) {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(synthLog(t, 4<<20)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "live.log.gz")
	if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cut := int64(b.Len() / 2)
	var once sync.Once
	hook := func(off, n int64) {
		if off+n > cut {
			once.Do(func() {
				if err := os.Truncate(name, cut); err != nil {
					t.Error(err)
				}
			})
		}
	}
	got, errs := scanReport(t, []string{name}, Options{Jobs: 1, readHook: hook})
	if len(errs) != 1 || parse.FaultOf(errs[0]) != parse.Changed {
		t.Fatalf("errors = %v, want one CHANGED", errs)
	}
	in := got["inputs"].([]any)[0].(map[string]any)
	if in["complete"] != false || in["state"] != "CHANGED" || in["lines"].(float64) == 0 {
		t.Errorf("input row: complete %v, state %v, lines %v; want false, CHANGED, some", in["complete"], in["state"], in["lines"])
	}
}

// TestTwinsFolded checks that the same log given twice is counted once
// whether the first copy's row is still listed (it then says so) or was
// folded (Limits.Inputs): the twin is found by fingerprint, not by row.
func TestTwinsFolded(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{"a.log": "clean.log", "b.log": "legacy.log", "c.log": "clean.log"} {
		data, err := os.ReadFile(filepath.Join(logs, src))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a, b, c := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log"), filepath.Join(dir, "c.log")
	for _, tc := range []struct {
		name   string
		paths  []string
		row    string // the one row listed
		warned bool   // it says it is c's twin
	}{
		{"first copy listed", []string{a, b, c}, a, true},
		{"first copy folded", []string{b, a, c}, b, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl, err := classify.New(classify.DefaultEntries())
			if err != nil {
				t.Fatal(err)
			}
			sum, _, errs := Run(context.Background(), tc.paths, Options{Classifier: cl, Limits: summary.Limits{Inputs: 1}})
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			once, _, _ := Run(context.Background(), []string{a, b}, Options{Classifier: cl})
			if sum.Totals != once.Totals {
				t.Errorf("totals = %v, want %v (a and b once each)", sum.Totals, once.Totals)
			}
			if len(sum.Inputs) != 1 || sum.Inputs[0].Path != tc.row || sum.FoldedInputs.N != 1 {
				t.Fatalf("rows %+v, %d folded; want %s listed, 1 folded", sum.Inputs, sum.FoldedInputs.N, tc.row)
			}
			if warned := len(sum.Inputs[0].Warnings) > 0; warned != tc.warned {
				t.Errorf("row warnings %q, want some: %v", sum.Inputs[0].Warnings, tc.warned)
			}
			if len(sum.Skipped) != 1 || sum.Skipped[0].Path != c || !strings.HasPrefix(sum.Skipped[0].Why, "same log as "+a) {
				t.Errorf("skipped = %+v, want %s, same log as %s", sum.Skipped, c, a)
			}
		})
	}
}

// TestManyTwins checks that a log copied many times is counted once and
// that the first copy's row holds at most maxTwinWarnings warnings.
func TestManyTwins(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(logs, "clean.log"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var paths []string
	for i := range 3 * maxTwinWarnings {
		p := filepath.Join(dir, fmt.Sprintf("copy-%02d.log", i))
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	cl, err := classify.New(classify.DefaultEntries())
	if err != nil {
		t.Fatal(err)
	}
	sum, _, errs := Run(context.Background(), paths, Options{Classifier: cl})
	once, _, _ := Run(context.Background(), paths[:1], Options{Classifier: cl})
	if len(errs) > 0 || sum.Totals != once.Totals {
		t.Errorf("totals = %v (errors %v), want one copy's %v", sum.Totals, errs, once.Totals)
	}
	if len(sum.Inputs) != 1 || len(sum.Inputs[0].Warnings) != maxTwinWarnings || len(sum.Skipped) != len(paths)-1 {
		t.Errorf("%d rows, first with %d warnings, %d skipped; want 1, %d, %d",
			len(sum.Inputs), len(sum.Inputs[0].Warnings), len(sum.Skipped), maxTwinWarnings, len(paths)-1)
	}
}

// testShard is a Shard that owns the inputs own[i] and the members named
// in members.
type testShard struct {
	own     []bool
	members []string
}

func (s testShard) Input(i int) bool        { return s.own[i] }
func (s testShard) Member(name string) bool { return slices.Contains(s.members, name) }

// TestRunShard checks that a run of one shard lists only its own inputs,
// that inputs of other shards are dropped unread (even one that cannot be
// opened, or is compressed), and that a tar archive of any shard is read
// for the members that are the shard's own, including what they skip.
func TestRunShard(t *testing.T) {
	dir := t.TempDir()
	clean, err := os.ReadFile(filepath.Join(logs, "clean.log"))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, m := range []string{"mine.log", "theirs.log"} {
		if err := tw.WriteHeader(&tar.Header{Name: m, Mode: 0o644, Size: int64(len(clean))}); err != nil {
			t.Fatal(err)
		}
		tw.Write(clean)
	}
	for _, d := range []string{"mine/", "theirs/"} {
		if err := tw.WriteHeader(&tar.Header{Name: d, Mode: 0o755, Typeflag: tar.TypeDir}); err != nil {
			t.Fatal(err)
		}
	}
	tw.Close()
	arch := filepath.Join(dir, "bundle.tar")
	if err := os.WriteFile(arch, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	paths := []string{filepath.Join(logs, "clean.log"), filepath.Join(dir, "missing.log"), filepath.Join(logs, "weave.log.gz"),
		arch, filepath.Join(logs, "access.log")}
	sh := testShard{own: []bool{false, false, false, false, true}, members: []string{"mine.log", "mine/"}}
	sum, _, errs := Run(context.Background(), paths, Options{Classifier: mustClassifier(t), Shard: sh, Jobs: 2})
	if len(errs) != 0 {
		t.Errorf("errors %v, want none: the missing input is another shard's", errs)
	}
	var rows []string
	for _, in := range sum.Inputs {
		rows = append(rows, in.Path)
		if in.Path == arch && !slices.Equal(in.Warnings, []string{summary.ShardedArchive}) {
			t.Errorf("archive row warnings %q, want the shard's", in.Warnings)
		}
	}
	if want := []string{arch + ":mine.log", arch, paths[4]}; !slices.Equal(rows, want) {
		t.Errorf("rows %q, want %q", rows, want)
	}
	if len(sum.Skipped) != 1 || sum.Skipped[0].Path != arch+":mine/" {
		t.Errorf("skipped %+v, want the shard's own folder member only", sum.Skipped)
	}
}

func mustClassifier(t *testing.T) *classify.Classifier {
	t.Helper()
	cl, err := classify.New(classify.DefaultEntries())
	if err != nil {
		t.Fatal(err)
	}
	return cl
}
