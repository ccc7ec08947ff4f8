package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/creack/pty"
	"github.com/jedib0t/go-pretty/v6/text"
)

// TestScanTerminalStdin checks, on a real pseudo-terminal, that scan with
// no PATH does not wait for a person to type a log: it prints usage and
// exits 2.
func TestScanTerminalStdin(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty on this machine: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	var out, errOut bytes.Buffer
	code := Run([]string{"scan"}, tty, &out, &errOut)
	if code != 2 {
		t.Errorf("exit = %d, want 2", code)
	}
	if out.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", out.String())
	}
	if !strings.Contains(errOut.String(), "Usage:") || !strings.HasSuffix(errOut.String(), "synclog: no PATH given and standard input is a terminal\n") {
		t.Errorf("stderr = %q, want usage then one error line", errOut.String())
	}
}

// TestColorOnlyOnTerminal checks on a real pseudo-terminal that the text
// report is coloured there, and never in a pipe or when NO_COLOR is set.
func TestColorOnlyOnTerminal(t *testing.T) {
	t.Setenv("SYNCLOG_PAGER", "cat") // no pager: the report is written to the terminal
	args := []string{"scan", "../../testdata/logs/modern-trace.log"}
	coloured := func(t *testing.T) bool {
		t.Helper()
		out := onPTY(t, 0, func(tty *os.File) {
			var errOut bytes.Buffer
			Run(args, strings.NewReader(""), tty, &errOut)
		})
		return strings.Contains(out, "\x1b[")
	}
	if !coloured(t) {
		t.Error("no colour on a terminal")
	}
	t.Setenv("NO_COLOR", "1")
	if coloured(t) {
		t.Error("colour on a terminal with NO_COLOR set")
	}
	var out, errOut bytes.Buffer
	Run(args, strings.NewReader(""), &out, &errOut)
	if bytes.Contains(out.Bytes(), []byte("\x1b[")) {
		t.Error("colour in a pipe")
	}
}

// TestProgressOnlyOnTerminal checks on a real pseudo-terminal that a
// progress bar is drawn on stderr there, and never in a pipe, with
// --no-progress, or with --quiet.
func TestProgressOnlyOnTerminal(t *testing.T) {
	log := "../../testdata/logs/modern-trace.log.gz"
	onTTY := func(t *testing.T, extra ...string) string {
		t.Helper()
		return onPTY(t, 0, func(tty *os.File) {
			var out bytes.Buffer
			Run(append(append([]string{"scan", "-f", "json"}, extra...), log), strings.NewReader(""), &out, tty)
		})
	}
	if got := onTTY(t); !strings.Contains(got, "trace.log.gz") || !strings.Contains(got, "1/1 files") {
		t.Errorf("no progress bar on a terminal; stderr: %q", got)
	}
	for _, flag := range []string{"--no-progress", "--quiet"} {
		if got := onTTY(t, flag); got != "" {
			t.Errorf("%s: stderr = %q, want nothing", flag, got)
		}
	}
	var out, errOut bytes.Buffer
	Run([]string{"scan", "-f", "json", log}, strings.NewReader(""), &out, &errOut)
	if errOut.Len() != 0 {
		t.Errorf("stderr in a pipe = %q, want nothing", errOut.String())
	}
}

// TestProgressEscapesNames checks on a real pseudo-terminal that the
// progress bar shows a file name that carries terminal controls (a window
// title, a clear screen, a bidi override, a newline) escaped, as every
// report does, and never sends them to the terminal.
func TestProgressEscapesNames(t *testing.T) {
	log, err := os.ReadFile("../../testdata/logs/modern-trace.log")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir()) // a short relative name: the bar shows 40 columns of it
	name := "a\x1b]0;pwned\x07\x1b[2J\u202eb\nc.log"
	if err := os.WriteFile(name, log, 0o644); err != nil {
		t.Fatal(err)
	}
	got := onPTY(t, 0, func(tty *os.File) {
		var out bytes.Buffer
		Run([]string{"scan", "-f", "json", name}, strings.NewReader(""), &out, tty)
	})
	if !strings.Contains(got, "1/1 files") {
		t.Fatalf("no progress bar on a terminal; stderr: %q", got)
	}
	for _, raw := range []string{"\x1b]", "\x1b[2J", "\u202e", "b\r\nc.log", "b\nc.log"} {
		if strings.Contains(got, raw) {
			t.Errorf("%q reached the terminal raw; stderr: %q", raw, got)
		}
	}
	if want := `a\x1b]0;pwned\x07\x1b[2J\u202eb\nc.log`; !strings.Contains(got, want) {
		t.Errorf("stderr %q does not show the name as %s", got, want)
	}
}

