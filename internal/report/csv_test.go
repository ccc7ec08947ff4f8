package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"synclog/internal/classify"
	"synclog/internal/summary"
)

// rowsOf returns the Rows of items, closed when the test ends.
func rowsOf(t *testing.T, items []item) *Rows {
	r := &Rows{}
	t.Cleanup(r.Close)
	for i := range items {
		r.Add(&items[i].ev, items[i].c)
	}
	return r
}

// csvOf returns WriteCSV of r.
func csvOf(t *testing.T, r *Rows, o Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteCSV(&b, r, o); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func readCSV(t *testing.T, s string) [][]string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(s))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v\n%s", err, s)
	}
	return recs
}

// TestCSVGolden checks the CSV of the golden fixture, unredacted and
// redacted.
func TestCSVGolden(t *testing.T) {
	for _, redact := range []bool{false, true} {
		items, _ := fixture()
		got := csvOf(t, rowsOf(t, items), Options{Redact: redact})
		name := "report.csv.golden"
		if redact {
			name = "report.redacted.csv.golden"
		}
		checkGolden(t, filepath.Join("testdata", name), []byte(got))
	}
}

// TestCSVRows checks that there is one row per failed response, in event
// order, with the fields of the event, each row on one line.
func TestCSVRows(t *testing.T) {
	items, _ := fixture()
	s, rows := fixtureSummary(summary.Limits{}), rowsOf(t, items)
	recs := readCSV(t, csvOf(t, rows, Options{}))
	if !slices.Equal(recs[0], CSVHeader) {
		t.Fatalf("header %q, want %q", recs[0], CSVHeader)
	}
	var want [][]string
	for _, it := range items {
		ev := &it.ev
		if ev.Status < 400 {
			continue
		}
		tm := ""
		if !ev.Time.IsZero() {
			tm = ev.Time.UTC().Format("2006-01-02T15:04:05.000Z")
		}
		class, key := "no_body", ""
		if it.c != nil {
			class, key = it.c.Kind.String(), it.c.Key
			if key == "" {
				key = Safe(string(summary.CutUTF8(it.c.Text, summary.MaxKeyBytes)))
			}
		}
		esc := ev.Status == 503 && it.c != nil && it.c.Kind == classify.Infra
		want = append(want, []string{tm, ev.File, fmt.Sprint(ev.Line), string(ev.Method), fmt.Sprint(ev.Status),
			"", "", class, key, fmt.Sprint(esc), fmt.Sprint(it.c != nil && it.c.Unlisted())})
	}
	if lines := strings.Count(csvOf(t, rows, Options{}), "\n"); lines != len(recs) {
		t.Errorf("%d lines for %d records", lines, len(recs))
	}
	got := recs[1:]
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d (failed responses)", len(got), len(want))
	}
	if n := int64(len(got)); n != buildView(s).Totals[summary.Failed] {
		t.Errorf("%d rows, totals say %d failed responses", n, buildView(s).Totals[summary.Failed])
	}
	for i := range want {
		g := slices.Clone(got[i])
		g[5], g[6] = "", "" // host and path: checked below
		if !slices.Equal(g, want[i]) {
			t.Errorf("row %d:\n got %q\nwant %q", i+1, g, want[i])
		}
	}
	// The URL with userinfo and a default port.
	if r := got[1]; r[5] != "scl2-sync406.services.mozilla.com:8443" || r[6] != "/1.5/123456/storage/tabs" {
		t.Errorf("host, path = %q, %q", r[5], r[6])
	}
	if r := got[2]; r[5] != "scl2-sync406.services.mozilla.com" || r[6] != "/1.5/123456/storage/history" {
		t.Errorf("default port: host, path = %q, %q", r[5], r[6])
	}
	if strings.Contains(csvOf(t, rows, Options{}), "secret") {
		t.Error("userinfo in the CSV")
	}
}

func TestSplitURL(t *testing.T) {
	for _, tc := range []struct{ url, host, path string }{
		{"https://h.example/1.5/x?y=1#f", "h.example", "/1.5/x?y=1#f"},
		{"https://h.example:443/a", "h.example", "/a"},
		{"http://h.example:8080", "h.example:8080", ""},
		{"//h.example/a", "h.example", "/a"},
		{"https://h.example?q", "h.example", "?q"},
		{"/relative/path", "", "/relative/path"},
		{"", "", ""},
	} {
		h, p := splitURL(tc.url)
		if h != tc.host || p != tc.path {
			t.Errorf("splitURL(%q) = %q, %q; want %q, %q", tc.url, h, p, tc.host, tc.path)
		}
	}
}

// TestCSVDefuse checks that no cell starts a spreadsheet formula.
func TestCSVDefuse(t *testing.T) {
	rows := rowsOf(t, []item{
		resp("=cmd.log", 1, time.Time{}, "+GET", 503, "https://h.example/@SUM(A1)", infra("=HYPERLINK(\"http://x\")")),
		resp("f.log", 2, time.Time{}, "GET", 500, "-2+3", &classify.Class{Kind: classify.Unknown, Text: []byte("@x")}),
	})
	for i, r := range readCSV(t, csvOf(t, rows, Options{}))[1:] {
		for j, c := range r {
			if c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
				t.Errorf("row %d, %s: %q starts a formula", i+1, CSVHeader[j], c)
			}
		}
	}
}

// TestCSVSpill checks rows past the memory buffer: they go to the
// temporary file and come back in order, through merges and line shifts.
func TestCSVSpill(t *testing.T) {
	long := strings.Repeat("x", 200)
	var want []string
	all := &Rows{}
	defer all.Close()
	shift := 0
	for part := range 3 {
		p := &Rows{}
		for i := range 6000 {
			line := i + 1
			url := fmt.Sprintf("https://node%d.example/%s/%d", part, long, i)
			it := resp("f.log", line, time.Time{}, "GET", 503, url, nil)
			p.Add(&it.ev, it.c)
			want = append(want, fmt.Sprintf("f.log:%d:node%d.example:/%s/%d", line+shift, part, long, i))
		}
		if part == 0 && p.f == nil {
			t.Fatal("6000 rows of 250 bytes stayed in memory")
		}
		p.ShiftLines(shift)
		all.Merge(p)
		p.Close()
		shift += 6000
	}
	if all.f == nil {
		t.Fatal("merged rows stayed in memory")
	}
	recs := readCSV(t, csvOf(t, all, Options{}))[1:]
	if len(recs) != len(want) {
		t.Fatalf("%d rows, want %d", len(recs), len(want))
	}
	for i, r := range recs {
		if got := r[1] + ":" + r[2] + ":" + r[5] + ":" + r[6]; got != want[i] {
			t.Fatalf("row %d: %s, want %s", i+1, got, want[i])
		}
	}
	// A summary merged into itself lists its rows twice.
	all.Merge(all)
	if n := len(readCSV(t, csvOf(t, all, Options{}))) - 1; n != 2*len(want) {
		t.Errorf("self-merge: %d rows, want %d", n, 2*len(want))
	}
}

// TestCSVNeedsRows checks that a summary without rows (a JSON report read
// back, say) refuses the CSV format rather than print a header alone.
func TestCSVNeedsRows(t *testing.T) {
	var b bytes.Buffer
	err := Render(&b, fixtureSummary(summary.Limits{}), Options{Format: "csv"})
	if err == nil || b.Len() > 0 {
		t.Errorf("got %q, %v; want an error and no output", b.String(), err)
	}
}
