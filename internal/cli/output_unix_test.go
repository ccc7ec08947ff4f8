//go:build unix

package cli

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOutputFIFO checks that -o naming a FIFO writes the report into it,
// in place, when a process reads it, and exits 73 at once when none does,
// rather than wait for ever or replace the FIFO with a regular file.
func TestOutputFIFO(t *testing.T) {
	dir := t.TempDir()
	t.Run("reader", func(t *testing.T) {
		fifo := filepath.Join(dir, "read")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		// Opened before the run, as a reader waiting on the FIFO would be.
		r, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		var out, errOut bytes.Buffer
		if code := Run([]string{"scan", "-f", "markdown", "-o", fifo, legacyLog}, strings.NewReader(""), &out, &errOut); code != 1 {
			t.Fatalf("exit = %d, want 1; stderr %q", code, errOut.String())
		}
		got, err := io.ReadAll(r) // the report is smaller than a pipe's buffer
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(got, []byte("**ESCALATE")) {
			t.Errorf("the reader got %.60q, want the report", got)
		}
		checkType(t, fifo, fs.ModeNamedPipe)
	})
	t.Run("no reader", func(t *testing.T) {
		fifo := filepath.Join(dir, "alone")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		var out, errOut bytes.Buffer
		done := make(chan int, 1)
		go func() { done <- Run([]string{"scan", "-o", fifo, cleanLog}, strings.NewReader(""), &out, &errOut) }()
		select {
		case code := <-done:
			if code != 73 {
				t.Errorf("exit = %d, want 73", code)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("still waiting for a reader after 30 s")
		}
		if want := "synclog: write report " + fifo + ": FIFO has no reader\n"; errOut.String() != want {
			t.Errorf("stderr = %q, want %q", errOut.String(), want)
		}
		checkType(t, fifo, fs.ModeNamedPipe)
	})
}

// checkType fails t unless path (not followed) has the file type typ.
func checkType(t *testing.T, path string, typ fs.FileMode) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Type(); got != typ {
		t.Errorf("%s is now of type %v, want %v", path, got, typ)
	}
}

// TestOutputKeepsModeAndOwner checks that a report replacing a regular
// file keeps that file's permissions, and its owner when run as root (as
// from cron), instead of a root-owned 0644 file.
func TestOutputKeepsModeAndOwner(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.md")
	if err := os.WriteFile(path, []byte("old report\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	uid, gid := os.Getuid(), os.Getgid()
	if os.Geteuid() == 0 {
		uid, gid = 1234, 5678
		if err := os.Chown(path, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	var out, errOut bytes.Buffer
	if code := Run([]string{"scan", "-o", path, cleanLog}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("exit = %d, want 0; stderr %q", code, errOut.String())
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode(); got != 0o640 {
		t.Errorf("mode = %v, want -rw-r-----", got)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if int(st.Uid) != uid || int(st.Gid) != gid {
		t.Errorf("owner = %d:%d, want %d:%d", st.Uid, st.Gid, uid, gid)
	}
}
