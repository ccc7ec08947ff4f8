package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"synclog/internal/follow"
	"synclog/internal/summary"
)

// escalation returns the log lines of escalation number i: a 503 whose
// body is an infra string, logged at a time of its own (so that its line
// in watch's output is known by it), and the next exchange, which closes
// it.
func escalation(i int) string {
	ms := int64(1756106000000) + int64(i)*1000
	url := fmt.Sprintf("https://sync-%d-us-west1-g.sync.services.mozilla.com/1.5/1/storage/bookmarks", 700+i%3)
	return fmt.Sprintf("%d\tSync.Resource\tDEBUG\tGET fail 503 %s\n%d\tSync.Resource\tTRACE\tGET body: \"server issue: pool exhausted\"\n%d\tSync.Resource\tDEBUG\tGET success 200 %s\n",
		ms, url, ms+1, ms+2, url)
}

// escalationTime is how watch prints the time of escalation number i.
func escalationTime(i int) string {
	return time.UnixMilli(int64(1756106000000) + int64(i)*1000).UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

// appendLog appends s to the file path in one write.
func appendLog(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Error(err)
		return
	}
	if _, err := f.WriteString(s); err != nil {
		t.Error(err)
	}
	if err := f.Close(); err != nil {
		t.Error(err)
	}
}

// lockedBuffer is a bytes.Buffer safe for a writer and a reader at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// watching is a synclog watch process.
type watching struct {
	cmd    *exec.Cmd
	out    *lockedBuffer // what it printed on stdout, unless it is a terminal
	errOut *lockedBuffer
	exited chan error
}

// startWatch starts bin watch args, with stdout to tty if not nil.
func startWatch(t *testing.T, bin string, tty *os.File, args ...string) *watching {
	t.Helper()
	w := &watching{cmd: exec.Command(bin, append([]string{"watch"}, args...)...), out: &lockedBuffer{}, errOut: &lockedBuffer{}, exited: make(chan error, 1)}
	w.cmd.Stdout, w.cmd.Stderr = w.out, w.errOut
	if tty != nil {
		w.cmd.Stdout = tty
	}
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { w.exited <- w.cmd.Wait() }()
	t.Cleanup(func() {
		w.cmd.Process.Kill()
		<-w.exited
	})
	return w
}

// waitFor waits, up to limit, until ok(out()) holds, and fails the test
// if it never does.
func waitFor(t *testing.T, limit time.Duration, out func() string, ok func(string) bool, what string) {
	t.Helper()
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if ok(out()) {
			return
		}
	}
	t.Fatalf("no %s in %v; got:\n%s", what, limit, out())
}

// stop sends SIGINT and returns the exit status; it fails the test if
// the process is still running 20 s later.
func (w *watching) stop(t *testing.T) int {
	t.Helper()
	if err := w.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-w.exited:
		w.exited <- err // for Cleanup
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(20 * time.Second):
		t.Fatalf("still running 20 s after SIGINT; stderr: %s", w.errOut.String())
	}
	return -1
}

