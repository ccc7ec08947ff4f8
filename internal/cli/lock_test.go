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
