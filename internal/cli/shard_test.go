package cli

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestScalingOutREADME runs the README's "Scaling out" commands as
// written: the GNU parallel example, and the script of the Kubernetes
// Indexed Job manifest (deploy/scan-indexed-job.yaml) with
// JOB_COMPLETION_INDEX 0, 1 and 2, each over a folder of fixtures that
// holds a tar archive of several members, compressed logs, a subfolder and
// a rotated log next to its compressed twin. The merge of each set of
// shard reports must be the report of one scan of the folder.
func TestScalingOutREADME(t *testing.T) {
	if _, err := exec.LookPath("parallel"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("GNU parallel is not installed; CI must run this test")
		}
		t.Skip("GNU parallel is not installed")
	}
	bin := buildSynclog(t)
	env := append(os.Environ(), "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	logs := shardFixtures(t)
	one := filepath.Join(t.TempDir(), "one.json")
	runExit(t, 1, exec.Command(bin, "scan", "--no-redact", "-f", "json", "-o", one, logs))
	want := comparable(t, one)

	t.Run("parallel", func(t *testing.T) {
		block := readmeBlock(t, "## Scaling out", "```sh")
		const def = "export archive="
		if !strings.HasPrefix(block[0], def) {
			t.Fatalf("README's parallel example starts with %q, want %q...", block[0], def)
		}
		block[0] = def + shellQuote(logs)
		work := t.TempDir()
		cmd := exec.Command("bash", "-c", strings.Join(block, "\n"))
		cmd.Dir, cmd.Env = work, env
		runExit(t, 1, cmd) // merge's verdict: escalations
		if _, err := os.Stat(filepath.Join(work, "report.md")); err != nil {
			t.Errorf("the README's merge wrote no report.md: %v", err)
		}
		checkShards(t, bin, work, want)
	})

	t.Run("indexed-job", func(t *testing.T) {
		script := jobScript(t)
		reports := t.TempDir()
		for i := range 3 {
			cmd := exec.Command("sh", "-c", script)
			cmd.Env = append(slices.Clone(env), "JOB_COMPLETION_INDEX="+string(rune('0'+i)), "LOGS="+logs, "REPORTS="+reports)
			runExit(t, 0, cmd)
		}
		checkShards(t, bin, reports, want)
	})
}

// checkShards merges shard-1.json to shard-3.json of dir and compares
// the merge with want, the report of one scan; it also checks that each
// shard covers part of the inputs and says so.
func checkShards(t *testing.T, bin, dir string, want map[string]any) {
	t.Helper()
	var shards []string
	for k := 1; k <= 3; k++ {
		p := filepath.Join(dir, "shard-"+string(rune('0'+k))+".json")
		shards = append(shards, p)
		r := readJSONFile(t, p)
		f, _ := r["filters"].(map[string]any)
		if got, want := f["shard"], string(rune('0'+k))+"/3"; got != want {
			t.Errorf("%s: filters.shard = %v, want %s", p, got, want)
		}
		if ins, _ := r["inputs"].([]any); len(ins) < 2 {
			t.Errorf("%s: %d input rows, want some besides the archive's", p, len(ins))
		}
	}
	merged := filepath.Join(t.TempDir(), "merged.json")
	runExit(t, 1, exec.Command(bin, append([]string{"merge", "--redact=false", "-f", "json", "-o", merged}, shards...)...))
	if diff := cmp.Diff(want, comparable(t, merged)); diff != "" {
		t.Errorf("merge of the shards differs from one scan (-one +merged):\n%s", diff)
	}
	// Without shard 2, the merge must not pass for the whole.
	cmd := exec.Command(bin, "merge", "--redact=false", "-f", "json", shards[0], shards[2])
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	_ = cmd.Run()
	var part map[string]any
	if err := json.Unmarshal(out.Bytes(), &part); err != nil {
		t.Fatalf("merge of shards 1 and 3: %v\nstderr: %s", err, errOut.String())
	}
	if f, _ := part["filters"].(map[string]any); f["shard"] != "1,3/3" {
		t.Errorf("merge of shards 1 and 3: filters.shard = %v, want 1,3/3", f["shard"])
	}
	if !strings.Contains(errOut.String(), "warning: shard 2 of 3 missing") {
		t.Errorf("merge of shards 1 and 3: stderr %q does not say shard 2 is missing", errOut.String())
	}
}

