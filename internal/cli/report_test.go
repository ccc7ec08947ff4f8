package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportFlagsChecked checks that scan and merge reject the same bad
// report flags the same way: exit 2, nothing on stdout, one line on
// stderr. merge used to accept any --fail-on.
func TestReportFlagsChecked(t *testing.T) {
	clean := filepath.Join(t.TempDir(), "clean.json")
	var out, errOut bytes.Buffer
	if code := Run([]string{"scan", "-f", "json", "-o", clean, "../../testdata/logs/clean.log"}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("scan clean.log: exit %d, stderr %q", code, errOut.String())
	}
	tests := []struct {
		name string
		args []string
		want string // stderr
	}{
		{"fail-on", []string{"--fail-on", "bogus"}, "synclog: unknown --fail-on \"bogus\" (want escalation, review, unknown or never)\n"},
		{"format", []string{"-f", "yaml"}, "synclog: unknown --format \"yaml\" (want text, markdown, json, html or csv)\n"},
	}
	for _, tc := range tests {
		for _, cmd := range [][]string{
			{"scan", "../../testdata/logs/clean.log"},
			{"merge", clean},
		} {
			t.Run(cmd[0]+"/"+tc.name, func(t *testing.T) {
				want := tc.want
				if cmd[0] == "merge" {
					want = strings.Replace(want, "json, html or csv", "json or html", 1)
				}
				var out, errOut bytes.Buffer
				args := append(append([]string{cmd[0]}, tc.args...), cmd[1:]...)
				if code := Run(args, strings.NewReader(""), &out, &errOut); code != 2 {
					t.Errorf("%v: exit %d, want 2", args, code)
				}
				if out.Len() != 0 {
					t.Errorf("%v: stdout = %q, want nothing", args, out.String())
				}
				if got := errOut.String(); got != want {
					t.Errorf("%v: stderr = %q, want %q", args, got, want)
				}
			})
		}
	}
}

// TestRedactFlags checks that scan's --no-redact and merge's --redact
// spell one setting: both redact by default, and each turns it off.
func TestRedactFlags(t *testing.T) {
	const account = "987654321" // planted in modern-trace.log
	dir := t.TempDir()
	raw := filepath.Join(dir, "raw.json")
	var out, errOut bytes.Buffer
	Run([]string{"scan", "--no-redact", "-f", "json", "-o", raw, "../../testdata/logs/modern-trace.log"}, strings.NewReader(""), &out, &errOut)
	if b, err := os.ReadFile(raw); err != nil || !bytes.Contains(b, []byte(account)) {
		t.Fatalf("scan --no-redact: %v, account id missing from the report", err)
	}
	tests := []struct {
		args  []string
		shown bool
	}{
		{[]string{"scan", "-f", "json", "../../testdata/logs/modern-trace.log"}, false},
		{[]string{"scan", "--no-redact=false", "-f", "json", "../../testdata/logs/modern-trace.log"}, false},
		{[]string{"scan", "--no-redact", "-f", "json", "../../testdata/logs/modern-trace.log"}, true},
		{[]string{"merge", "-f", "json", raw}, false},
		{[]string{"merge", "--redact=false", "-f", "json", raw}, true},
	}
	for _, tc := range tests {
		out.Reset()
		errOut.Reset()
		Run(tc.args, strings.NewReader(""), &out, &errOut)
		if got := strings.Contains(out.String(), account); got != tc.shown {
			t.Errorf("%v: account id shown = %v, want %v (stderr %q)", tc.args, got, tc.shown, errOut.String())
		}
	}
}

func TestReportFormatCheck(t *testing.T) {
	for _, tc := range []struct {
		format, output string
		set            bool
		want           string // the format after check, or "error"
	}{
		{"JSON", "", true, "json"},
		{"Md", "", true, "markdown"},
		{"text", "report.html", false, "html"},
		{"text", "report.HTM", false, "html"},
		{"text", "r.markdown", false, "markdown"},
		{"text", "r.txt", false, "text"},
		{"text", "r.log", false, "text"},
		{"json", "r.json", true, "json"},
		{"json", "r.html", true, "error"},
		{"csv", "r.md", true, "error"},
		{"html", "r.log", true, "html"},
	} {
		o := &reportOptions{formats: []string{"text", "markdown", "json", "html", "csv"}, format: tc.format, output: tc.output, failOn: "escalation"}
		got := "error"
		if err := o.check(tc.set); err == nil {
			got = o.format
		}
		if got != tc.want {
			t.Errorf("-f %s (given: %v) -o %q: got %s, want %s", tc.format, tc.set, tc.output, got, tc.want)
		}
	}
}
