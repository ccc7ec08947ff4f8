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
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "synclog")
	build := exec.Command("go", "build", "-o", bin, "synclog/cmd/synclog")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	outDir := filepath.Join(dir, "out")
	if err := os.Mkdir(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	line := []byte("1756106023249\tSync.Resource\tDEBUG\tGET success 200 https://sync-1-us-west1-g.sync.services.mozilla.com/1.5/1/info/collections\n")
	for wait := 200 * time.Millisecond; wait < 10*time.Second; wait *= 2 {
		cmd := exec.Command(bin, "scan", "-o", filepath.Join(outDir, "report.txt"), "-")
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() {
			for {
				if _, err := stdin.Write(line); err != nil {
					return
				}
			}
		}()
		time.Sleep(wait)
		cmd.Process.Signal(syscall.SIGINT)
		err = cmd.Wait()
		stdin.Close()
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("exit: %v, want status 130", err)
		}
		if ee.ExitCode() == -1 {
			continue // signalled before the handler was installed: wait longer
		}
		if ee.ExitCode() != 130 {
			t.Fatalf("exit status %d, want 130; stderr: %s", ee.ExitCode(), stderr.String())
		}
		if got := stderr.String(); got != "synclog: interrupted\n" {
			t.Errorf("stderr = %q, want one line", got)
		}
		ents, _ := os.ReadDir(outDir)
		for _, e := range ents {
			t.Errorf("left behind in the output folder: %s", e.Name())
		}
		return
	}
	t.Fatal("never got past process start-up")
}
