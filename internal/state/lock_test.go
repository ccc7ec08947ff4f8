//go:build linux || android || darwin || ios || freebsd || netbsd || openbsd || dragonfly

package state

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const lockedMsg = "helper holds the lock"

func TestLockSameProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	unlock, err := Lock(path)
	if err != nil {
		t.Fatalf("first Lock: %v", err)
	}
	// flock locks belong to the open file description, so a second open in
	// the same process conflicts.
	if u2, err := Lock(path); !errors.Is(err, ErrLocked) {
		if u2 != nil {
			_ = u2()
		}
		t.Fatalf("second Lock: err = %v, want ErrLocked", err)
	} else if !strings.Contains(err.Error(), path+".lock") {
		t.Errorf("second Lock error %q does not name %s.lock", err, path)
	}
	if err := unlock(); err != nil {
		t.Fatalf("unlock: %v", err)
	}
	if err := unlock(); err != nil {
		t.Errorf("second unlock: %v, want nil", err)
	}
	if _, err := os.Stat(path + ".lock"); err != nil {
		t.Errorf("lock file after unlock: %v, want it left in place", err)
	}
	unlock, err = Lock(path)
	if err != nil {
		t.Fatalf("Lock after unlock: %v", err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
}

func TestLockError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "state.json")
	_, err := Lock(path)
	if err == nil || errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), path+".lock") {
		t.Fatalf("Lock in a missing folder: err = %v, want a non-ErrLocked error naming the lock file", err)
	}
}

// TestLockCrossProcess holds the lock in a child process (TestHelperLock) and
// tries to take it here. The child says when it holds the lock and keeps it
// until its stdin closes, so no sleeps are needed.
func TestLockCrossProcess(t *testing.T) {
	tests := []struct {
		name string
		end  func(cmd *exec.Cmd, stdin interface{ Close() error }) error
	}{
		{"child unlocks", func(_ *exec.Cmd, stdin interface{ Close() error }) error { return stdin.Close() }},
		{"child is killed", func(cmd *exec.Cmd, _ interface{ Close() error }) error { return cmd.Process.Kill() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperLock$")
			cmd.Env = append(os.Environ(), helperEnv+"=lock", "STATE="+path)
			cmd.Stderr = os.Stderr
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waited := false
			t.Cleanup(func() {
				if !waited {
					_ = cmd.Process.Kill()
					_ = cmd.Wait()
				}
			})

			sc := bufio.NewScanner(stdout)
			held := false
			for !held && sc.Scan() {
				held = sc.Text() == lockedMsg
			}
			if !held {
				t.Fatalf("child never took the lock (scan error %v)", sc.Err())
			}

			if u, err := Lock(path); !errors.Is(err, ErrLocked) {
				if u != nil {
					_ = u()
				}
				t.Fatalf("Lock while the child holds it: err = %v, want ErrLocked", err)
			}

			if err := tc.end(cmd, stdin); err != nil {
				t.Fatal(err)
			}
			// Drain stdout so the child never blocks writing, then wait: once
			// it has exited the lock is certainly free.
			for sc.Scan() {
			}
			err = cmd.Wait()
			waited = true
			if tc.name == "child unlocks" && err != nil {
				t.Fatalf("child: %v", err)
			}

			unlock, err := Lock(path)
			if err != nil {
				t.Fatalf("Lock after the child ended: %v", err)
			}
			if err := unlock(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestHelperLock is run by TestLockCrossProcess in a child process: it takes
// the lock, says so on stdout, and releases it when stdin reaches EOF.
func TestHelperLock(t *testing.T) {
	if os.Getenv(helperEnv) != "lock" {
		t.Skip("helper process for TestLockCrossProcess")
	}
	unlock, err := Lock(os.Getenv("STATE"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stdout.WriteString(lockedMsg + "\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := bufio.NewReader(os.Stdin).ReadString(0); err == nil {
		t.Fatal("unexpected NUL on stdin")
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
}

// TestLockFileRemoved checks that removing or replacing the lock file
// while a run holds the lock (an on-call reflex with stale pid files)
// does not let a second run in: the lock is also held on the state file.
func TestLockFileRemoved(t *testing.T) {
	tests := []struct {
		name  string
		touch func(lock string) error
	}{
		{"removed", os.Remove},
		{"replaced", func(lock string) error {
			if err := os.WriteFile(lock+".new", nil, 0o644); err != nil {
				return err
			}
			return os.Rename(lock+".new", lock)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			if err := (&State{}).Save(path); err != nil {
				t.Fatal(err)
			}
			unlock, err := Lock(path)
			if err != nil {
				t.Fatal(err)
			}
			defer unlock()
			if err := tc.touch(path + LockSuffix); err != nil {
				t.Fatal(err)
			}
			if u, err := Lock(path); !errors.Is(err, ErrLocked) {
				if u != nil {
					_ = u()
				}
				t.Fatalf("Lock with the lock file %s: err = %v, want ErrLocked", tc.name, err)
			}
			if err := unlock(); err != nil {
				t.Fatal(err)
			}
			u, err := Lock(path)
			if err != nil {
				t.Fatalf("Lock after unlock: %v", err)
			}
			if err := u(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestLockRemovesStaleTemps checks that taking the lock removes the
// temporary files that a Save killed before its rename left behind: with
// the lock held, no other Save of this state can be under way.
func TestLockRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	files := []struct {
		name string
		kept bool
	}{
		{".state.json.tmp-123456", false},
		{".state.json.tmp-7", false},
		{".state.json.tmp-backup", true},
		{".other.json.tmp-123", true},
		{"state.json.tmp-123", true},
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), []byte("{"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	unlock, err := Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		_, err := os.Stat(filepath.Join(dir, f.name))
		if kept := err == nil; kept != f.kept {
			t.Errorf("%s kept = %v, want %v", f.name, kept, f.kept)
		}
	}
}
