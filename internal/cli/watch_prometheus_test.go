package cli

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"synclog/internal/metrics/metricstest"
)

// TestWatchPrometheus has the real Prometheus server scrape synclog watch
// --listen while escalations are logged, and checks through its query
// API that synclog_escalations_total follows them.
func TestWatchPrometheus(t *testing.T) {
	metricstest.NeedTool(t, "prometheus")
	bin := buildSynclog(t)
	log := filepath.Join(t.TempDir(), "sync.log")
	appendLog(t, log, escalation(0)+escalation(1)+escalation(2))
	addr := fmt.Sprintf("127.0.0.1:%d", metricstest.FreePort(t))
	w := startWatch(t, bin, nil, "--from-start", "--listen", addr, log)
	waitFor(t, 10*time.Second, w.errOut.String, func(s string) bool { return strings.Contains(s, "metrics at http://"+addr+"/metrics") }, "metrics address on stderr")
	api := metricstest.StartPrometheus(t, addr)
	const key = "server issue: pool exhausted"
	metricstest.WaitEscalations(t, api, func(got map[string]float64) bool { return got[key] == 3 })
	appendLog(t, log, escalation(3)+escalation(4))
	metricstest.WaitEscalations(t, api, func(got map[string]float64) bool { return got[key] == 5 })
	if code := w.stop(t); code != 1 {
		t.Errorf("exit status %d, want 1; stderr: %s", code, w.errOut.String())
	}
	lines, _, ok := strings.Cut(w.out.String(), "ESCALATE")
	if !ok {
		t.Errorf("no report after the lines:\n%s", w.out.String())
	}
	checkOnce(t, lines, 5)
}
