package synth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"synclog/internal/classify"
	"synclog/internal/report"
	"synclog/internal/scan"
)

func write(t testing.TB, c Config) ([]byte, Truth) {
	t.Helper()
	var buf bytes.Buffer
	tr, err := Write(&buf, c)
	if err != nil {
		t.Fatalf("Write(%+v): %v", c, err)
	}
	return buf.Bytes(), tr
}

func TestWriteDeterministic(t *testing.T) {
	const mib = 1 << 20
	sum := func(c Config) [32]byte {
		b, _ := write(t, c)
		return sha256.Sum256(b)
	}
	a := sum(Config{Seed: 1, Bytes: mib, Trace: true})
	if b := sum(Config{Seed: 1, Bytes: mib, Trace: true}); a != b {
		t.Errorf("seed 1 twice: sha256 %x then %x, want equal", a, b)
	}
	if b := sum(Config{Seed: 2, Bytes: mib, Trace: true}); a == b {
		t.Errorf("seeds 1 and 2 wrote the same bytes")
	}
	if b := sum(Config{Seed: 1, Bytes: mib, Trace: false}); a == b {
		t.Errorf("Trace on and off wrote the same bytes")
	}
}

// TestWritePrefix checks that a smaller target writes a prefix of a larger
// one, so that sizes can be compared on the same data.
func TestWritePrefix(t *testing.T) {
	small, _ := write(t, Config{Seed: 7, Bytes: 300 << 10, Trace: true})
	big, _ := write(t, Config{Seed: 7, Bytes: 3 << 20, Trace: true})
	if !bytes.HasPrefix(big, small) {
		t.Errorf("the %d-byte log is not a prefix of the %d-byte one", len(small), len(big))
	}
}

func TestWriteSize(t *testing.T) {
	for _, tc := range []struct {
		name  string
		bytes int64
		trace bool
	}{
		{"1MiB", 1 << 20, true},
		{"1MiB-default-level", 1 << 20, false},
		{"3MiB+12345", 3<<20 + 12345, true},
		{"5MiB", 5 << 20, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, tr := write(t, Config{Seed: 3, Bytes: tc.bytes, Trace: tc.trace})
			got := int64(len(b))
			if got < tc.bytes || float64(got-tc.bytes) > 0.01*float64(tc.bytes) {
				t.Errorf("wrote %d bytes, want %d to %d (within 1%%)", got, tc.bytes, tc.bytes+tc.bytes/100)
			}
			if tr.Bytes != got {
				t.Errorf("Truth.Bytes = %d, want %d", tr.Bytes, got)
			}
			if n := int64(bytes.Count(b, []byte{'\n'})); tr.Lines != n {
				t.Errorf("Truth.Lines = %d, want %d", tr.Lines, n)
			}
			if len(b) > 0 && b[len(b)-1] != '\n' {
				t.Errorf("log does not end in a newline")
			}
			// Realistic line lengths: about 100 bytes on average.
			if avg := float64(got) / float64(tr.Lines); avg < 90 || avg > 112 {
				t.Errorf("average line length %.1f bytes, want 90 to 112", avg)
			}
		})
	}
}

func TestWriteErrors(t *testing.T) {
	if _, err := Write(io.Discard, Config{Seed: 1}); !errors.Is(err, ErrBytes) {
		t.Errorf("Write with Bytes 0: err = %v, want ErrBytes", err)
	}
	boom := errors.New("disk full")
	w := &failWriter{after: 3 << 20, err: boom}
	tr, err := Write(w, Config{Seed: 1, Bytes: 8 << 20, Trace: true})
	if !errors.Is(err, boom) {
		t.Errorf("Write to a failing writer: err = %v, want %v", err, boom)
	}
	if tr.Bytes != w.n {
		t.Errorf("Truth.Bytes = %d after a write error, want the %d bytes written", tr.Bytes, w.n)
	}
}

func TestWriteLayoutErrors(t *testing.T) {
	if _, err := Write(io.Discard, Config{Seed: 1, Bytes: 1 << 10, Layout: "syslog"}); !errors.Is(err, ErrLayout) {
		t.Errorf("Write with Layout syslog: err = %v, want ErrLayout", err)
	}
	a, _ := write(t, Config{Seed: 1, Bytes: 256 << 10, Trace: true})
	b, _ := write(t, Config{Seed: 1, Bytes: 256 << 10, Trace: true, Layout: LayoutDesktop})
	if !bytes.Equal(a, b) {
		t.Errorf("Layout \"\" and %q wrote different logs", LayoutDesktop)
	}
}

