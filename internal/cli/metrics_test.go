package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"synclog/internal/summary"
)

// TestMetricsPromtool writes the --metrics file of a real scan of every
// fixture, and has the real promtool check it, as node_exporter's
// textfile collector would read it.
func TestMetricsPromtool(t *testing.T) {
	exe, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but no promtool: %v", err)
		}
		t.Skip("no promtool")
	}
	paths, err := filepath.Glob("../../testdata/logs/*.log*")
	if err != nil || len(paths) == 0 {
		t.Fatalf("fixtures: %v %v", paths, err)
	}
	path := filepath.Join(t.TempDir(), "synclog.prom")
	var out, errOut bytes.Buffer
	if code := Run(append([]string{"scan", "--quiet", "--metrics", path}, paths...), strings.NewReader(""), &out, &errOut); code != 1 {
		t.Fatalf("scan: exit %d, want 1 (escalations)\n%s", code, errOut.String())
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(exe, "check", "metrics")
	cmd.Stdin = f
	msg, err := cmd.CombinedOutput()
	if err != nil || len(bytes.TrimSpace(msg)) != 0 {
		t.Errorf("promtool check metrics: %v\n%s", err, msg)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte("\nsynclog_escalations_total{key=")) {
		t.Errorf("no escalation in the metrics:\n%s", data)
	}
}

// TestMetricsWriteFails checks that a --metrics file that cannot be
// written at the end of the run is exit 73, naming the flag.
func TestMetricsWriteFails(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sub")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	o := &scanOptions{metricsPath: filepath.Join(dir, "m.prom")}
	m, err := o.openMetrics(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(dir); err != nil { // gone while the scan ran
		t.Fatal(err)
	}
	err = m.write(summary.New(summary.Limits{}), true)
	var ce *cantCreateError
	if !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), "--metrics: write ") {
		t.Fatalf("write: %v, want a cantCreateError about --metrics", err)
	}
	var errOut bytes.Buffer
	if code := exitFor(err, &streams{errOut: &errOut}); code != exitCantCreate {
		t.Errorf("exit %d, want %d", code, exitCantCreate)
	}
	if (*metricsFile)(nil).write(summary.New(summary.Limits{}), true) != nil {
		t.Error("no --metrics: write failed")
	}
}
