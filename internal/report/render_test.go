package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"synclog/internal/classify"
	"synclog/internal/parse"
	"synclog/internal/summary"
)

// go test ./internal/report -update
var update = flag.Bool("update", false, "update golden files")

func TestGolden(t *testing.T) {
	tests := []struct {
		format, file string
	}{
		{"text", "report.txt.golden"},
		{"markdown", "report.md.golden"},
		{"json", "report.json.golden"},
		{"html", "report.html.golden"},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			var b bytes.Buffer
			if err := Render(&b, fixtureSummary(summary.Limits{}), Options{Format: tc.format}); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("testdata", tc.file), b.Bytes())
		})
	}
}

// checkGolden compares got with the golden file path, or rewrites it with
// -update.
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run: go test ./internal/report -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (-want +got):\n%s", path, lineDiff(path, string(want), string(got)))
	}
}

// lineDiff is a line diff of want and got (longest common subsequence),
// each changed line prefixed by path:line of the golden file.
func lineDiff(path, want, got string) string {
	a := strings.SplitAfter(want, "\n")
	b := strings.SplitAfter(got, "\n")
	// lcs[i][j] = length of the LCS of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			i++
			j++
		case j < len(b) && (i == len(a) || lcs[i][j+1] >= lcs[i+1][j]):
			fmt.Fprintf(&out, "%s:%d: + %q\n", path, i+1, b[j])
			j++
		default:
			fmt.Fprintf(&out, "%s:%d: - %q\n", path, i+1, a[i])
			i++
		}
	}
	return out.String()
}

func TestLineDiff(t *testing.T) {
	got := lineDiff("g", "a\nb\nc\n", "a\nB\nc\n")
	want := "g:2: + \"B\\n\"\ng:2: - \"b\\n\"\n"
	if got != want {
		t.Errorf("lineDiff = %q, want %q", got, want)
	}
}

func TestRenderUnknownFormat(t *testing.T) {
	var b bytes.Buffer
	err := Render(&b, summary.New(summary.Limits{}), Options{Format: "yaml"})
	if err == nil || !strings.Contains(err.Error(), `"yaml"`) {
		t.Errorf("Render(yaml) error = %v, want an unknown format error", err)
	}
	if b.Len() != 0 {
		t.Errorf("Render(yaml) wrote %q, want nothing", b.String())
	}
}

func TestRenderDefaultIsText(t *testing.T) {
	var a, b bytes.Buffer
	s := fixtureSummary(summary.Limits{})
	if err := Render(&a, s, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := Render(&b, s, Options{Format: "text"}); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Error(`Render with Format "" differs from "text"`)
	}
}

type failWriter struct{}

var errWrite = errors.New("disk full")

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestRenderWriteError(t *testing.T) {
	for _, f := range []string{"text", "markdown", "json"} {
		if err := Render(failWriter{}, fixtureSummary(summary.Limits{}), Options{Format: f}); !errors.Is(err, errWrite) {
			t.Errorf("Render(%s) to a failing writer = %v, want %v", f, err, errWrite)
		}
	}
}