// escalationsIn returns the totals.escalations of the JSON report path.
func escalationsIn(t *testing.T, path string) int64 {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Totals struct{ Escalations int64 } `json:"totals"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return r.Totals.Escalations
}

// checkOnce checks that out holds one line per escalation 0..n-1, each
// once, and nothing else.
func checkOnce(t *testing.T, out string, n int) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if out == "" {
		lines = nil
	}
	if len(lines) != n {
		t.Errorf("%d lines printed, want %d", len(lines), n)
	}
	seen := make(map[string]int)
	for _, l := range lines {
		seen[strings.SplitN(l, " ", 2)[0]]++
	}
	for i := range n {
		if c := seen[escalationTime(i)]; c != 1 {
			t.Errorf("escalation %d (%s) printed %d times, want once", i, escalationTime(i), c)
		}
	}
}

// TestWatchPiped follows a folder with stdout in a pipe: one plain line
// per escalation, nothing else (no escape sequences), the JSON report on
// SIGINT, exit status 1.
func TestWatchPiped(t *testing.T) {
	bin := buildSynclog(t)
	dir := t.TempDir()
	logs := filepath.Join(dir, "logs")
	os.Mkdir(logs, 0o755)
	log := filepath.Join(logs, "sync.log")
	appendLog(t, log, escalation(0))
	report := filepath.Join(dir, "report.json")
	w := startWatch(t, bin, nil, "--from-start", "-o", report, logs)
	for i := 1; i < 5; i++ {
		appendLog(t, log, escalation(i))
	}
	waitFor(t, 10*time.Second, w.out.String, func(s string) bool { return strings.Count(s, "\n") >= 5 }, "5 escalation lines")
	if code := w.stop(t); code != 1 {
		t.Errorf("exit status %d, want 1; stderr: %s", code, w.errOut.String())
	}
	out := w.out.String()
	if strings.Contains(out, "\x1b") {
		t.Errorf("escape sequence in piped output:\n%q", out)
	}
	checkOnce(t, out, 5)
	if want := escalationTime(4) + "  server issue: pool exhausted  sync-701-us-west1-g.sync.services.mozilla.com  " + log + ":13\n"; !strings.HasSuffix(out, want) {
		t.Errorf("last line:\n%s\nwant:\n%s", out, want)
	}
	if got := escalationsIn(t, report); got != 5 {
		t.Errorf("report: %d escalations, want 5", got)
	}
	if s := w.errOut.String(); s != "" {
		t.Errorf("stderr = %q, want nothing", s)
	}
}

// TestWatchNothing stops a watch that saw no escalation: exit status 0,
// nothing on stdout but the report.
func TestWatchNothing(t *testing.T) {
	bin := buildSynclog(t)
	log := filepath.Join(t.TempDir(), "sync.log")
	appendLog(t, log, "1756106023249\tSync.Resource\tDEBUG\tGET success 200 https://sync-1-us-west1-g.sync.services.mozilla.com/1.5/1/info/collections\n")
	w := startWatch(t, bin, nil, "--from-start", "--poll", "50ms", log)
	time.Sleep(300 * time.Millisecond)
	if code := w.stop(t); code != 0 {
		t.Errorf("exit status %d, want 0; stderr: %s", code, w.errOut.String())
	}
	if out := w.out.String(); !strings.HasPrefix(out, "OK: nothing to escalate") {
		t.Errorf("stdout = %q, want the text report", out)
	}
}

// TestWatchTerminal follows a log with stdout on a real pseudo-terminal:
// the summary is drawn under the escalation lines and redrawn in place.
func TestWatchTerminal(t *testing.T) {
	bin := buildSynclog(t)
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty on this machine: %v", err)
	}
	defer ptmx.Close()
	if err := pty.Setsize(tty, &pty.Winsize{Rows: 40, Cols: 120}); err != nil {
		t.Fatal(err)
	}
	screen := &lockedBuffer{}
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		io.Copy(screen, ptmx)
	}()
	log := filepath.Join(t.TempDir(), "sync.log")
	appendLog(t, log, "")
	w := startWatch(t, bin, tty, "--from-start", log)
	tty.Close() // the child has its own
	appendLog(t, log, escalation(0))
	waitFor(t, 10*time.Second, screen.String, func(s string) bool { return strings.Contains(s, "1 escalation since") }, "summary of 1 escalation")
	appendLog(t, log, escalation(1)+escalation(2))
	waitFor(t, 10*time.Second, screen.String, func(s string) bool { return strings.Contains(s, "3 escalations since") }, "summary redrawn for 3 escalations")
	if code := w.stop(t); code != 1 {
		t.Errorf("exit status %d, want 1; stderr: %s", code, w.errOut.String())
	}
	<-copied
	out := screen.String()
	if !strings.Contains(out, "\x1b[J") {
		t.Errorf("the summary was never erased to be redrawn:\n%q", out)
	}
	for i := range 3 {
		if c := strings.Count(out, escalationTime(i)+"  server issue: pool exhausted"); c != 1 {
			t.Errorf("escalation %d on screen %d times, want once:\n%s", i, c, out)
		}
	}
	if !strings.Contains(out, "server issue: pool exhausted        3") {
		t.Errorf("no count of 3 for the key in the summary:\n%s", out)
	}
	if !strings.Contains(out, "ESCALATE: 3 responses") {
		t.Errorf("no report at the end:\n%s", out)
	}
}

// TestWatchLinesLive checks that the lines of a log still followed count
// in the metrics' view as they are read, and that when its reading ends
// they move into its row at once: never counted twice, never going back.
func TestWatchLinesLive(t *testing.T) {
	w := newWatcher(&streams{out: io.Discard, errOut: io.Discard}, &watchOptions{}, nil)
	lines := func() (n int64) {
		w.view(func(s *summary.Summary) {
			n = s.FoldedInputs.Lines
			for _, in := range s.Inputs {
				n += in.Lines
			}
		})
		return n
	}
	a, b := &follow.Source{Name: "a.log"}, &follow.Source{Name: "b.log"}
	w.progress(a, 10)
	w.progress(b, 5)
	w.progress(a, 12)
	if got := lines(); got != 17 {
		t.Fatalf("lines while following = %d, want 17", got)
	}
	w.done(a, summary.Input{Path: "a.log", Lines: 13}, nil)
	if got := lines(); got != 18 {
		t.Fatalf("lines once a.log is done = %d, want 18 (its row's 13, b.log's 5 so far)", got)
	}
	if len(w.sum.Inputs) != 1 {
		t.Fatalf("the summary holds %d rows, want a.log's only", len(w.sum.Inputs))
	}
}