// TestWriteLayouts checks the generator in the layouts other than desktop
// on its own (the parsers do not read them yet): deterministic, prefixes,
// sized, lines counted, and every kind of event the layout can hold.
func TestWriteLayouts(t *testing.T) {
	for _, layout := range Layouts[1:] {
		t.Run(layout, func(t *testing.T) {
			c := Config{Seed: 5, Bytes: 3<<20 + 777, Trace: true, Layout: layout}
			big, tr := write(t, c)
			if again, _ := write(t, c); !bytes.Equal(big, again) {
				t.Errorf("the same Config wrote different logs")
			}
			if got := int64(len(big)); got < c.Bytes || got-c.Bytes > c.Bytes/100 || tr.Bytes != got {
				t.Errorf("wrote %d bytes (Truth.Bytes %d), want %d to %d", got, tr.Bytes, c.Bytes, c.Bytes+c.Bytes/100)
			}
			if n := int64(bytes.Count(big, []byte{'\n'})); tr.Lines != n || big[len(big)-1] != '\n' {
				t.Errorf("Truth.Lines = %d, log has %d lines (last byte %q)", tr.Lines, n, big[len(big)-1])
			}
			c.Bytes = 300 << 10
			if small, _ := write(t, c); !bytes.HasPrefix(big, small) {
				t.Errorf("the %d-byte log is not a prefix of the %d-byte one", len(small), len(big))
			}
			checkCoverage(t, tr, layout, true)
			_, tr = write(t, Config{Seed: 5, Bytes: 3 << 20, Layout: layout})
			checkCoverage(t, tr, layout, false)
		})
	}
}

// failWriter accepts after bytes, then fails.
type failWriter struct {
	n, after int64
	err      error
}

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n+int64(len(p)) > w.after {
		return 0, w.err
	}
	w.n += int64(len(p))
	return len(p), nil
}

// jsonReport is the part of synclog's JSON report compared with Truth.
type jsonReport struct {
	Inputs []struct {
		Lines    int64 `json:"lines"`
		Complete bool  `json:"complete"`
	} `json:"inputs"`
	Totals struct {
		Responses       int64 `json:"responses"`
		FailedResponses int64 `json:"failed_responses"`
		Bodies          int64 `json:"bodies"`
		ServerCode      int64 `json:"server_code"`
		Infra           int64 `json:"infra"`
		Unknown         int64 `json:"unknown"`
		Escalations     int64 `json:"escalations"`
		NoBody503       int64 `json:"no_body_503"`
		NetworkErrors   int64 `json:"network_errors"`
		Backoffs        int64 `json:"backoffs"`
	} `json:"totals"`
	Classes []struct {
		Class string `json:"class"`
		Key   string `json:"key"`
		Count int64  `json:"count"`
	} `json:"classes"`
}

// TestTruthMatchesParser runs synclog's real pipeline (scan, classify,
// report) over a generated log of every layout and compares every count
// with the Truth.
func TestTruthMatchesParser(t *testing.T) {
	type run struct {
		name  string
		seed  int64
		trace bool
	}
	short := []run{{"trace/seed1", 1, true}, {"trace/seed2", 2, true}, {"default-level/seed1", 1, false}}
	runs := map[string][]run{LayoutDesktop: append(short, run{"trace/seed3", 3, true}, run{"default-level/seed2", 2, false})}
	for _, layout := range Layouts {
		t.Run(layout, func(t *testing.T) {
			// Every kind of event must occur, so that the comparison means
			// something; a seed may lack a rare one, the seeds together
			// may not.
			all := map[bool]*Truth{true: {Classes: map[string]int64{}}, false: {Classes: map[string]int64{}}}
			defer func() {
				for trace, tr := range all {
					checkCoverage(t, *tr, layout, trace)
				}
			}()
			rs, ok := runs[layout]
			if !ok {
				rs = short
			}
			for _, r := range rs {
				t.Run(r.name, func(t *testing.T) {
					c := Config{Seed: r.seed, Bytes: 2 << 20, Trace: r.trace, Layout: layout}
					add(all[r.trace], checkTruth(t, c))
				})
			}
		})
	}
}

// checkTruth writes the log of c to a file, scans it with synclog's real
// pipeline, compares the report's counts with the Truth, and returns the
// Truth.
func checkTruth(t *testing.T, c Config) Truth {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sync.log")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Write(f, c)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	got := scanReport(t, path)
	if len(got.Inputs) != 1 || !got.Inputs[0].Complete || got.Inputs[0].Lines != want.Lines {
		t.Errorf("inputs = %+v, want one complete input of %d lines", got.Inputs, want.Lines)
	}
	compareTotals(t, got, want)
	return want
}

