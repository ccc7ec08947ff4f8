//go:build unix

package state

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLoadFIFO checks that a state path that is a FIFO is refused at once,
// not read: with no writer, the read would wait forever, lock held.
func TestLoadFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Load(path)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), path+": not a regular file") {
			t.Errorf("Load(FIFO) error = %v, want one naming %s as not a regular file", err, path)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Load(FIFO) still waiting 20 s on")
	}
}
