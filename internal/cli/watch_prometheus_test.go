package cli

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// prometheusPath is Debian's Prometheus server; the test skips without
// it, and fails without it under CI=true.
const prometheusPath = "/usr/bin/prometheus"

// freeLoopbackPort returns a TCP port of 127.0.0.1 that was free a moment
// ago.
func freeLoopbackPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// runPrometheus starts the real Prometheus server on 127.0.0.1, storage in
// a temporary folder, scraping target every second, and returns the
// address of its HTTP API. It is killed when the test ends.
func runPrometheus(t *testing.T, target string) string {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "prometheus.yml")
	conf := fmt.Sprintf("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: synclog-watch\n    static_configs:\n      - targets: ['%s']\n", target)
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	api := fmt.Sprintf("127.0.0.1:%d", freeLoopbackPort(t))
	logs := &lockedBuffer{}
	cmd := exec.Command(prometheusPath, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+api, "--log.level=warn")
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("prometheus log:\n%s", logs.String())
		}
	})
	return api
}

// escalationsOf returns synclog_escalations_total{key} as the Prometheus
// server at api has it now (-1: no such series).
func escalationsOf(api, key string) (float64, error) {
	resp, err := http.Get("http://" + api + "/api/v1/query?query=synclog_escalations_total")
	if err != nil {
		return -1, err
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
		return -1, err
	}
	if r.Status != "success" {
		return -1, fmt.Errorf("query status %q", r.Status)
	}
	for _, s := range r.Data.Result {
		if s.Metric["key"] == key {
			v, _ := s.Value[1].(string)
			return strconv.ParseFloat(v, 64)
		}
	}
	return -1, nil
}

// waitEscalations polls Prometheus (every 500 ms, 30 s at most) until it
// has want escalations of key.
func waitEscalations(t *testing.T, api, key string, want float64) {
	t.Helper()
	var got float64
	var err error
	for range 60 {
		if got, err = escalationsOf(api, key); err == nil && got == want {
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("Prometheus has synclog_escalations_total{key=%q} = %v (error %v), want %v", key, got, err, want)
}

// TestWatchPrometheus has the real Prometheus server scrape synclog watch
// --listen while escalations are logged, and checks through its query
// API that synclog_escalations_total follows them.
func TestWatchPrometheus(t *testing.T) {
	needInstalled(t, prometheusPath)
	bin := buildSynclog(t)
	log := filepath.Join(t.TempDir(), "sync.log")
	appendLog(t, log, escalation(0)+escalation(1)+escalation(2))
	addr := fmt.Sprintf("127.0.0.1:%d", freeLoopbackPort(t))
	w := startWatch(t, bin, nil, "--from-start", "--listen", addr, log)
	waitFor(t, 10*time.Second, w.errOut.String, func(s string) bool { return strings.Contains(s, "metrics at http://"+addr+"/metrics") }, "metrics address on stderr")
	api := runPrometheus(t, addr)
	const key = "server issue: pool exhausted"
	waitEscalations(t, api, key, 3)
	appendLog(t, log, escalation(3)+escalation(4))
	waitEscalations(t, api, key, 5)
	if code := w.stop(t); code != 1 {
		t.Errorf("exit status %d, want 1; stderr: %s", code, w.errOut.String())
	}
	lines, _, ok := strings.Cut(w.out.String(), "ESCALATE")
	if !ok {
		t.Errorf("no report after the lines:\n%s", w.out.String())
	}
	checkOnce(t, lines, 5)
}
