package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"synclog/internal/state"
)

// TestStateLockHeld checks that a run finding the --state lock held exits
// 75 at once with one clear line, writes no report and leaves the state
// file alone.
func TestStateLockHeld(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	if err := os.WriteFile(path, []byte(`{"version":1,"entries":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	unlock, err := state.Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	var out, errOut bytes.Buffer
	code := Run([]string{"scan", "--state", path, "../../testdata/logs/legacy.log"}, strings.NewReader(""), &out, &errOut)
	if code != 75 {
		t.Errorf("exit = %d, want 75", code)
	}
	if out.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", out.String())
	}
	if got := errOut.String(); !strings.HasPrefix(got, "synclog: lock ") || !strings.Contains(got, "another synclog run holds the lock") || strings.Count(got, "\n") != 1 {
		t.Errorf("stderr = %q, want one line about the lock", got)
	}
	if b, _ := os.ReadFile(path); string(b) != `{"version":1,"entries":[]}` {
		t.Errorf("state file changed: %s", b)
	}
	// Released, the next run goes ahead.
	unlock()
	if code := Run([]string{"scan", "--state", path, "../../testdata/logs/legacy.log"}, strings.NewReader(""), &out, &errOut); code != 1 {
		t.Errorf("after unlock: exit = %d, want 1", code)
	}
}

// TestStateLockFileRemoved checks that a run started after someone
// removed FILE.lock from under a running one still exits 75: the running
// one also holds the state file itself.
func TestStateLockFileRemoved(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, []byte(`{"version":1,"entries":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	unlock, err := state.Lock(path)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if err := os.Remove(path + state.LockSuffix); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := Run([]string{"scan", "--state", path, legacyLog}, strings.NewReader(""), &out, &errOut); code != 75 {
		t.Errorf("exit = %d, want 75; stderr %q", code, errOut.String())
	}
	if want := "synclog: lock " + path + ": state: another synclog run holds the lock\n"; errOut.String() != want {
		t.Errorf("stderr = %q, want %q", errOut.String(), want)
	}
	if b, _ := os.ReadFile(path); string(b) != `{"version":1,"entries":[]}` {
		t.Errorf("state file changed: %s", b)
	}
}
