package scan

import (
	"bytes"
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"synclog/internal/classify"
	"synclog/internal/report"
	"synclog/internal/summary"
)

// mergeRun scans paths with limits l and returns the summary.
func mergeRun(t *testing.T, paths []string, l summary.Limits) *summary.Summary {
	t.Helper()
	cl, err := classify.New(classify.DefaultEntries())
	if err != nil {
		t.Fatal(err)
	}
	sum, _, errs := Run(context.Background(), paths, Options{Classifier: cl, Limits: l, Jobs: 2})
	if len(errs) > 0 {
		t.Fatalf("Run: %v", errs)
	}
	return sum
}

func mergeRender(t *testing.T, s *summary.Summary, o report.Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := report.Render(&b, s, o); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func mergeRead(t *testing.T, js string) *summary.Summary {
	t.Helper()
	s, err := report.ReadJSON(strings.NewReader(js), summary.Limits{})
	if err != nil {
		t.Fatalf("ReadJSON: %v", err)
	}
	return s
}

var mergeFormats = []report.Options{{Format: "json"}, {Format: "text"}, {Format: "markdown"}}

// firstDiff shows where two reports part.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range min(len(w), len(g)) {
		if w[i] != g[i] {
			return "line " + strconv.Itoa(i+1) + ":\n-" + w[i] + "\n+" + g[i]
		}
	}
	return "lengths " + strconv.Itoa(len(w)) + " and " + strconv.Itoa(len(g)) + " lines"
}

// TestMergeJSONReports checks the merge of JSON reports: one run over the
// fixture logs renders exactly like runs over shards of them (one file, or
// 2-3 files each), rendered as JSON, read back with ReadJSON and merged in
// input order, in every format.
func TestMergeJSONReports(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(logs, "*.log"))
	if err != nil || len(paths) < 6 {
		t.Fatalf("want the fixture logs, got %d (%v)", len(paths), err)
	}
	chunks := func(sizes ...int) [][]string {
		var out [][]string
		for i, k := 0, 0; i < len(paths); k++ {
			n := min(sizes[k%len(sizes)], len(paths)-i)
			out = append(out, paths[i:i+n])
			i += n
		}
		return out
	}
	shardings := map[string][][]string{
		"per file":  chunks(1),
		"2-3 files": chunks(2, 3),
		"3-2 files": chunks(3, 2),
	}
	for _, l := range []summary.Limits{{}, {Samples: 1, Keys: 2}, {Samples: 2, Keys: 4}} {
		one := mergeRun(t, paths, l)
		for name, shards := range shardings {
			// Tight limits: a shard that folds keys into "(other)" keeps them
			// there (see summary.Summary.Merge), so only per-file shards, which
			// Run merges the very same way, are exact.
			if l != (summary.Limits{}) && name != "per file" {
				continue
			}
			var merged *summary.Summary
			for _, sh := range shards {
				s := mergeRead(t, mergeRender(t, mergeRun(t, sh, l), report.Options{Format: "json"}))
				if merged == nil {
					merged = s
				} else {
					merged.Merge(s)
				}
			}
			for _, o := range mergeFormats {
				want, got := mergeRender(t, one, o), mergeRender(t, merged, o)
				if want != got {
					t.Errorf("limits %+v, shards %s, %s: merged reports differ from one run: %s", l, name, o.Format, firstDiff(want, got))
				}
			}
		}
	}
}

// TestReadJSONFixtures checks Render(ReadJSON(Render(s))) == Render(s) for
// the summary of the fixture logs, unredacted and redacted.
func TestReadJSONFixtures(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join(logs, "*.log*"))
	s := mergeRun(t, paths, summary.Limits{})
	back := mergeRead(t, mergeRender(t, s, report.Options{Format: "json"}))
	for _, o := range mergeFormats {
		if want, got := mergeRender(t, s, o), mergeRender(t, back, o); want != got {
			t.Errorf("%s: round trip differs: %s", o.Format, firstDiff(want, got))
		}
	}
	red := mergeRead(t, mergeRender(t, s, report.Options{Format: "json", Redact: true}))
	for _, o := range mergeFormats {
		o.Redact = true
		want := mergeRender(t, s, o)
		for _, again := range []bool{true, false} {
			o.Redact = again
			if got := mergeRender(t, red, o); want != got {
				t.Errorf("%s (redact %v): redacted round trip differs: %s", o.Format, again, firstDiff(want, got))
			}
		}
	}
	// A merge of redacted reports stays redacted.
	red.Merge(mergeRead(t, mergeRender(t, s, report.Options{Format: "json", Redact: true})))
	if txt := mergeRender(t, red, report.Options{}); strings.Contains(txt, "NOT REDACTED") {
		t.Error("a merge of redacted reports says NOT REDACTED")
	}
}
