package scan

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"synclog/internal/classify"
	"synclog/internal/summary"
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

// TestVerifiedStopsAtTheChecksum checks that only what a checksum verified
// is counted as findings, in files of two gzip members or zstd frames
// whose second has a bad checksum (the last bytes of the file), wherever
// the prefetch buffers (256 KiB) fall. An event is verified when the
// parser had it whole before it read a byte past the verified ones: an
// exchange still open at the boundary (a WARN line or body of it may
// follow) or one with a line that straddles it is decided by unverified
// bytes, and is counted apart with them.
func TestVerifiedStopsAtTheChecksum(t *testing.T) {
	var b bytes.Buffer
	truth, err := synth.Write(&b, synth.Config{Seed: 11, Bytes: 700 << 10, Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	syn, n := b.Bytes(), truth.Escalations
	if n == 0 {
		t.Fatal("the generated log holds no escalation")
	}
	// modern-trace.log holds 2 escalations and ends with the second one's
	// exchange still open. Split 40 copies of 80 in the first one's body
	// line.
	trace, err := os.ReadFile(filepath.Join(logs, "modern-trace.log"))
	if err != nil {
		t.Fatal(err)
	}
	traces := bytes.Repeat(trace, 80)
	mid := 39*len(trace) + bytes.Index(trace, []byte("database not in pool"))
	dir := t.TempDir()
	for _, tc := range []struct {
		name, format    string
		first, second   []byte
		esc, unverified int64 // -1: any number but 0
	}{
		{"gzip", "gzip", syn, syn, n, n},
		{"gzip open exchange", "gzip", traces[:40*len(trace)], traces[:40*len(trace)], 79, 81},
		{"gzip mid-line", "gzip", traces[:mid], traces[mid:], 78, 82},
		// The zstd decoder is verified at the input's end only.
		{"zstd", "zstd", syn, syn, 0, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := append(compressed(t, tc.format, tc.first), compressed(t, tc.format, tc.second)...)
			if tc.format == "gzip" {
				data[len(data)-8] ^= 0xff // the CRC-32, before the size
			} else {
				data[len(data)-4] ^= 0xff // the content checksum
			}
			path := filepath.Join(dir, tc.name)
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			m, errs := scanReport(t, []string{path}, Options{})
			if len(errs) != 1 {
				t.Fatalf("errors = %v, want one (the bad checksum)", errs)
			}
			in := m["inputs"].([]any)[0].(map[string]any)
			esc := int64(m["totals"].(map[string]any)["escalations"].(float64))
			unv := int64(in["unverified_escalations"].(float64))
			if esc != tc.esc || unv != tc.unverified && (tc.unverified >= 0 || unv == 0) || in["state"] != "CORRUPT" {
				t.Errorf("escalations %d, unverified %d, state %v; want %d, %d, CORRUPT (error %v)",
					esc, unv, in["state"], tc.esc, tc.unverified, errs[0])
			}
		})
	}
}

// TestVerifiedMembersMatchPlain checks that a log read whole from many
// gzip members or zstd frames, split mid-line and across the prefetch
// buffers, gives the very report of the plain log, samples and the keys
// kept under tight limits included: commits at every checksum keep the
// events in order.
func TestVerifiedMembersMatchPlain(t *testing.T) {
	var b bytes.Buffer
	if _, err := synth.Write(&b, synth.Config{Seed: 5, Bytes: 2 << 20, Trace: true}); err != nil {
		t.Fatal(err)
	}
	log := b.Bytes()
	dir := t.TempDir()
	opt := Options{Limits: summary.Limits{Samples: 2, Keys: 3}}
	plain := filepath.Join(dir, "plain.log")
	if err := os.WriteFile(plain, log, 0o644); err != nil {
		t.Fatal(err)
	}
	want, errs := scanReport(t, []string{plain}, opt)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	delete(want, "inputs")
	cuts := []int{0, 1000, 262144, 262144 + 77, 700001, 700001, 1 << 20, 1<<20 + 3, len(log) - 1, len(log)}
	for _, format := range []string{"gzip", "zstd"} {
		var data []byte
		for i := 1; i < len(cuts); i++ {
			data = append(data, compressed(t, format, log[cuts[i-1]:cuts[i]])...)
		}
		path := filepath.Join(dir, "members."+format)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		got, errs := scanReport(t, []string{path}, opt)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		delete(got, "inputs")
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s in %d parts: report differs from the plain log's (-plain +%s):\n%s", format, len(cuts)-1, format, diff)
		}
	}
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
