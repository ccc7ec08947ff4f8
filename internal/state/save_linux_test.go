package state

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
)

// TestSaveFileSizeLimit stands in for a full disk: a child process whose
// RLIMIT_FSIZE is below the new state's size gets EFBIG from write(2).
func TestSaveFileSizeLimit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	s := &State{}
	s.Update([]byte("old\n"), "old.log", Position{Offset: 4, Lines: 1}, t0)
	if err := s.Save(path); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)

	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperSave$")
	cmd.Env = append(os.Environ(), helperEnv+"=save", "STATE="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	line, _, _ := strings.Cut(string(out), "\n")
	if !strings.HasPrefix(line, "save error: ") || !strings.Contains(line, "file too large") || !strings.Contains(line, path) {
		t.Fatalf("helper said %q, want a Save error naming %s with EFBIG", line, path)
	}
	if after := snapshot(t, dir); !reflect.DeepEqual(after, before) {
		t.Errorf("folder changed:\nbefore %q\nafter  %q", before, after)
	}
}

// TestHelperSave is run by TestSaveFileSizeLimit in a child process.
func TestHelperSave(t *testing.T) {
	if os.Getenv(helperEnv) != "save" {
		t.Skip("helper process for TestSaveFileSizeLimit")
	}
	path := os.Getenv("STATE")
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		s.Update([]byte{byte(i), '\n'}, "grown.log", Position{Offset: 2, Lines: 1}, t0)
	}
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	lim := old
	lim.Cur = 1024
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Fatal(err)
	}
	err = s.Save(path)
	if rerr := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); rerr != nil {
		t.Fatal(rerr)
	}
	w := bufio.NewWriter(os.Stdout)
	if err != nil {
		w.WriteString("save error: " + err.Error() + "\n")
	} else {
		w.WriteString("save succeeded\n")
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}
