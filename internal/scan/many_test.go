package scan

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"synclog/internal/classify"
	"synclog/internal/synth"
)

// BenchmarkManySmall measures the cost of an input apart from its bytes: a
// folder's worth of 20 KiB logs (the shape of weave/logs, or of a ticket's
// attachments), against the same bytes as one log.
func BenchmarkManySmall(b *testing.B) {
	const files, size = 500, 20 << 10
	var buf bytes.Buffer
	if _, err := synth.Write(&buf, synth.Config{Seed: 5, Bytes: files * size, Trace: true}); err != nil {
		b.Fatal(err)
	}
	log := buf.Bytes()
	dir := b.TempDir()
	var paths []string
	for i, rest := 0, log; len(rest) > 0; i++ {
		n := min(size, len(rest))
		if j := bytes.LastIndexByte(rest[:n], '\n'); j >= 0 && n < len(rest) {
			n = j + 1
		}
		p := filepath.Join(dir, fmt.Sprintf("part-%04d.log", i))
		if err := os.WriteFile(p, rest[:n], 0o644); err != nil {
			b.Fatal(err)
		}
		paths, rest = append(paths, p), rest[n:]
	}
	one := filepath.Join(dir, "one.log")
	if err := os.WriteFile(one, log, 0o644); err != nil {
		b.Fatal(err)
	}
	cl, err := classify.New(classify.DefaultEntries())
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		paths []string
	}{{"files", paths}, {"one", []string{one}}} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(log)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, errs := Run(context.Background(), tc.paths, Options{Classifier: cl, Jobs: 1}); len(errs) > 0 {
					b.Fatal(errs)
				}
			}
		})
	}
}
