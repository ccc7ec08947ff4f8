package cli

import (
	"bytes"
	"cmp"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPagerCommand checks where the pager comes from: SYNCLOG_PAGER, then
// PAGER, then less -FRX; empty or cat means none.
func TestPagerCommand(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"default", nil, defaultPager},
		{"PAGER", map[string]string{"PAGER": "more"}, "more"},
		{"SYNCLOG_PAGER first", map[string]string{"PAGER": "more", "SYNCLOG_PAGER": "less -R"}, "less -R"},
		{"empty PAGER", map[string]string{"PAGER": ""}, ""},
		{"cat", map[string]string{"PAGER": "cat"}, ""},
		{"empty SYNCLOG_PAGER", map[string]string{"PAGER": "more", "SYNCLOG_PAGER": ""}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := pagerCommand(func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok })
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestPagerOnTallReport checks on a real 80x24 pseudo-terminal that a
// text report taller than the screen goes through $PAGER (a script that
// records that it ran and what it read), with the terminal as its
// standard output and the report's exit status kept; and that --no-pager,
// a report that fits, another format, a piped standard output and a pager
// that cannot be found all print the report directly.
func TestPagerOnTallReport(t *testing.T) {
	const tall = "../../testdata/logs/modern-trace.log" // 99 lines, exit 1
	dir := t.TempDir()
	marker := filepath.Join(dir, "paged")
	script := filepath.Join(dir, "pager")
	body := "#!/bin/sh\n[ -t 1 ] && echo tty >" + marker + ".tty\ncat >" + marker + "\necho PAGER-RAN\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SYNCLOG_PAGER", "")
	os.Unsetenv("SYNCLOG_PAGER")
	tests := []struct {
		name  string
		pager string
		args  []string
		paged bool
		rows  uint16 // of the terminal; 0: 24
	}{
		{"tall", script, []string{tall}, true, 0},
		{"through sh", script + " -x", []string{tall}, true, 0},
		{"no-pager", script, []string{"--no-pager", tall}, false, 0},
		{"output", script, []string{"-o", filepath.Join(dir, "report.txt"), tall}, false, 0},
		{"json", script, []string{"-f", "json", tall}, false, 0},
		{"fits", script, []string{tall}, false, 500},
		{"missing pager", filepath.Join(dir, "nosuch"), []string{tall}, false, 0},
		{"missing pager through sh", filepath.Join(dir, "nosuch") + " -R", []string{tall}, false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(marker)
			os.Remove(marker + ".tty")
			t.Setenv("PAGER", tc.pager)
			var code int
			var errOut bytes.Buffer
			got := onPTYSize(t, cmp.Or(tc.rows, 24), 80, func(tty *os.File) {
				code = Run(append([]string{"scan", "--no-progress"}, tc.args...), strings.NewReader(""), tty, &errOut)
			})
			if code != 1 {
				t.Errorf("exit = %d, want the report's 1; stderr: %s", code, errOut.String())
			}
			paged, err := os.ReadFile(marker)
			if ran := err == nil; ran != tc.paged {
				t.Fatalf("pager ran = %v, want %v; terminal: %q", ran, tc.paged, got)
			}
			if !tc.paged {
				if strings.Contains(got, "PAGER-RAN") || len(got) == 0 && tc.name != "output" {
					t.Errorf("report not printed directly: %q", got)
				}
				return
			}
			if _, err := os.Stat(marker + ".tty"); err != nil {
				t.Error("the pager's standard output is not the terminal")
			}
			if !strings.Contains(got, "PAGER-RAN") || strings.Count(string(paged), "\n") < 24 {
				t.Errorf("pager read %d lines; terminal: %q", strings.Count(string(paged), "\n"), got)
			}
			if strings.Contains(got, "Escalat") {
				t.Errorf("report printed to the terminal as well as paged: %q", got)
			}
		})
	}
	t.Run("pipe", func(t *testing.T) {
		os.Remove(marker)
		t.Setenv("PAGER", script)
		var out, errOut bytes.Buffer
		if code := Run([]string{"scan", tall}, strings.NewReader(""), &out, &errOut); code != 1 {
			t.Errorf("exit = %d, want 1", code)
		}
		if _, err := os.Stat(marker); err == nil || out.Len() == 0 {
			t.Errorf("pager ran for a pipe, or no report: %q", out.String())
		}
	})
}
