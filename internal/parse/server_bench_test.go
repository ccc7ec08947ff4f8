package parse

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// accessSample and mozlogSample repeat the server-side fixtures: every
// line shape each handler reads, statuses with and without a body.
func serverSample(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "logs", name))
	if err != nil {
		tb.Fatal(err)
	}
	return bytes.Repeat(b, 400)
}

// BenchmarkExtractServer measures the access log and MozLog handlers on
// a log already in memory.
func BenchmarkExtractServer(b *testing.B) {
	for _, name := range []string{"access.log", "mozlog.log"} {
		b.Run(strings.TrimSuffix(name, ".log"), func(b *testing.B) { benchExtract(b, serverSample(b, name)) })
	}
}

// TestExtractServerZeroAllocs checks that, once warm, the server-side
// handlers allocate nothing per line.
func TestExtractServerZeroAllocs(t *testing.T) {
	for _, name := range []string{"access.log", "mozlog.log"} {
		data := serverSample(t, name)
		allocs, n := extractAllocs(name, data)
		if n == 0 {
			t.Fatalf("%s: no events", name)
		}
		if allocs != 0 {
			t.Errorf("%s: allocs per run of %d lines = %v, want 0", name, bytes.Count(data, []byte("\n")), allocs)
		}
	}
}
