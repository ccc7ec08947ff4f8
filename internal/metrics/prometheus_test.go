package metrics

import (
	"context"
	"path/filepath"
	"testing"

	"synclog/internal/classify"
	"synclog/internal/metrics/metricstest"
	"synclog/internal/scan"
	"synclog/internal/summary"
)

// fixtures returns the Summary of a real scan of the plain fixtures in
// testdata/logs.
func fixtures(t *testing.T) *summary.Summary {
	t.Helper()
	paths, err := filepath.Glob("../../testdata/logs/*.log")
	if err != nil || len(paths) == 0 {
		t.Fatalf("fixtures: %v %v", paths, err)
	}
	cl, err := classify.New(classify.DefaultEntries())
	if err != nil {
		t.Fatal(err)
	}
	sum, _, errs := scan.Run(context.Background(), paths, scan.Options{Classifier: cl, Jobs: 2})
	if len(errs) > 0 {
		t.Fatalf("scan: %v", errs)
	}
	if sum.Escalations() == 0 {
		t.Fatal("the fixtures hold no escalation")
	}
	return sum
}

// TestPrometheusScrapes serves the metrics of a real scan of the fixtures
// with Listen, has the real Prometheus server scrape them, and checks
// that its query API gives every key the Summary's count.
func TestPrometheusScrapes(t *testing.T) {
	sum := fixtures(t)
	want := make(map[string]float64)
	for _, e := range sum.Escalated.Ents {
		want[e.Key] = float64(e.Val.N)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, err := Listen(ctx, "127.0.0.1:0", NewCollector(func(fn func(*summary.Summary)) { fn(sum) }))
	if err != nil {
		t.Fatal(err)
	}
	api := metricstest.StartPrometheus(t, addr.String())
	got := metricstest.WaitEscalations(t, api, func(got map[string]float64) bool { return len(got) >= len(want) })
	if len(got) != len(want) {
		t.Fatalf("Prometheus has %d keys: %v\nwant %d: %v", len(got), got, len(want), want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("key %q: Prometheus has %v, the summary %v", k, got[k], n)
		}
	}
}