func TestRenderEmpty(t *testing.T) {
	s := summary.New(summary.Limits{})
	var b bytes.Buffer
	if err := Render(&b, s, Options{Format: "text"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"OK: nothing to escalate (0 responses, 0 failed).\n", noEscLine + "\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("empty text report lacks %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	if err := Render(&b, s, Options{Format: "json"}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "null") {
		t.Errorf("empty JSON report holds null:\n%s", b.String())
	}
	var m map[string]any
	if err := json.Unmarshal(b.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema", "inputs", "totals", "classes", "escalations"} {
		if _, ok := m[k]; !ok {
			t.Errorf("empty JSON report lacks key %q", k)
		}
	}
}

func TestRenderDeterministic(t *testing.T) {
	for _, f := range []string{"text", "markdown", "json"} {
		var a, b bytes.Buffer
		if err := Render(&a, fixtureSummary(summary.Limits{}), Options{Format: f}); err != nil {
			t.Fatal(err)
		}
		for range 20 {
			b.Reset()
			if err := Render(&b, fixtureSummary(summary.Limits{}), Options{Format: f}); err != nil {
				t.Fatal(err)
			}
			if a.String() != b.String() {
				t.Fatalf("Render(%s) is not deterministic", f)
			}
		}
	}
}

func TestColor(t *testing.T) {
	t.Setenv("NO_COLOR", "1") // Render must not look at the environment
	s := fixtureSummary(summary.Limits{})
	var plain, color bytes.Buffer
	if err := Render(&plain, s, Options{Format: "text"}); err != nil {
		t.Fatal(err)
	}
	if err := Render(&color, s, Options{Format: "text", Color: true}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b") {
		t.Error("Color: false output holds an escape sequence")
	}
	if !strings.HasPrefix(color.String(), colorBad+"ESCALATE") {
		t.Errorf("Color: true verdict = %q, want it red", strings.SplitN(color.String(), "\n", 2)[0])
	}
	if !strings.Contains(color.String(), colorEsc+"server issue: database not in pool") {
		t.Error("Color: true escalation rows are not red")
	}
	ok := summary.New(summary.Limits{})
	color.Reset()
	if err := Render(&color, ok, Options{Color: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(color.String(), colorGood+"OK") {
		t.Errorf("Color: true OK verdict = %q, want it green", strings.SplitN(color.String(), "\n", 2)[0])
	}
}

func TestWidth(t *testing.T) {
	var b bytes.Buffer
	if err := Render(&b, fixtureSummary(summary.Limits{}), Options{Width: 120}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, actionLine) {
		t.Errorf("wrapped report lacks the action line:\n%s", out)
	}
	for i, l := range strings.Split(out, "\n") {
		if w := width(l); w > 120 {
			t.Errorf("line %d is %d columns wide, want <= 120: %q", i+1, w, l)
		}
	}
}

func TestSafe(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "server issue: pool exhausted", "server issue: pool exhausted"},
		{"utf8", "déjà vu ✓", "déjà vu ✓"},
		{"ESC", "\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"C1 CSI", "a\u009b31mb", `a\u009b31mb`},
		{"C1 NEL", "a\u0085b", `a\u0085b`},
		{"bidi override", "abc\u202egpj.exe", `abc\u202egpj.exe`},
		{"bidi isolate", "\u2066x\u2069", `\u2066x\u2069`},
		{"RLM", "a\u200fb", `a\u200fb`},
		{"CR LF TAB", "a\r\nb\tc", `a\r\nb\tc`},
		{"NUL", "a\x00b", `a\x00b`},
		{"DEL", "a\x7fb", `a\x7fb`},
		{"BEL BS", "\a\b", `\x07\x08`},
		{"line separator", "a\u2028b", `a\u2028b`},
		{"BOM", "\ufeffx", `\ufeffx`},
		{"invalid utf8", "a\xffb\xc3", `a\xffb\xc3`},
		{"backslash kept", `a\"b`, `a\"b`},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Safe(tc.in); got != tc.want {
				t.Errorf("Safe(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSafeNoCopy(t *testing.T) {
	s := "https://scl2-sync405.services.mozilla.com/1.5/1/info/collections"
	if n := testing.AllocsPerRun(100, func() { _ = Safe(s) }); n != 0 {
		t.Errorf("safe on a clean string: %v allocs, want 0", n)
	}
}

func TestMarkdownEscape(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"a|b", `a\|b`},
		{"`code`", "\\`code\\`"},
		{"<script>alert(1)</script>", `\<script\>alert(1)\</script\>`},
		{"*bold* _it_ ~st~", `\*bold\* \_it\_ \~st\~`},
		{"[x](http://evil)", `\[x\](http://evil)`},
		{`back\|slash`, `back\\\|slash`},
		{"multi\nline|\x1b", `multi\\nline\|\\x1b`},
		{"plain text", "plain text"},
	}
	for _, tc := range tests {
		if got := md(tc.in); got != tc.want {
			t.Errorf("md(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestMarkdownCells checks that hostile log text cannot break a Markdown
// table: every row of every table has as many unescaped pipes as its header.
func TestMarkdownCells(t *testing.T) {
	var b bytes.Buffer
	if err := Render(&b, fixtureSummary(summary.Limits{}), Options{Format: "markdown"}); err != nil {
		t.Fatal(err)
	}
	pipes := func(l string) int {
		n := 0
		for i := 0; i < len(l); i++ {
			switch l[i] {
			case '\\':
				i++
			case '|':
				n++
			}
		}
		return n
	}
	want := -1
	for i, l := range strings.Split(b.String(), "\n") {
		if !strings.HasPrefix(l, "|") {
			want = -1
			continue
		}
		if want < 0 {
			want = pipes(l)
		} else if got := pipes(l); got != want {
			t.Errorf("markdown line %d has %d cell separators, want %d: %q", i+1, got, want, l)
		}
		if strings.ContainsAny(l, "\x1b\r") || strings.Contains(l, "<b>") {
			t.Errorf("markdown line %d holds raw control or HTML: %q", i+1, l)
		}
	}
}

func TestJSONInvalidUTF8(t *testing.T) {
	s := summary.New(summary.Limits{})
	bad := &classify.Class{Kind: classify.Infra, Key: "server issue: \xff\xfe bad", Description: "\xc3"}
	ev := parse.Event{Kind: parse.KindResponse, File: "f\xff.txt", Line: 1, Method: []byte("G\x00T"), Status: 503,
		URL: []byte("https://h\xff\xfe.example/\x1b[2J\u2028\u202e\u0085\ufeff</script>"), HasBody: true}
	s.Add(&ev, bad)
	s.Add(&ev, &classify.Class{Kind: classify.Unknown, Text: []byte("\xe2\x82 cut \xf0\x9f")})
	ev.Kind = parse.KindNetworkError
	ev.Detail = []byte("\xff\x00")
	s.Add(&ev, nil)
	s.AddInput(summary.Input{Path: "\xff\xfe", Format: "plain", Error: "\xff"})
	var b bytes.Buffer
	if err := Render(&b, s, Options{Format: "json"}); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(b.Bytes()) {
		t.Errorf("JSON output is not valid:\n%s", b.String())
	}
	if strings.ContainsAny(b.String(), "\u2028\u202e\u0085\ufeff") {
		t.Errorf("JSON output holds raw bidi or C1 controls:\n%s", b.String())
	}
	var round map[string]any
	if err := json.Unmarshal(b.Bytes(), &round); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"text", "markdown"} {
		b.Reset()
		if err := Render(&b, s, Options{Format: f}); err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(b.String(), "\x1b\x00\u2028\u202e\u0085\ufeff") {
			t.Errorf("%s output holds raw control characters:\n%s", f, b.String())
		}
		if !utf8.ValidString(b.String()) {
			t.Errorf("%s output is not valid UTF-8:\n%q", f, b.String())
		}
	}
}

// skippedSummary is the fixture with entries a folder walk passed over:
// paths with a control character and Markdown and HTML syntax, and one
// entry beyond Limits.Keys.
func skippedSummary() *summary.Summary {
	s := fixtureSummary(summary.Limits{Keys: 3})
	s.AddSkipped("logs/\x1b[31mred.log", "hidden")
	s.AddSkipped("logs/a|b*c_d.log", "excluded")
	s.AddSkipped("logs/<img src=x onerror=alert(1)>.log", "symlink (use --follow)")
	s.AddSkipped("logs/more.log", "hidden")
	return s
}

func TestTextSkipped(t *testing.T) {
	out := render(t, skippedSummary(), Options{Format: "text"})
	for _, want := range []string{
		"\n" + titleSkipped + "\n",
		`logs/\x1b[31mred.log`,
		"logs/a|b*c_d.log",
		"symlink (use --follow)",
		"Note: 1 more entry was passed over and not listed.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Error("a skipped path's escape sequence reached the terminal")
	}
	if i, j := strings.Index(out, "\n"+titleSkipped+"\n"), strings.Index(out, "\n"+titleTotals+"\n"); i < strings.Index(out, "\n"+titleInputs+"\n") || i > j {
		t.Errorf("%q is not between the inputs and the totals", titleSkipped)
	}
	if out := render(t, fixtureSummary(summary.Limits{}), Options{Format: "text"}); strings.Contains(out, titleSkipped) {
		t.Errorf("report with nothing skipped shows %q", titleSkipped)
	}
}

// TestFoldedIncompleteVerdict checks that an input not read whole keeps
// the report INCOMPLETE when its row is folded (every row kept is an input
// with warnings), in every format, read back from JSON and merged with a
// report of inputs read whole.
func TestFoldedIncompleteVerdict(t *testing.T) {
	s := summary.New(summary.Limits{Inputs: 1})
	s.AddInput(summary.Input{Path: "warned.log", Format: "plain", Complete: true, Warnings: []string{"cut lines"}})
	s.AddInput(summary.Input{Path: "damaged.log.gz", Format: "gzip", Error: "gzip: unexpected EOF", State: "TRUNCATED"})
	if len(s.Inputs) != 1 || s.Inputs[0].Path != "warned.log" || s.FoldedInputs.Incomplete != 1 {
		t.Fatalf("rows %+v, folded %+v; want warned.log listed, damaged.log.gz folded", s.Inputs, s.FoldedInputs)
	}
	clean := summary.New(summary.Limits{Inputs: 1})
	clean.AddInput(summary.Input{Path: "clean.log", Format: "plain", Complete: true})
	merged := roundTrip(t, s, summary.Limits{})
	merged.Merge(roundTrip(t, clean, summary.Limits{}))
	for name, x := range map[string]*summary.Summary{"scan": s, "read back": roundTrip(t, s, summary.Limits{}), "merged": merged} {
		if x.Whole() {
			t.Errorf("%s: Whole() = true with an input not read whole", name)
		}
		if v := buildView(x); v.Verdict != "incomplete" {
			t.Errorf("%s: verdict %q, want incomplete", name, v.Verdict)
		}
		for _, o := range []Options{{Format: "text"}, {Format: "markdown"}, {Format: "html"}} {
			out := render(t, x, o)
			for _, want := range []string{"INCOMPLETE: 1 of ", "Warning: 1 more input not read whole, not listed."} {
				if !strings.Contains(out, want) {
					t.Errorf("%s, %s: no %q in\n%s", name, o.Format, want, out)
				}
			}
		}
	}
}
