package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// TestOutputIsStdin checks that -o naming the file standard input is
// redirected from (scan -o x.log - < x.log) is refused like any other
// input, before it is read.
func TestOutputIsStdin(t *testing.T) {
	raw, err := os.ReadFile(legacyLog)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "x.log")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var out, errOut bytes.Buffer
	if code := Run([]string{"scan", "-o", path, "-"}, in, &out, &errOut); code != 2 {
		t.Errorf("exit = %d, want 2", code)
	}
	if want := "synclog: --output " + path + " is the input - (standard input): the report would replace it\n"; errOut.String() != want {
		t.Errorf("stderr = %q, want %q", errOut.String(), want)
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, raw) {
		t.Error("the input was changed")
	}
}

// TestOutputRemovesStaleTemps checks that -o removes the temporary files
// of the same report that a killed run left (older than an hour), and
// leaves alone a recent one (another run may be writing it now) and files
// that only look alike.
func TestOutputRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-2 * time.Hour)
	files := []struct {
		name  string
		mtime time.Time
		kept  bool
	}{
		{".r.md.123456.tmp", old, false},
		{".r.md.789.tmp", time.Now(), true},
		{".r.md.backup.tmp", old, true},
		{".other.md.123.tmp", old, true},
		{"r.md.123.tmp", old, true},
	}
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, f.mtime, f.mtime); err != nil {
			t.Fatal(err)
		}
	}
	var out, errOut bytes.Buffer
	if code := Run([]string{"scan", "-o", filepath.Join(dir, "r.md"), cleanLog}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("exit = %d, want 0; stderr %q", code, errOut.String())
	}
	for _, f := range files {
		_, err := os.Stat(filepath.Join(dir, f.name))
		if kept := err == nil; kept != f.kept {
			t.Errorf("%s kept = %v, want %v", f.name, kept, f.kept)
		}
	}
}
