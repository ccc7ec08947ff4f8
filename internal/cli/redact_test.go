package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// canaries are the personal data planted in testdata/logs (see its
// README.md); internal/redact's canary test keeps the list honest.
var canaries = []string{
	"987654321",
	"c6o7dvmr2c4ud2fyv6woz2u4zi22bcyd",
	"canaryweaveuser",
	"canary.user@example.org",
	"weave.user@example.org",
	"f6a2b4c8d0e1f3a5b7c9d1e3f5a7b9c1",
	"eyJ1aWQiOiA5ODc2NTQzMjEs",
	"Q0FOQVJZ",
	"ca11ab1eca11ab1e",
}

// TestNoIdentifierSurvives scans every fixture in every format and checks
// that no planted identifier reaches stdout or stderr, and that
// --no-redact does show them (so the check can fail).
func TestNoIdentifierSurvives(t *testing.T) {
	paths, err := filepath.Glob("../../testdata/logs/*.log*")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, format := range []string{"text", "markdown", "json", "html", "csv"} {
		t.Run(format, func(t *testing.T) {
			var out, errOut bytes.Buffer
			Run(append([]string{"scan", "--samples", "100", "-f", format}, paths...), strings.NewReader(""), &out, &errOut)
			all := strings.ToLower(out.String() + errOut.String())
			for _, c := range canaries {
				if i := strings.Index(all, strings.ToLower(c)); i >= 0 {
					t.Errorf("%q survives: ...%s...", c, all[max(0, i-60):min(len(all), i+60)])
				}
			}
			if !strings.Contains(all, "user-1") {
				t.Errorf("no stand-in in the report: nothing was redacted?")
			}
			out.Reset()
			Run(append([]string{"scan", "--no-redact", "-f", format}, paths...), strings.NewReader(""), &out, &errOut)
			if !strings.Contains(out.String(), "987654321") {
				t.Errorf("--no-redact: the account id is missing, so this test cannot see a leak")
			}
		})
	}
}
