//go:build unix

package cli

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// TestInterruptWhilePaging checks that a SIGINT that comes while the pager
// shows the report (as the terminal sends it to both when the user types
// ^C in less) neither kills synclog nor makes Main's watchdog end it one
// second later: synclog waits for the pager, which here takes 2 s and
// ignores the signal as less does, and exits with the report's status.
func TestInterruptWhilePaging(t *testing.T) {
	bin := buildSynclog(t)
	dir := t.TempDir()
	started, ended := filepath.Join(dir, "started"), filepath.Join(dir, "ended")
	script := filepath.Join(dir, "pager")
	body := "#!/bin/sh\ntrap '' INT\ncat >/dev/null\n: >" + started + "\nsleep 2\n: >" + ended + "\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty on this machine: %v", err)
	}
	defer ptmx.Close()
	if err := pty.Setsize(tty, &pty.Winsize{Rows: 24, Cols: 80}); err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, ptmx) }()
	cmd := exec.Command(bin, "scan", "--no-progress", "../../testdata/logs/modern-trace.log")
	cmd.Env = append(os.Environ(), "SYNCLOG_PAGER="+script)
	cmd.Stdout = tty
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(started); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the pager never started")
		}
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Errorf("exit: %v, want the report's status 1", err)
	}
	if _, err := os.Stat(ended); err != nil {
		t.Error("synclog ended before its pager")
	}
}