// comparable returns what of the JSON report at path a merge of shards
// must share with one scan: the totals, verdict, escalations, reviews,
// classes, failures by status and host, the inputs as a set (sorted by
// path) and what was skipped; sequence numbers and samples depend on the
// order events were read in, and are left out.
func comparable(t *testing.T, path string) map[string]any {
	t.Helper()
	r := readJSONFile(t, path)
	out := make(map[string]any)
	for _, k := range []string{"totals", "verdict", "escalations", "reviews", "classes", "failed_by_status",
		"failed_by_host", "problems", "filters", "skipped", "folded"} {
		out[k] = dropOrder(r[k])
	}
	ins, _ := r["inputs"].([]any)
	ins = slices.Clone(ins)
	slices.SortFunc(ins, func(a, b any) int {
		return strings.Compare(a.(map[string]any)["path"].(string), b.(map[string]any)["path"].(string))
	})
	out["inputs"] = ins
	return out
}

// dropOrder removes from v the fields that depend on the order events
// were read in: sequence numbers and samples.
func dropOrder(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			if k == "samples" || strings.Contains(k, "seq") {
				continue
			}
			m[k] = dropOrder(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = dropOrder(e)
		}
		return l
	}
	return v
}

func readJSONFile(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r map[string]any
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return r
}

// runExit runs cmd and fails the test unless it exits with status want.
func runExit(t *testing.T, want int, cmd *exec.Cmd) {
	t.Helper()
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	err := cmd.Run()
	got := 0
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		got = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%v: %v", cmd.Args, err)
	}
	if got != want {
		t.Fatalf("%v: exit status %d, want %d\nstderr:\n%s", cmd.Args, got, want, errOut.String())
	}
}