// TestProgressLeavesNothing checks on a real pseudo-terminal that the
// progress of a scan of 30 files is one line redrawn in place with \r,
// width-limited, that its last output is the sequence that erases it, and
// that no line of it is left behind: nothing at all ends in a newline.
func TestProgressLeavesNothing(t *testing.T) {
	log, err := os.ReadFile("../../testdata/logs/modern-trace.log")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i := range 30 {
		name := fmt.Sprintf("sync-%02d-%s.log", i, strings.Repeat("long-name-", 8))
		if err := os.WriteFile(filepath.Join(dir, name), log, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := onPTY(t, 60, func(tty *os.File) {
		var out bytes.Buffer
		Run([]string{"scan", "-f", "json", dir}, strings.NewReader(""), &out, tty)
	})
	const clear = "\r\x1b[K"
	if !strings.HasSuffix(got, clear) {
		t.Fatalf("progress does not end by erasing its line; stderr: %q", got)
	}
	if strings.ContainsAny(got, "\n") {
		t.Errorf("progress left lines behind; stderr: %q", got)
	}
	if !strings.Contains(got, "30/30 files") || !strings.Contains(got, "…") {
		t.Errorf("no final count, or a long name not shortened; stderr: %q", got)
	}
	for _, draw := range strings.Split(strings.TrimSuffix(got, clear), "\r")[1:] {
		if w := text.StringWidth(strings.TrimSuffix(draw, "\x1b[K")); w > 59 {
			t.Errorf("a line of %d columns on a terminal of 60: %q", w, draw)
		}
	}
}

// TestSparklineOnWideTerminal checks on a real pseudo-terminal that the
// text report draws the timeline as a sparkline when the terminal is wide
// enough for it, and not when it is too narrow or not a terminal.
func TestSparklineOnWideTerminal(t *testing.T) {
	t.Setenv("SYNCLOG_PAGER", "cat") // no pager: the report is written to the terminal
	// 100 failed responses, each a minute after the last: 100 buckets.
	var b strings.Builder
	for i := range 100 {
		fmt.Fprintf(&b, "%d\tSync.Resource\tDEBUG\tGET fail 503 https://sync-1-us-west1-g.sync.services.mozilla.com/1.5/1/storage/tabs\n",
			1756106000000+int64(i)*60000)
	}
	log := filepath.Join(t.TempDir(), "incident.log")
	if err := os.WriteFile(log, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	const caption = "Failed responses per 1 min"
	onTTY := func(cols uint16) string {
		return onPTY(t, cols, func(tty *os.File) {
			var errOut bytes.Buffer
			Run([]string{"scan", log}, strings.NewReader(""), tty, &errOut)
		})
	}
	if got := onTTY(160); !strings.Contains(got, caption) || !strings.Contains(got, "│"+strings.Repeat("█", 100)+"│") {
		t.Errorf("160 columns: no sparkline of 100 buckets:\n%s", got)
	}
	if got := onTTY(80); strings.Contains(got, caption) {
		t.Errorf("80 columns: sparkline drawn for 100 buckets")
	}
	var out, errOut bytes.Buffer
	Run([]string{"scan", log}, strings.NewReader(""), &out, &errOut)
	if strings.Contains(out.String(), caption) {
		t.Error("sparkline in a pipe")
	}
}

// onPTY runs fn with the slave side of a new pseudo-terminal of cols
// columns (0: the default size) and returns all fn wrote to it; it skips
// the test where the machine has no pty.
func onPTY(t *testing.T, cols uint16, fn func(tty *os.File)) string {
	t.Helper()
	return onPTYSize(t, 50, cols, fn)
}

// onPTYSize is onPTY with a terminal of rows lines.
func onPTYSize(t *testing.T, rows, cols uint16, fn func(tty *os.File)) string {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty on this machine: %v", err)
	}
	defer ptmx.Close()
	if cols > 0 {
		if err := pty.Setsize(tty, &pty.Winsize{Rows: rows, Cols: cols}); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan string)
	go func() {
		var b bytes.Buffer
		b.ReadFrom(ptmx)
		done <- b.String()
	}()
	fn(tty)
	tty.Close()
	return <-done
}

// incidentLog writes a desktop log of an incident: six infra keys in
// HTTP 503s, on storage nodes with long names, for URLs with long query
// strings, in a new current folder, and returns its name and keys.
func incidentLog(t *testing.T) (string, []string) {
	t.Helper()
	keys := []string{"server issue: pool exhausted", "server issue: database not in pool",
		"server issue: getVS failed", "server issue: database is not healthy",
		"server issue: database marked as down", "server issue: the connection pool of the storage cluster in the west region is exhausted"}
	var b strings.Builder
	ms := int64(1756106000000)
	for i := range 40 {
		host := fmt.Sprintf("sync-%d-us-west1-g.storage-cluster-with-a-long-name.sync.services.mozilla.com", 700+i%7)
		url := fmt.Sprintf("https://%s/1.5/987654321/storage/bookmarks?full=1&newer=1756000000.12&limit=1000&offset=%s", host, strings.Repeat("abcdef0123", 12))
		fmt.Fprintf(&b, "%d\tSync.Resource\tDEBUG\tGET fail 503 %s\n", ms, url)
		fmt.Fprintf(&b, "%d\tSync.Resource\tTRACE\tGET body: %q\n", ms+1, keys[i%len(keys)])
		ms += 37000
	}
	t.Chdir(t.TempDir()) // the report names the log as given: the same on every run
	log := "incident.log"
	if err := os.WriteFile(log, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return log, keys
}

// TestReportFitsTerminal checks on real pseudo-terminals of 80x24 and
// 200x50 that no line of the text report is wider than the terminal, and
// that its first 24 lines hold the verdict, the action and every
// escalated key; the screens are compared with testdata/screen-*.txt.
func TestReportFitsTerminal(t *testing.T) {
	t.Setenv("SYNCLOG_PAGER", "cat") // the whole report on the terminal, as with --no-pager
	dir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	log, keys := incidentLog(t)
	for _, size := range []struct{ rows, cols uint16 }{{24, 80}, {50, 200}} {
		name := fmt.Sprintf("%dx%d", size.cols, size.rows)
		t.Run(name, func(t *testing.T) {
			out := onPTYSize(t, size.rows, size.cols, func(tty *os.File) {
				var errOut bytes.Buffer
				Run([]string{"scan", "--no-progress", log}, strings.NewReader(""), tty, &errOut)
			})
			out = strings.ReplaceAll(out, "\r\n", "\n")
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			for i, l := range lines {
				if w := text.StringWidthWithoutEscSequences(l); w > int(size.cols) {
					t.Errorf("line %d is %d columns wide, want <= %d: %q", i+1, w, size.cols, l)
				}
			}
			first := strings.Join(lines[:min(24, len(lines))], "\n")
			for _, w := range []string{"ESCALATE: 40 responses", "Action: contact Services Operations"} {
				if !strings.Contains(first, w) {
					t.Errorf("the first 24 lines lack %q:\n%s", w, first)
				}
			}
			// A long key is shortened in the middle: its ends show.
			for _, k := range keys {
				if !regexp.MustCompile("(?m)^  " + regexp.QuoteMeta(k[:14]) + ".*" + regexp.QuoteMeta(k[len(k)-8:]) + " .* 6|7 hosts$").MatchString(stripANSI(first)) {
					t.Errorf("the first 24 lines lack a line for %q:\n%s", k, first)
				}
			}
			screen := stripANSI(out)
			if tail := screen[strings.LastIndex(strings.TrimSuffix(screen, "\n"), "\n\n")+2:]; !strings.HasPrefix(tail, "ESCALATE: ") {
				t.Errorf("the report does not end with the verdict: %q", tail)
			}
			checkScreen(t, filepath.Join(dir, "screen-"+name+".txt"), screen)
		})
	}
}

// TestMergeFitsTerminal checks that merge, like scan, writes a report no
// wider than the terminal.
func TestMergeFitsTerminal(t *testing.T) {
	t.Setenv("SYNCLOG_PAGER", "cat")
	log, _ := incidentLog(t)
	rep := filepath.Join(t.TempDir(), "r.json")
	var errOut bytes.Buffer
	if code := Run([]string{"scan", "--no-redact", "-f", "json", "-o", rep, log}, strings.NewReader(""), io.Discard, &errOut); code != 1 {
		t.Fatalf("scan: exit %d, %s", code, errOut.String())
	}
	out := onPTYSize(t, 24, 80, func(tty *os.File) {
		Run([]string{"merge", rep}, strings.NewReader(""), tty, &errOut)
	})
	for i, l := range strings.Split(strings.ReplaceAll(out, "\r\n", "\n"), "\n") {
		if w := text.StringWidthWithoutEscSequences(l); w > 80 {
			t.Errorf("line %d is %d columns wide, want <= 80: %q", i+1, w, l)
		}
	}
	if !strings.HasPrefix(stripANSI(out), "ESCALATE: 40 responses") {
		t.Errorf("merge report at a terminal:\n%.300s", out)
	}
}

// stripANSI drops the colour of out.
func stripANSI(out string) string { return ansi.ReplaceAllString(out, "") }

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// checkScreen compares got with the golden file path, or rewrites it with
// -update.
func checkScreen(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run: go test ./internal/cli -update)", err)
	}
	if got != string(want) {
		t.Errorf("screen differs from %s (run: go test ./internal/cli -update):\n%s", path, got)
	}
}
