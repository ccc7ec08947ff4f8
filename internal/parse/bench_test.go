package parse

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// sampleLog is a realistic mix: successes with trace bodies, failures with
// WARN lines and bodies, request bodies, a stack trace.
var sampleLog = strings.Repeat(
	"1756106023249\tSync.Service\tINFO\tStarting sync at 2025-08-25 07:13:43 in browser session abc\n"+
		"1756106023250\tSync.Resource\tDEBUG\tGET success 200 https://sync-1-us-west1-g.sync.services.mozilla.com/1.5/987654321/info/collections\n"+
		"1756106023251\tSync.Resource\tTRACE\tGET body: {\"bookmarks\":1756106000.12,\"clients\":1756106000.55}\n"+
		"1756106023252\tSync.Engine.Bookmarks\tTRACE\tRecord abcdefgh is not modified\n"+
		"1756106023253\tSync.Resource\tTRACE\tPOST Body: [{\"id\":\"x\",\"payload\":\"{}\"}]\n"+
		"1756106023254\tSync.Resource\tDEBUG\tPOST fail 503 https://sync-1-us-west1-g.sync.services.mozilla.com/1.5/987654321/storage/bookmarks?batch=true\n"+
		"1756106023255\tSync.Resource\tTRACE\tPOST body: \"server issue: database not in pool\"\n"+
		"1756106023256\tSync.Resource\tWARN\tPOST request to https://sync-1-us-west1-g.sync.services.mozilla.com/1.5/987654321/storage/bookmarks?batch=true failed with status 503\n"+
		"1756106023257\tSync.ErrorHandler\tERROR\tbookmarks failed: Error: HTTP 503 (resource://services-sync/engines.sys.mjs:1234:5)\n"+
		"_uploadOutgoing@resource://services-sync/engines.sys.mjs:1234:5\n"+
		"sync@resource://services-sync/engines.sys.mjs:999:7\n", 200)

var sinkEvents int

// BenchmarkExtract measures the record extractor on a log already in
// memory (no decompression).
func BenchmarkExtract(b *testing.B) { benchExtract(b, []byte(sampleLog)) }

// benchExtract measures an Extractor reading data again and again.
func benchExtract(b *testing.B, data []byte) {
	r := bytes.NewReader(data)
	e := NewExtractor(r, "bench.log", Options{})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r.Reset(data)
		e.Reset(r, "bench.log")
		e.SetYear(2025)
		for e.Next() {
			sinkEvents++
		}
	}
}

// BenchmarkLineReader measures line splitting alone.
func BenchmarkLineReader(b *testing.B) {
	data := []byte(sampleLog)
	r := bytes.NewReader(data)
	lr := NewLineReader(r, 0)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r.Reset(data)
		lr.Reset(r)
		for {
			if _, _, err := lr.ReadLine(); err != nil {
				break
			}
			sinkEvents++
		}
	}
}

// BenchmarkPipeline measures open + decompress + extract per format.
func BenchmarkPipeline(b *testing.B) {
	formats := []struct {
		name string
		data []byte
	}{
		{"plain", []byte(sampleLog)},
		{"gzip", gzipBytes(b, sampleLog)},
		{"zstd", zstdBytes(b, sampleLog)},
	}
	for _, f := range formats {
		b.Run(f.name, func(b *testing.B) {
			op, err := NewOpener(OpenerOptions{})
			if err != nil {
				b.Fatal(err)
			}
			defer op.Close()
			e := NewExtractor(nil, "", Options{})
			r := bytes.NewReader(f.data)
			b.SetBytes(int64(len(sampleLog)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				r.Reset(f.data)
				dec, _, err := op.Open(r)
				if err != nil {
					b.Fatal(err)
				}
				e.Reset(dec, "bench")
				for e.Next() {
					sinkEvents++
				}
				if e.Err() != nil {
					b.Fatal(e.Err())
				}
			}
		})
	}
}

// TestExtractZeroAllocs checks that, once warm, extracting a log allocates
// nothing per line.
func TestExtractZeroAllocs(t *testing.T) {
	if allocs, _ := extractAllocs("a.log", []byte(sampleLog)); allocs != 0 {
		t.Errorf("allocs per run of %d lines = %v, want 0", strings.Count(sampleLog, "\n"), allocs)
	}
}

// extractAllocs returns the allocations of an Extractor reading data once
// it is warm, and how many events a run gives.
func extractAllocs(name string, data []byte) (allocs float64, events int) {
	r := bytes.NewReader(data)
	e := NewExtractor(r, name, Options{})
	run := func() {
		r.Reset(data)
		e.Reset(r, name)
		e.SetYear(2025)
		for events = 0; e.Next(); events++ {
		}
	}
	run()
	return testing.AllocsPerRun(5, run), events
}

// BenchmarkPipelineFile measures open + decompress + extract on a large
// log named by $SYNCLOG_BENCH_FILE (scripts/bench.sh leaves them in
// bench/data/), read from disk each time.
func BenchmarkPipelineFile(b *testing.B) {
	name := os.Getenv("SYNCLOG_BENCH_FILE")
	if name == "" {
		b.Skip("set SYNCLOG_BENCH_FILE to a log (e.g. bench/data/sync.log.zst, made by scripts/bench.sh)")
	}
	op, err := NewOpener(OpenerOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer op.Close()
	e := NewExtractor(nil, "", Options{})
	b.ReportAllocs()
	for b.Loop() {
		f, err := os.Open(name)
		if err != nil {
			b.Fatal(err)
		}
		dec, _, err := op.Open(f)
		if err != nil {
			b.Fatal(err)
		}
		e.Reset(dec, name)
		for e.Next() {
			sinkEvents++
		}
		if e.Err() != nil {
			b.Fatal(e.Err())
		}
		b.SetBytes(e.Stats().Bytes)
		f.Close()
	}
}
