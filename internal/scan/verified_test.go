package scan

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"synclog/internal/classify"
	"synclog/internal/synth"
)

// compressed returns data as one gzip member or one zstd frame with its
// content checksum.
func compressed(t testing.TB, format string, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	var w io.WriteCloser = gzip.NewWriter(&b)
	if format == "zstd" {
		zw, err := zstd.NewWriter(&b, zstd.WithEncoderCRC(true))
		if err != nil {
			t.Fatal(err)
		}
		w = zw
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// BenchmarkVerified measures a scan of an 8 MiB log compressed as one gzip
// member, as 32 members (a checksum, and so a commit, every 256 KiB or so,
// at offsets that fall inside prefetch buffers), and as one zstd frame.
func BenchmarkVerified(b *testing.B) {
	var buf bytes.Buffer
	if _, err := synth.Write(&buf, synth.Config{Seed: 3, Bytes: 8 << 20, Trace: true}); err != nil {
		b.Fatal(err)
	}
	log := buf.Bytes()
	cl, err := classify.New(classify.DefaultEntries())
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for _, tc := range []struct {
		name, format string
		members      int
	}{{"gzip", "gzip", 1}, {"gzip-members", "gzip", 32}, {"zstd", "zstd", 1}} {
		var data []byte
		for i := range tc.members {
			part := log[len(log)*i/tc.members : len(log)*(i+1)/tc.members]
			data = append(data, compressed(b, tc.format, part)...)
		}
		path := filepath.Join(dir, tc.name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(log)))
			for b.Loop() {
				if _, _, errs := Run(context.Background(), []string{path}, Options{Classifier: cl, Jobs: 1}); len(errs) > 0 {
					b.Fatal(errs)
				}
			}
		})
	}
}