// shardFixtures builds a folder of logs from testdata/logs, each log in
// it once: plain and compressed logs, a subfolder, a rotated log with its
// compressed twin (sync.log.2, sync.log.2.gz, which a scan reads once;
// their names in full fall in different shards of 3),
// a hidden file (skipped, and listed once), and a tar archive of four
// members, one of them compressed.
func shardFixtures(t *testing.T) string {
	t.Helper()
	src := "../../testdata/logs"
	dir := filepath.Join(t.TempDir(), "logs")
	copies := map[string]string{
		"access.log": "access.log", "accounts.log": "accounts.log", "clean.log": "clean.log",
		"hostile.log": "hostile.log", "ios.log": "ios.log", "legacy.log.zst": "legacy.log.zst",
		"default-level.log.gz": "default-level.log.gz", "fenix-logcat.log": "fenix-logcat.log",
		"sub/modern-trace.log": "modern-trace.log", "sub/mozlog.log.gz": "mozlog.log.gz",
		"sync.log.2": "weave.log", "sync.log.2.gz": "weave.log.gz", ".hidden.log": "clean.log",
	}
	for dst, from := range copies {
		copyFile(t, filepath.Join(src, from), filepath.Join(dir, dst))
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, m := range []string{"ios-rust.log", "pasted.log", "tokenserver.log", "fennec-logcat.log.gz"} {
		data, err := os.ReadFile(filepath.Join(src, m))
		if err != nil {
			t.Fatal(err)
		}
		hdr := &tar.Header{Name: "archive/" + m, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bundle.tar"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// readmeBlock returns the lines of the first code block that opens with
// fence in the README section titled section.
func readmeBlock(t *testing.T, section, fence string) []string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "\n"+section+"\n")
	if !ok {
		t.Fatalf("README has no section %q", section)
	}
	if end := strings.Index(rest, "\n## "); end >= 0 {
		rest = rest[:end]
	}
	_, rest, ok = strings.Cut(rest, "\n"+fence+"\n")
	if !ok {
		t.Fatalf("README section %q has no %s block", section, fence)
	}
	block, _, ok := strings.Cut(rest, "\n```")
	if !ok {
		t.Fatalf("README section %q: %s block not closed", section, fence)
	}
	return strings.Split(block, "\n")
}

// jobScript returns the shell script of the Indexed Job manifest: the
// literal block under args, after checking that the manifest asks for
// three indexed completions, three at once, and that the README shows the
// manifest as it is.
func jobScript(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../deploy/scan-indexed-job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	manifest := string(data)
	for _, want := range []string{"\n  completionMode: Indexed\n", "\n  completions: 3\n", "\n  parallelism: 3\n"} {
		if !strings.Contains(manifest, want) {
			t.Errorf("manifest lacks %q", strings.TrimSpace(want))
		}
	}
	shown := strings.Join(readmeBlock(t, "## Scaling out", "```yaml"), "\n") + "\n"
	if body := manifest[strings.Index(manifest, "apiVersion:"):]; !strings.HasSuffix(shown, "\n"+body) {
		t.Errorf("README's manifest is not deploy/scan-indexed-job.yaml as it is:\n%s", shown)
	}
	lines := strings.Split(manifest, "\n")
	start := slices.IndexFunc(lines, func(l string) bool { return strings.TrimSpace(l) == "args:" })
	if start < 0 || start+1 >= len(lines) || strings.TrimSpace(lines[start+1]) != "- |" {
		t.Fatal("manifest: want args: followed by a literal block (- |)")
	}
	var script []string
	indent := ""
	for _, l := range lines[start+2:] {
		if indent == "" {
			indent = l[:len(l)-len(strings.TrimLeft(l, " "))]
		}
		if !strings.HasPrefix(l, indent) || indent == "" {
			break
		}
		script = append(script, strings.TrimPrefix(l, indent))
	}
	if len(script) == 0 || !strings.Contains(strings.Join(script, "\n"), "JOB_COMPLETION_INDEX") {
		t.Fatalf("manifest: the script under args does not use JOB_COMPLETION_INDEX: %q", script)
	}
	return strings.Join(script, "\n")
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// TestRelName checks the name that places an input in a shard: relative
// to the PATH it was found under, whatever that folder is called.
func TestRelName(t *testing.T) {
	for _, tc := range []struct {
		roots []string
		p     string
		want  string
	}{
		{[]string{"logs"}, "logs/sub/x.log", "sub/x.log"},
		{[]string{"./logs/"}, "logs/x.log", "x.log"},
		{[]string{"/mnt/a"}, "/mnt/a/2025/sync.log.1.gz", "2025/sync.log.1.gz"},
		{[]string{"/srv/other/b"}, "/srv/other/b/2025/sync.log.1.gz", "2025/sync.log.1.gz"},
		{[]string{"x.log"}, "x.log", "x.log"},
		{[]string{"/var/log/sync.log"}, "/var/log/sync.log", "sync.log"},
		{[]string{"logs/sub", "logs"}, "logs/sub/x.log", "x.log"},
		{[]string{"logs", "logs/sub"}, "logs/sub/x.log", "sub/x.log"},
		{[]string{"a", "b"}, "b/x.log", "x.log"},
		{[]string{"missing/y.log"}, "missing/y.log", "y.log"},
	} {
		if got := relName(tc.roots, tc.p); got != tc.want {
			t.Errorf("relName(%q, %q) = %q, want %q", tc.roots, tc.p, got, tc.want)
		}
	}
}

// TestMergeShardMembersOverlap checks that merge refuses two shard
// reports that list the same member of an archive they share: the same
// report of shard 1, claiming to be shard 2.
func TestMergeShardMembersOverlap(t *testing.T) {
	dir := t.TempDir()
	logs := shardFixtures(t)
	only := filepath.Join(dir, "only")
	copyFile(t, filepath.Join(logs, "bundle.tar"), filepath.Join(only, "bundle.tar"))
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	var out, errOut bytes.Buffer
	if code := Run([]string{"scan", "--no-redact", "--shard", "1/3", "-f", "json", "-o", a, only}, strings.NewReader(""), &out, &errOut); code != 1 {
		t.Fatalf("scan: exit status %d, want 1; stderr: %s", code, errOut.String())
	}
	data, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	forged := bytes.Replace(data, []byte(`"shard": "1/3"`), []byte(`"shard": "2/3"`), 1)
	if bytes.Equal(forged, data) || !bytes.Contains(data, []byte(":archive/tokenserver.log")) {
		t.Fatalf("shard 1's report has no filters.shard 1/3 or no member archive/tokenserver.log:\n%s", data)
	}
	if err := os.WriteFile(b, forged, 0o644); err != nil {
		t.Fatal(err)
	}
	errOut.Reset()
	if code := Run([]string{"merge", "-f", "json", a, b}, strings.NewReader(""), &out, &errOut); code != 2 {
		t.Fatalf("merge: exit status %d, want 2; stderr: %s", code, errOut.String())
	}
	if want := "is also in an earlier report of another shard"; !strings.Contains(errOut.String(), want) {
		t.Errorf("merge: stderr %q lacks %q", errOut.String(), want)
	}
}
