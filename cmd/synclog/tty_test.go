package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/creack/pty"
)

// TestScanTerminalStdin checks, on a real pseudo-terminal, that scan with
// no PATH does not wait for a person to type a log: it prints usage and
// exits 2.
func TestScanTerminalStdin(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pty on this machine: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	var out, errOut bytes.Buffer
	code := run([]string{"scan"}, tty, &out, &errOut)
	if code != 2 {
		t.Errorf("exit = %d, want 2", code)
	}
	if out.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", out.String())
	}
	if !strings.Contains(errOut.String(), "Usage:") || !strings.HasSuffix(errOut.String(), "synclog: no PATH given and standard input is a terminal\n") {
		t.Errorf("stderr = %q, want usage then one error line", errOut.String())
	}
}
