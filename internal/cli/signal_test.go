package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestInterrupt runs the real binary on a pipe that never ends, sends it
// SIGINT mid-scan, and checks that it stops with exit 130 and leaves no
// report, complete or partial, behind.
func TestInterrupt(t *testing.T) {
	bin := buildSynclog(t)
	outDir := filepath.Join(t.TempDir(), "out")
	if err := os.Mkdir(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	line := []byte("1756106023249\tSync.Resource\tDEBUG\tGET success 200 https://sync-1-us-west1-g.sync.services.mozilla.com/1.5/1/info/collections\n")
	code, stderr := interrupt(t, syscall.SIGINT, func() *exec.Cmd {
		cmd := exec.Command(bin, "scan", "-o", filepath.Join(outDir, "report.txt"), "-")
		cmd.Stdin = &endless{line: line}
		return cmd
	})
	if code != 130 {
		t.Fatalf("exit status %d, want 130; stderr: %s", code, stderr)
	}
	if stderr != "synclog: interrupted\n" {
		t.Errorf("stderr = %q, want one line", stderr)
	}
	ents, _ := os.ReadDir(outDir)
	for _, e := range ents {
		t.Errorf("left behind in the output folder: %s", e.Name())
	}
}

// buildSynclog builds the synclog binary into a temporary folder and
// returns its path; it skips the test under -short.
func buildSynclog(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "synclog")
	build := exec.Command("go", "build", "-o", bin, "synclog/cmd/synclog")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// interrupt starts the command newCmd makes, sends it sig a moment later,
// and returns its exit status and stderr. A signal that came before
// synclog could handle it is sent again to a new command, later. A
// command still running 20 s after the signal is killed, and the test
// fails: the signal did not end the run.
func interrupt(t *testing.T, sig os.Signal, newCmd func() *exec.Cmd) (code int, stderr string) {
	t.Helper()
	for wait := 200 * time.Millisecond; wait < 10*time.Second; wait *= 2 {
		cmd := newCmd()
		var errOut bytes.Buffer
		cmd.Stderr = &errOut
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		time.Sleep(wait)
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		var err error
		select {
		case err = <-exited:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-exited
			t.Fatalf("still running 20 s after %v; stderr: %s", sig, errOut.String())
		}
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("exit: %v, want status 130", err)
		}
		if ee.ExitCode() == -1 {
			continue // signalled before the handler was installed: wait longer
		}
		return ee.ExitCode(), errOut.String()
	}
	t.Fatal("never got past process start-up")
	return 0, ""
}

// endless reads as line repeated forever.
type endless struct {
	line []byte
	off  int
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], e.line[e.off:])
		n += c
		e.off = (e.off + c) % len(e.line)
	}
	return n, nil
}
