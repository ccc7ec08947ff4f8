// Package metricstest runs the real Prometheus server for the tests that
// check synclog's metrics end to end (package metrics serving a scan's
// summary, synclog watch --listen): on 127.0.0.1 only, its storage in a
// temporary folder, killed when the test ends.
package metricstest

import (
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
)

// NeedTool returns the path of the program name, and skips the test when
// there is none, unless CI=true: CI must run it.
func NeedTool(t testing.TB, name string) string {
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

// FreePort returns a TCP port of 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// StartPrometheus starts the real Prometheus server on 127.0.0.1,
// scraping target every second, and returns the address of its HTTP API.
// Its log is shown when the test fails.
func StartPrometheus(t testing.TB, target string) string {
	t.Helper()
	exe := NeedTool(t, "prometheus")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "prometheus.yml")
	conf := fmt.Sprintf("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: synclog\n    static_configs:\n      - targets: ['%s']\n", target)
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	api := fmt.Sprintf("127.0.0.1:%d", FreePort(t))
	logf, err := os.Create(filepath.Join(dir, "prometheus.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+api, "--log.level=warn")
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
	return api
}

// Escalations returns synclog_escalations_total by key, as the Prometheus
// server at api has it now.
func Escalations(api string) (map[string]float64, error) {
	resp, err := http.Get("http://" + api + "/api/v1/query?query=synclog_escalations_total")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var r struct {
		Status string `json:"status"`
		Data   struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return nil, err
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("query status %q", r.Status)
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

// WaitEscalations polls the Prometheus server at api (every 500 ms, 30 s
// at most) until done says what it has is what the test waits for, and
// returns that; the test fails if it never is.
func WaitEscalations(t testing.TB, api string, done func(map[string]float64) bool) map[string]float64 {
	t.Helper()
	var got map[string]float64
	var err error
	for range 60 {
		if got, err = Escalations(api); err == nil && done(got) {
			return got
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("Prometheus has synclog_escalations_total %v (error %v), not what the test waits for", got, err)
	return nil
}
