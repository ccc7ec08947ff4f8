package metrics

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"synclog/internal/classify"
	"synclog/internal/scan"
	"synclog/internal/summary"
)

// needTool returns the path of the program name, and skips the test when
// there is none, unless CI=true: CI must run it.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but no %s: %v", name, err)
		}
		t.Skipf("no %s", name)
	}
	return p
}

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

// freePort returns a TCP port of 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startPrometheus starts the real Prometheus server on 127.0.0.1, with its
// storage in a temporary folder, scraping target every second, and returns
// the address of its HTTP API. The server is killed when the test ends.
func startPrometheus(t *testing.T, target string) string {
	exe := needTool(t, "prometheus")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "prometheus.yml")
	conf := fmt.Sprintf("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: synclog\n    static_configs:\n      - targets: ['%s']\n", target)
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	logf, err := os.Create(filepath.Join(dir, "prometheus.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--log.level=warn")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		_ = logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("prometheus log:\n%s", b)
		}
	})
	return addr
}

// queryResult is the part of Prometheus's /api/v1/query answer the test
// reads: an instant vector.
type queryResult struct {
	Status string `json:"status"`
	Data   struct {
		Result []struct {
			Metric map[string]string `json:"metric"`
			Value  [2]any            `json:"value"`
		} `json:"result"`
	} `json:"data"`
}

// query returns synclog_escalations_total by key, as Prometheus has it.
func query(api string) (map[string]float64, error) {
	resp, err := http.Get("http://" + api + "/api/v1/query?query=synclog_escalations_total")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var r queryResult
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return nil, err
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("status %q", r.Status)
	}
	got := make(map[string]float64)
	for _, s := range r.Data.Result {
		v, _ := s.Value[1].(string)
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, fmt.Errorf("value %v: %v", s.Value, err)
		}
		got[s.Metric["key"]] = n
	}
	return got, nil
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
	api := startPrometheus(t, addr.String())
	var got map[string]float64
	var qerr error
	for range 60 { // 30 s at most
		time.Sleep(500 * time.Millisecond)
		if got, qerr = query(api); qerr == nil && len(got) >= len(want) {
			break
		}
	}
	if qerr != nil {
		t.Fatalf("query: %v", qerr)
	}
	if len(got) != len(want) {
		t.Fatalf("Prometheus has %d keys: %v\nwant %d: %v", len(got), got, len(want), want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("key %q: Prometheus has %v, the summary %v", k, got[k], n)
		}
	}
}
