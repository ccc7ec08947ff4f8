package scan

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"synclog/internal/classify"
	"synclog/internal/parse"
	"synclog/internal/report"
	"synclog/internal/synth"
)

// render scans paths with opt and returns the JSON report.
func render(t *testing.T, paths []string, opt Options) string {
	t.Helper()
	return renderAs(t, "json", paths, opt)
}

// renderAs scans paths with opt and returns the report in format.
func renderAs(t *testing.T, format string, paths []string, opt Options) string {
	t.Helper()
	opt.Rows = format == "csv"
	cl, err := classify.New(classify.DefaultEntries())
	if err != nil {
		t.Fatal(err)
	}
	opt.Classifier = cl
	sum, rows, errs := Run(context.Background(), paths, opt)
	if len(errs) > 0 {
		t.Fatalf("Run: %v", errs)
	}
	var b bytes.Buffer
	if format == "csv" {
		defer rows.Close()
		err = report.WriteCSV(&b, rows, report.Options{})
	} else {
		err = report.Render(&b, sum, report.Options{Format: format})
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestPartsMatchOnePiece checks that a plain file scanned in 2, 3 and 7
// parts gives the very report of a scan in one piece: generated logs, and
// every fixture shape (mesg pairs, multi-line bodies, old engine lines)
// repeated so that split points land in all of them.
func TestPartsMatchOnePiece(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for seed, trace := range map[int64]bool{1: true, 2: false} {
		name := filepath.Join(dir, "synth"+string(rune('0'+seed))+".log")
		f, err := os.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := synth.Write(f, synth.Config{Seed: seed, Bytes: 3 << 20, Trace: trace}); err != nil {
			t.Fatal(err)
		}
		f.Close()
		files = append(files, name)
	}
	// The fixtures of each layout, one file per layout: an input is read
	// in the layout of its first record, so a desktop fixture followed by
	// an iOS one is no log that any client writes.
	fixtures, _ := filepath.Glob(filepath.Join(logs, "*.log"))
	var byLayout [8]bytes.Buffer
	for i := 0; i < 40; i++ {
		for _, fx := range fixtures {
			b, err := os.ReadFile(fx)
			if err != nil {
				t.Fatal(err)
			}
			all := &byLayout[layoutOf(b)]
			all.Write(b)
			if len(b) > 0 && b[len(b)-1] != '\n' {
				all.WriteByte('\n')
			}
		}
	}
	for l := range byLayout {
		if byLayout[l].Len() == 0 {
			continue
		}
		mixed := filepath.Join(dir, "fixtures-"+parse.Layout(l).String()+".log")
		if err := os.WriteFile(mixed, byLayout[l].Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, mixed)
	}
	cl, _ := classify.New(classify.DefaultEntries())
	for _, name := range files {
		// The parts must agree here (else the comparison below would only
		// compare the fallback with itself).
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := f.Stat()
		for _, n := range []int{2, 3, 7} {
			if _, _, err := scanParts(context.Background(), f, fi.Size(), n, name, nil, 0, Options{Classifier: cl}); err != nil {
				t.Errorf("%s: %d parts: %v", filepath.Base(name), n, err)
			}
		}
		f.Close()
		for _, format := range []string{"json", "csv"} {
			want := renderAs(t, format, []string{name}, Options{Jobs: 1})
			for _, jobs := range []int{2, 3, 7} {
				got := renderAs(t, format, []string{name}, Options{Jobs: jobs, PartMin: 1})
				if got != want {
					t.Errorf("%s in %d parts: %s report differs from one piece", filepath.Base(name), jobs, format)
				}
			}
			if format == "csv" {
				t.Logf("%s: %d csv bytes", filepath.Base(name), len(want))
			}
		}
	}
}

// layoutOf returns the layout an Extractor reads log in.
func layoutOf(log []byte) parse.Layout {
	e := parse.NewExtractor(bytes.NewReader(log), "", parse.Options{})
	for e.Next() {
	}
	return e.Layout()
}

// TestPartsFallBack builds a log where a body belongs to a 503 logged
// long before it (further back than a part's pre-roll): the parts cannot
// agree, so the file must be scanned in one piece, and the escalation
// still found.
func TestPartsFallBack(t *testing.T) {
	var b strings.Builder
	b.WriteString("1756106023249\tSync.Resource\tDEBUG\tPOST fail 503 https://sync-1-us-west1-g.sync.services.mozilla.com/1.5/1/storage/bookmarks\n")
	for b.Len() < 3<<20 {
		b.WriteString("1756106023250\tSync.Service\tINFO\tnothing to see here, just a long quiet stretch of the log\n")
	}
	b.WriteString("1756106023251\tSync.Engine.Bookmarks\tDEBUG\tUploading records failed: \"server issue: database not in pool\"\n")
	name := filepath.Join(t.TempDir(), "far.log")
	if err := os.WriteFile(name, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cl, _ := classify.New(classify.DefaultEntries())
	if _, _, err := scanParts(context.Background(), f, int64(b.Len()), 2, name, nil, 0, Options{Classifier: cl}); !errors.Is(err, errFallBack) {
		t.Fatalf("scanParts: %v, want errFallBack: the parts' states differ at the split", err)
	}
	want := render(t, []string{name}, Options{Jobs: 1})
	if !strings.Contains(want, `"escalations": 1,`) {
		t.Fatalf("one piece: no escalation:\n%s", want)
	}
	if got := render(t, []string{name}, Options{Jobs: 2, PartMin: 1}); got != want {
		t.Error("after falling back, the report differs from one piece")
	}
}
