package metrics

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"synclog/internal/metrics/metricstest"
)

// alertRuleTest is a promtool rule test of the README's SyncEscalation
// alert: key a grows from 2 to 3 at minute 30; key b is first seen, with
// 1, at minute 40.
const alertRuleTest = `rule_files: [rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'synclog_escalations_total{key="a"}'
        values: '2x30 3x30'
      - series: 'synclog_escalations_total{key="b"}'
        values: '_x40 1x20'
    alert_rule_test:
      - {eval_time: 20m, alertname: SyncEscalation, exp_alerts: []}
      - eval_time: 33m
        alertname: SyncEscalation
        exp_alerts:
          - exp_labels: {key: a}
            exp_annotations: {summary: "infra string a in an HTTP 503: contact Services Operations"}
      - eval_time: 43m
        alertname: SyncEscalation
        exp_alerts:
          - exp_labels: {key: b}
            exp_annotations: {summary: "infra string b in an HTTP 503: contact Services Operations"}
      - {eval_time: 55m, alertname: SyncEscalation, exp_alerts: []}
`

// readmeRules returns the alert rules the README gives: the first YAML
// block under its "### Metrics for alerting" heading.
func readmeRules(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(b), "\n### Metrics for alerting\n")
	if !ok {
		t.Fatal("README: no section Metrics for alerting")
	}
	_, block, ok := strings.Cut(sec, "\n```yaml\n")
	if ok {
		block, _, ok = strings.Cut(block, "\n```\n")
	}
	if !ok {
		t.Fatal("README: no YAML block under Metrics for alerting")
	}
	return block + "\n"
}

// TestAlertRule has the real promtool check that the README's alert rule
// fires when a key's count grows and when a key is first seen, and not
// otherwise.
func TestAlertRule(t *testing.T) {
	exe := metricstest.NeedTool(t, "promtool")
	dir := t.TempDir()
	for name, text := range map[string]string{"rules.yml": readmeRules(t), "test.yml": alertRuleTest} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(exe, "test", "rules", "test.yml")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool test rules: %v\n%s", err, out)
	}
}
