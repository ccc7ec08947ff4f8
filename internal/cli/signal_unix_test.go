//go:build unix

package cli

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// TestInterruptWaiting checks that SIGINT and SIGTERM end a --state run
// that waits for input which never comes (a FIFO given by name, or as
// --codes, that no one writes to; a standard input that stays open and
// empty) with exit 130 and release the --state lock, so that the next
// cron run goes ahead.
func TestInterruptWaiting(t *testing.T) {
	bin := buildSynclog(t)
	tests := []struct {
		name  string
		sig   syscall.Signal
		input string // "fifo", "codes", "stdin", "merge-fifo" or "merge-stdin"
	}{
		{"fifo/SIGINT", syscall.SIGINT, "fifo"},
		{"fifo/SIGTERM", syscall.SIGTERM, "fifo"},
		{"codes/SIGINT", syscall.SIGINT, "codes"},
		{"stdin/SIGINT", syscall.SIGINT, "stdin"},
		{"stdin/SIGTERM", syscall.SIGTERM, "stdin"},
		{"merge-fifo/SIGINT", syscall.SIGINT, "merge-fifo"},
		{"merge-stdin/SIGTERM", syscall.SIGTERM, "merge-stdin"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			st := filepath.Join(dir, "state.json")
			in := filepath.Join(dir, "sync.log")
			if tc.input != "stdin" && tc.input != "merge-stdin" {
				if err := syscall.Mkfifo(in, 0o644); err != nil {
					t.Skipf("mkfifo: %v", err)
				}
			}
			code, stderr := interrupt(t, tc.sig, func() *exec.Cmd {
				switch tc.input {
				case "fifo":
					return exec.Command(bin, "scan", "--state", st, in)
				case "codes":
					return exec.Command(bin, "scan", "--state", st, "--codes", in, "../../testdata/logs/legacy.log")
				case "merge-fifo": // merge takes no lock; it must end all the same
					return exec.Command(bin, "merge", in)
				case "merge-stdin":
					cmd := exec.Command(bin, "merge", "-")
					cmd.Stdin = idleStdin(t)
					return cmd
				}
				cmd := exec.Command(bin, "scan", "--state", st, "-")
				cmd.Stdin = idleStdin(t)
				return cmd
			})
			if code != 130 || stderr != "synclog: interrupted\n" {
				t.Fatalf("exit status %d, stderr %q; want 130 and one line", code, stderr)
			}
			next := exec.Command(bin, "scan", "--state", st, "../../testdata/logs/legacy.log")
			out, err := next.CombinedOutput()
			if ee := (*exec.ExitError)(nil); !errors.As(err, &ee) || ee.ExitCode() != 1 {
				t.Errorf("next run: %v, want exit status 1 (the lock released)\n%s", err, out)
			}
		})
	}
}

// idleStdin returns the read end of a pipe whose write end stays open,
// with nothing written, until the test ends.
func idleStdin(t *testing.T) io.Reader {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.Close()
		w.Close()
	})
	return r
}

// TestInterruptBlockedWrite interrupts a run whose report is blocked on a
// pipe nobody reads (a pager left open): the run cannot see its
// cancellation in a blocked write(2), so the process watchdog ends it.
func TestInterruptBlockedWrite(t *testing.T) {
	bin := buildSynclog(t)
	one, err := os.ReadFile("../../testdata/logs/weave.log")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	big := filepath.Join(dir, "big.log")
	if err := os.WriteFile(big, bytes.Repeat(one, 2000), 0o644); err != nil { // 4000 CSV rows, more than a pipe holds
		t.Fatal(err)
	}
	st := filepath.Join(dir, "state.json")
	code, _ := interrupt(t, syscall.SIGINT, func() *exec.Cmd {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close(); w.Close() })
		cmd := exec.Command(bin, "scan", "--state", st, "-f", "csv", big)
		cmd.Stdout = w // never read
		return cmd
	})
	if code != 130 {
		t.Fatalf("exit status %d, want 130", code)
	}
	next := exec.Command(bin, "scan", "--state", st, "../../testdata/logs/legacy.log")
	if out, err := next.CombinedOutput(); !isExit(err, 1) {
		t.Errorf("next run: %v, want exit status 1 (the lock released)\n%s", err, out)
	}
}

// isExit reports whether err is an exit with status code.
func isExit(err error, code int) bool {
	ee := (*exec.ExitError)(nil)
	return errors.As(err, &ee) && ee.ExitCode() == code
}
