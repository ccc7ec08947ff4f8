package scan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"synclog/internal/classify"
	"synclog/internal/summary"
)

// TestFIFO checks that a FIFO given by name is waited on as cat waits on
// it, but never where a cancellation cannot end the wait: a writer that
// comes later is read whole, one that leaves without writing is an empty
// log, and with no writer at all the scan ends when ctx is cancelled.
func TestFIFO(t *testing.T) {
	const log = "1756106023249\tSync.Resource\tDEBUG\tGET fail 503 https://sync-1-us-west1-g.sync.services.mozilla.com/1.5/1/storage/bookmarks\n" +
		"1756106023250\tSync.Resource\tTRACE\tGET body: \"server issue: database not in pool\"\n"
	tests := []struct {
		name    string
		write   string // what the writer writes; "-": there is no writer
		lines   int64
		wantErr error
	}{
		{"writer comes later", log, 2, nil},
		{"writer writes nothing", "", 0, nil},
		{"no writer, cancelled", "-", 0, context.Canceled},
	}
	cl, err := classify.New(classify.DefaultEntries())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fifo := filepath.Join(t.TempDir(), "sync.log")
			if err := syscall.Mkfifo(fifo, 0o644); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.write == "-" {
				time.AfterFunc(100*time.Millisecond, cancel)
			} else {
				go writeFIFO(t, fifo, tc.write)
			}
			type result struct {
				sum  *summary.Summary
				errs []error
			}
			done := make(chan result, 1)
			go func() {
				sum, _, errs := Run(ctx, []string{fifo}, Options{Classifier: cl})
				done <- result{sum, errs}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("Run still waiting 20 s on")
			}
			if tc.wantErr != nil {
				if len(r.errs) != 1 || !errors.Is(r.errs[0], tc.wantErr) {
					t.Errorf("errors %v, want %v", r.errs, tc.wantErr)
				}
				return
			}
			if len(r.errs) > 0 {
				t.Fatalf("errors %v", r.errs)
			}
			if got := r.sum.Inputs[0].Lines; got != tc.lines {
				t.Errorf("lines = %d, want %d", got, tc.lines)
			}
		})
	}
}

// writeFIFO opens the FIFO path for writing (which waits for its reader),
// writes s and closes it.
func writeFIFO(t *testing.T, path, s string) {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Error(err)
		return
	}
	if _, err := f.WriteString(s); err != nil {
		t.Error(err)
	}
	if err := f.Close(); err != nil {
		t.Error(err)
	}
}
