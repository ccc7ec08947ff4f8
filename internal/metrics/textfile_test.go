package metrics

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var runTime = time.Date(2026, 12, 2, 17, 0, 0, 500_000_000, time.UTC)

func TestWrite(t *testing.T) {
	for _, success := range []bool{true, false} {
		var b bytes.Buffer
		if err := Write(&b, sample(2), success, runTime); err != nil {
			t.Fatal(err)
		}
		want := "synclog_last_run_success 0\n"
		if success {
			want = "synclog_last_run_success 1\n"
		}
		for _, w := range []string{
			want,
			"# TYPE synclog_last_run_timestamp_seconds gauge\nsynclog_last_run_timestamp_seconds 1.7962308005e+09\n",
			`synclog_escalations_total{key="(other)"} 2` + "\n",
			"synclog_lines_total 22\n",
		} {
			if !strings.Contains(b.String(), w) {
				t.Errorf("success=%v: no %q in\n%s", success, w, b.String())
			}
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// onlyFile fails unless dir holds just name: no temporary file is left.
func onlyFile(t *testing.T, dir, name string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if len(names) != 1 || names[0] != name {
		t.Errorf("%s holds %q, want only %q", dir, names, name)
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "synclog.prom")
	if err := WriteFile(path, sample(2), true, runTime); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := Write(&want, sample(2), true, runTime); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, path); got != want.String() {
		t.Errorf("file:\n%s\nwant what Write writes:\n%s", got, want.String())
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("new file mode %v, want 0644", fi.Mode().Perm())
	}
	onlyFile(t, dir, "synclog.prom")
}

func TestWriteFileReplaceKeepsMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "synclog.prom")
	if err := os.WriteFile(path, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, sample(2), false, runTime); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if after.Mode().Perm() != 0o640 {
		t.Errorf("mode %v after replacing, want 0640", after.Mode().Perm())
	}
	if os.SameFile(before, after) {
		t.Error("the file was written in place, not replaced by a rename")
	}
	if got := readFile(t, path); !strings.Contains(got, "synclog_last_run_success 0\n") {
		t.Errorf("file not replaced:\n%s", got)
	}
	onlyFile(t, dir, "synclog.prom")
}

func TestWriteFileSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.prom")
	link := filepath.Join(dir, "link.prom")
	if err := os.WriteFile(target, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.prom", link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(link, sample(2), true, runTime); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("link replaced: %v, %v", fi, err)
	}
	if got := readFile(t, target); !strings.Contains(got, "synclog_lines_total 22\n") {
		t.Errorf("target:\n%s", got)
	}
}

func TestWriteFileRefusesNonRegular(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(sub, sample(2), true, runTime); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("WriteFile on a folder: %v, want not a regular file", err)
	}
	if fi, err := os.Stat(sub); err != nil || !fi.IsDir() {
		t.Errorf("folder replaced: %v %v", fi, err)
	}
	if err := WriteFile(filepath.Join(dir, "missing", "x.prom"), sample(2), true, runTime); err == nil {
		t.Error("WriteFile into a missing folder: no error")
	}
	onlyFile(t, dir, "sub")
}

func TestAddToFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "synclog.prom")
	// The first run starts from zero; the second adds to the first.
	for run, want := range []string{`synclog_escalations_total{key="a"} 3`, `synclog_escalations_total{key="a"} 6`} {
		if err := AddToFile(path, sample(2), run == 0, runTime.Add(time.Duration(run)*time.Minute)); err != nil {
			t.Fatal(err)
		}
		got := readFile(t, path)
		for _, w := range []string{want + "\n", fmt.Sprintf("synclog_lines_total %d\n", 22*(run+1)), fmt.Sprintf("synclog_last_run_success %d\n", 1-run)} {
			if !strings.Contains(got, w) {
				t.Errorf("run %d: no %q in\n%s", run+1, w, got)
			}
		}
	}
	onlyFile(t, dir, "synclog.prom")
}

func TestReadCounters(t *testing.T) {
	tests := []struct {
		name, text string
		want       points
	}{
		{"not Prometheus text", "old report\n{", nil},
		{"empty", "", nil},
		{"ours", "# TYPE synclog_escalations_total counter\nsynclog_escalations_total{key=\"a\"} 2\n# TYPE synclog_lines_total counter\nsynclog_lines_total 7\n",
			points{{famEscalations, "a", 2}, {famLines, "", 7}}},
		{"untyped, gauges and strangers left out", "synclog_lines_total 7\n# TYPE synclog_no_body_503_total gauge\nsynclog_no_body_503_total 1\n# TYPE other_total counter\nother_total 3\n", nil},
		{"bad values and labels left out", "# TYPE synclog_escalations_total counter\nsynclog_escalations_total{key=\"a\"} -1\nsynclog_escalations_total{key=\"b\"} NaN\n" +
			"synclog_escalations_total{key=\"c\"} +Inf\nsynclog_escalations_total{node=\"d\"} 1\nsynclog_escalations_total{key=\"e\"} 1\n" +
			"# TYPE synclog_responses_total counter\nsynclog_responses_total{class=\"odd\"} 1\nsynclog_responses_total{class=\"none\"} 4\n",
			points{{famEscalations, "e", 1}, {famResponses, ClassNone, 4}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.prom")
			if err := os.WriteFile(path, []byte(tc.text), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := readCounters(path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got, pointOpts); diff != "" {
				t.Errorf("readCounters (-want +got):\n%s", diff)
			}
		})
	}
}