// scanReport scans path and returns synclog's JSON report on it.
func scanReport(t *testing.T, path string) jsonReport {
	t.Helper()
	cl, err := classify.New(classify.DefaultEntries())
	if err != nil {
		t.Fatal(err)
	}
	sum, _, errs := scan.Run(context.Background(), []string{path}, scan.Options{Classifier: cl})
	if len(errs) > 0 {
		t.Fatalf("scan: %v", errs)
	}
	var buf bytes.Buffer
	if err := report.Render(&buf, sum, report.Options{Format: "json"}); err != nil {
		t.Fatal(err)
	}
	var got jsonReport
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	return got
}

// compareTotals compares the report's totals and classes with want.
func compareTotals(t *testing.T, got jsonReport, want Truth) {
	t.Helper()
	gotClasses := map[string]int64{}
	var byKind = map[string]int64{}
	for _, c := range got.Classes {
		gotClasses[c.Class+"/"+c.Key] += c.Count
	}
	var bodies int64
	for k, n := range want.Classes {
		bodies += n
		byKind[k[:strings.IndexByte(k, '/')]] += n
	}
	gt := got.Totals
	for _, c := range []struct {
		name      string
		got, want int64
	}{
		{"responses", gt.Responses, want.Responses},
		{"failed_responses", gt.FailedResponses, want.FailedResponses},
		{"bodies", gt.Bodies, bodies},
		{"server_code", gt.ServerCode, byKind["server_code"]},
		{"infra", gt.Infra, byKind["infra"]},
		{"unknown", gt.Unknown, byKind["unknown"]},
		{"escalations", gt.Escalations, want.Escalations},
		{"no_body_503", gt.NoBody503, want.NoBody503},
		{"network_errors", gt.NetworkErrors, want.NetworkErrors},
		{"backoffs", gt.Backoffs, want.Backoffs},
	} {
		if c.got != c.want {
			t.Errorf("totals.%s = %d, want %d (Truth)", c.name, c.got, c.want)
		}
	}
	if diff := cmp.Diff(want.Classes, gotClasses); diff != "" {
		t.Errorf("classes differ from Truth (-truth +report):\n%s", diff)
	}
}

func add(dst *Truth, t Truth) {
	dst.Lines += t.Lines
	dst.Responses += t.Responses
	dst.FailedResponses += t.FailedResponses
	dst.Escalations += t.Escalations
	dst.NoBody503 += t.NoBody503
	dst.NetworkErrors += t.NetworkErrors
	dst.Backoffs += t.Backoffs
	for k, n := range t.Classes {
		dst.Classes[k] += n
	}
}

// checkCoverage checks that tr, written in layout, holds every kind of
// event that layout can hold, and none that it cannot.
func checkCoverage(t *testing.T, tr Truth, layout string, trace bool) {
	t.Helper()
	if tr.Responses == 0 || tr.FailedResponses == 0 || tr.NoBody503 == 0 {
		t.Errorf("%s: Truth lacks a kind of event: %+v", layout, tr)
	}
	if layout == LayoutDesktop && (tr.NetworkErrors == 0 || tr.Backoffs == 0) {
		t.Errorf("%s: Truth lacks a network error or a backoff: %+v", layout, tr)
	}
	if layout != LayoutDesktop && (tr.NetworkErrors != 0 || tr.Backoffs != 0) {
		t.Errorf("%s: Truth has a network error or a backoff, which the layout cannot hold: %+v", layout, tr)
	}
	if !trace || layout == LayoutIOS || layout == LayoutAccess {
		if tr.Escalations != 0 || len(tr.Classes) != 0 {
			t.Errorf("%s, Trace %v: Truth has bodies: %+v", layout, trace, tr)
		}
		return
	}
	if tr.Escalations == 0 {
		t.Errorf("%s: Truth has no escalation: %+v", layout, tr)
	}
	codes := tr.Classes["server_code/14"] + tr.Classes["server_code/17"] + tr.Classes["server_code/8"]
	if codes == 0 || tr.Classes["unknown/0"] == 0 || tr.Classes["unknown/(html page)"] == 0 {
		t.Errorf("%s: Truth lacks a server code, a 0 or an HTML body: %v", layout, tr.Classes)
	}
}

var sinkTruth Truth

// BenchmarkWrite measures the generator alone, writing to io.Discard.
func BenchmarkWrite(b *testing.B) {
	for _, trace := range []bool{true, false} {
		name := "trace"
		if !trace {
			name = "default-level"
		}
		b.Run(name, func(b *testing.B) {
			c := Config{Seed: 1, Bytes: 16 << 20, Trace: trace}
			b.SetBytes(c.Bytes)
			b.ReportAllocs()
			for b.Loop() {
				tr, err := Write(io.Discard, c)
				if err != nil {
					b.Fatal(err)
				}
				sinkTruth = tr
			}
		})
	}
}
