package cli

import (
	"bytes"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

const (
	cleanLog  = "../../testdata/logs/clean.log"
	legacyLog = "../../testdata/logs/legacy.log" // one escalation
)

// readSpy is an input that records whether it was read.
type readSpy struct{ read bool }

func (r *readSpy) Read([]byte) (int, error) {
	r.read = true
	return 0, io.EOF
}

// TestOutputCheckedFirst checks that an -o that cannot be written is
// found before any input is read (a long scan would otherwise be lost),
// and that the error names the path given, not a temporary file.
func TestOutputCheckedFirst(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "missing", "r.md")
	spy := &readSpy{}
	var out, errOut bytes.Buffer
	if code := Run([]string{"scan", "-o", bad, "-"}, spy, &out, &errOut); code != 73 {
		t.Errorf("exit = %d, want 73", code)
	}
	if spy.read {
		t.Error("the input was read before -o was found unwritable")
	}
	got := errOut.String()
	if !strings.HasPrefix(got, "synclog: write report "+bad+": ") || strings.Contains(got, ".tmp") || strings.Count(got, "\n") != 1 {
		t.Errorf("stderr = %q, want one line naming %s", got, bad)
	}
}
