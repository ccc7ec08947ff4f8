package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"synclog/internal/classify"
	"synclog/internal/summary"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// render returns the report of s in format f.
func render(t *testing.T, s *summary.Summary, o Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, s, o); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// readJSON is ReadJSON of a string that must read.
func readJSON(t *testing.T, js string, l summary.Limits) *summary.Summary {
	t.Helper()
	s, err := ReadJSON(strings.NewReader(js), l)
	if err != nil {
		t.Fatalf("ReadJSON: %v", err)
	}
	return s
}

// roundTrip is ReadJSON(Render(s, json)).
func roundTrip(t *testing.T, s *summary.Summary, l summary.Limits) *summary.Summary {
	t.Helper()
	return readJSON(t, render(t, s, Options{Format: "json"}), l)
}

var allFormats = []Options{
	{Format: "text"}, {Format: "text", Color: true, Width: 100}, {Format: "markdown"}, {Format: "json"},
}

func TestReadJSONRoundTrip(t *testing.T) {
	items, inputs := mergeItems()
	for _, l := range []summary.Limits{{}, {Samples: 1}, {Samples: 2, Keys: 3}, {Samples: 1, Keys: 1}} {
		for name, s := range map[string]*summary.Summary{
			"fixture":    fixtureSummary(l),
			"mergeItems": func() *summary.Summary { s := summary.New(l); feed(s, items); s.AddInput(inputs[0]); return s }(),
			"empty":      summary.New(l),
		} {
			back := roundTrip(t, s, summary.Limits{})
			for _, o := range allFormats {
				if diff := lineDiff("want", render(t, s, o), render(t, back, o)); diff != "" {
					t.Errorf("%s, limits %+v, %+v: round trip differs:\n%s", name, l, o, diff)
				}
			}
			// Twice is the same.
			if diff := lineDiff("want", render(t, s, Options{Format: "json"}), render(t, roundTrip(t, back, summary.Limits{}), Options{Format: "json"})); diff != "" {
				t.Errorf("%s, limits %+v: second round trip differs:\n%s", name, l, diff)
			}
		}
	}
}

// TestReadJSONGolden reads the golden JSON report back.
func TestReadJSONGolden(t *testing.T) {
	want := render(t, fixtureSummary(summary.Limits{}), Options{Format: "text"})
	s := roundTrip(t, fixtureSummary(summary.Limits{}), summary.Limits{})
	if got := render(t, s, Options{Format: "text"}); got != want {
		t.Errorf("text of the golden JSON read back differs:\n%s", lineDiff("want", want, got))
	}
}

// TestReadJSONMerge checks that reports of consecutive parts, read back
// and merged, give the summary of the parts themselves merged, whatever
// the limits: the JSON keeps every order Merge needs.
func TestReadJSONMerge(t *testing.T) {
	items, inputs := mergeItems()
	for _, l := range []summary.Limits{{}, {Samples: 1}, {Samples: 1, Keys: 2}, {Samples: 2, Keys: 3}} {
		for cut1 := 0; cut1 <= len(items); cut1 += 3 {
			for _, cut2 := range []int{cut1, (cut1 + len(items)) / 2, len(items)} {
				parts := [][]item{items[:cut1], items[cut1:cut2], items[cut2:]}
				direct, viaJSON := summary.New(l), (*summary.Summary)(nil)
				for i, p := range parts {
					s := summary.New(l)
					feed(s, p)
					if i < len(inputs) {
						s.AddInput(inputs[i])
					}
					direct.Merge(s)
					r := roundTrip(t, s, summary.Limits{})
					if viaJSON == nil {
						viaJSON = r
					} else {
						viaJSON.Merge(r)
					}
				}
				for _, o := range allFormats {
					if diff := lineDiff("direct", render(t, direct, o), render(t, viaJSON, o)); diff != "" {
						t.Fatalf("limits %+v, cuts %d,%d, %+v: merge of reports read back differs:\n%s", l, cut1, cut2, o, diff)
					}
				}
			}
		}
	}
}

// stripSeqs removes the order keys from a JSON report, as written before
// they existed.
func stripSeqs(t *testing.T, js string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(js), &v); err != nil {
		t.Fatal(err)
	}
	var strip func(any)
	strip = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, k := range []string{"events", "seq", "first_seq", "host_first_seq", "status_first_seq", "failed_by_status_first_seq"} {
				delete(x, k)
			}
			for _, e := range x {
				strip(e)
			}
		case []any:
			for _, e := range x {
				strip(e)
			}
		}
	}
	strip(v)
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "seq") {
		t.Fatal("seq left in stripped report")
	}
	return string(b)
}

// TestReadJSONWithoutSeqs reads reports without the order keys: alone,
// they give the same text; merged, too, as long as no list overflows.
func TestReadJSONWithoutSeqs(t *testing.T) {
	items, inputs := mergeItems()
	for _, l := range []summary.Limits{{}, {Samples: 1}} {
		direct, viaJSON := summary.New(l), summary.New(l)
		for i, p := range [][]item{items[:7], items[7:20], items[20:]} {
			s := summary.New(l)
			feed(s, p)
			if i < len(inputs) {
				s.AddInput(inputs[i])
			}
			direct.Merge(s)
			old := stripSeqs(t, render(t, s, Options{Format: "json"}))
			r := readJSON(t, old, summary.Limits{})
			for _, o := range []Options{{Format: "text"}, {Format: "markdown"}} {
				if diff := lineDiff("want", render(t, s, o), render(t, r, o)); diff != "" {
					t.Errorf("limits %+v, part %d: report without seqs read back differs:\n%s", l, i, diff)
				}
			}
			viaJSON.Merge(r)
		}
		for _, o := range []Options{{Format: "text"}, {Format: "markdown"}} {
			if diff := lineDiff("direct", render(t, direct, o), render(t, viaJSON, o)); diff != "" {
				t.Errorf("limits %+v: merge of reports without seqs differs:\n%s", l, diff)
			}
		}
	}
}

// TestReadJSONLimits checks that l lowers the report's limits, and that a
// zero or larger field keeps them.
func TestReadJSONLimits(t *testing.T) {
	js := render(t, fixtureSummary(summary.Limits{Samples: 3, Keys: 50, Inputs: 2}), Options{Format: "json"})
	for _, tc := range []struct{ l, want summary.Limits }{
		{summary.Limits{}, summary.Limits{Samples: 3, Keys: 50, Inputs: 2}},
		{summary.Limits{Samples: 10, Keys: 500, Inputs: 5}, summary.Limits{Samples: 3, Keys: 50, Inputs: 2}},
		{summary.Limits{Samples: 1, Keys: 2, Inputs: 1}, summary.Limits{Samples: 1, Keys: 2, Inputs: 1}},
	} {
		s := readJSON(t, js, tc.l)
		if s.Limits != tc.want {
			t.Errorf("ReadJSON(l=%+v) limits = %+v, want %+v", tc.l, s.Limits, tc.want)
		}
		// Lower limits cut and fold as if the summary had been made with them.
		want := fixtureSummary(tc.want)
		if diff := lineDiff("want", render(t, want, Options{Format: "json"}), render(t, s, Options{Format: "json"})); diff != "" {
			t.Errorf("ReadJSON(l=%+v) differs from a summary made with %+v:\n%s", tc.l, tc.want, diff)
		}
	}
}

func TestReadJSONRedacted(t *testing.T) {
	s := fixtureSummary(summary.Limits{})
	red := render(t, s, Options{Format: "json", Redact: true})
	r := readJSON(t, red, summary.Limits{})
	if !r.Redacted {
		t.Fatal("a redacted report read back is not marked redacted")
	}
	for _, o := range []Options{{Format: "json"}, {Format: "json", Redact: true}} {
		if diff := lineDiff("want", red, render(t, r, o)); diff != "" {
			t.Errorf("%+v: redacted report read back differs:\n%s", o, diff)
		}
	}
	if got := render(t, r, Options{Format: "text"}); strings.Contains(got, "NOT REDACTED") || !strings.Contains(got, "Personal data redacted") {
		t.Errorf("text of a redacted report read back does not say it is redacted:\n%s", got)
	}

	raw := roundTrip(t, s, summary.Limits{})
	for _, tc := range []struct {
		name  string
		parts []*summary.Summary
		want  bool
	}{
		{"redacted twice", []*summary.Summary{readJSON(t, red, summary.Limits{}), readJSON(t, red, summary.Limits{})}, true},
		{"empty then redacted", []*summary.Summary{summary.New(summary.Limits{}), readJSON(t, red, summary.Limits{})}, true},
		{"redacted then empty", []*summary.Summary{readJSON(t, red, summary.Limits{}), summary.New(summary.Limits{})}, true},
		{"redacted then raw", []*summary.Summary{readJSON(t, red, summary.Limits{}), raw}, false},
		{"raw then redacted", []*summary.Summary{raw, readJSON(t, red, summary.Limits{})}, false},
		{"fed then redacted", []*summary.Summary{fixtureSummary(summary.Limits{}), readJSON(t, red, summary.Limits{})}, false},
	} {
		m := tc.parts[0]
		for _, p := range tc.parts[1:] {
			m.Merge(p)
		}
		var v struct{ Redacted bool }
		if err := json.Unmarshal([]byte(render(t, m, Options{Format: "json"})), &v); err != nil {
			t.Fatal(err)
		}
		if v.Redacted != tc.want {
			t.Errorf("%s: redacted = %v, want %v", tc.name, v.Redacted, tc.want)
		}
	}
	// An empty redacted report stays redacted.
	e := readJSON(t, render(t, summary.New(summary.Limits{}), Options{Format: "json", Redact: true}), summary.Limits{})
	if !strings.Contains(render(t, e, Options{Format: "json"}), `"redacted": true`) {
		t.Error("an empty redacted report read back is not redacted")
	}
}

func TestReadJSONErrors(t *testing.T) {
	good := render(t, fixtureSummary(summary.Limits{}), Options{Format: "json"})
	edit := func(old, new string) string {
		if !strings.Contains(good, old) {
			t.Fatalf("%q not in the report", old)
		}
		return strings.Replace(good, old, new, 1)
	}
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "empty input"},
		{"not json", "ESCALATE: 2 responses", "invalid character"},
		{"truncated", good[:len(good)/2], "unexpected end of JSON input"},
		{"array", "[]", "cannot unmarshal array"},
		{"no schema", `{"verdict":"ok"}`, `no "schema"`},
		{"other schema", `{"schema":"synclog/2"}`, `schema "synclog/2", want "synclog/1"`},
		{"two reports", good + good, "more data after the report"},
		{"bad status", edit(`"503": 3`, `"5x3": 3`), `status "5x3" is not a number`},
		{"bad time", edit(`"first_seen": "2025-09-11T20:37:24.533Z"`, `"first_seen": "yesterday"`), `first_seen: time "yesterday"`},
		{"bad class", edit(`"class": "server_code"`, `"class": "code"`), `unknown class "code"`},
		{"wrong type", edit(`"count": 3`, `"count": "3"`), "cannot unmarshal string"},
		{"folded without other", edit(`"backoff": 0`, `"backoff": 2`), `backoff: 2 events folded but no "(other)" row`},
	} {
		_, err := ReadJSON(strings.NewReader(tc.in), summary.Limits{})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "report: read json: ") {
			t.Errorf("%s: err = %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

// TestReadJSONDuplicateKeys reads a report whose redaction gave two keys one
// stand-in: they are merged into one row.
func TestReadJSONDuplicateKeys(t *testing.T) {
	s := summary.New(summary.Limits{})
	for i, tok := range []string{"key=abc", "key=def", "key=def"} {
		it := resp("f", i, fixtureTime(i), "GET", 502, "https://h/x", unknownText(tok))
		s.Add(&it.ev, it.c)
	}
	r := readJSON(t, render(t, s, Options{Format: "json", Redact: true}), summary.Limits{})
	v := buildView(r)
	if len(v.Classes) != 1 || v.Classes[0].Count != 3 || v.Classes[0].Key != "key=[redacted]" {
		t.Errorf("classes = %+v, want one row key=[redacted] ×3", v.Classes)
	}
}

func TestReadJSONEvents(t *testing.T) {
	s := fixtureSummary(summary.Limits{})
	r := roundTrip(t, s, summary.Limits{})
	if r.Events != s.Events || r.Totals != s.Totals {
		t.Errorf("seq, totals = %d, %+v; want %d, %+v", r.Events, r.Totals, s.Events, s.Totals)
	}
	if diff := cmp.Diff(s.Inputs, r.Inputs, cmp.Comparer(func(a, b []string) bool { return fmt.Sprint(a) == fmt.Sprint(b) })); diff != "" {
		t.Errorf("inputs differ:\n%s", diff)
	}
}

func fixtureTime(i int) time.Time { return time.UnixMilli(1757623044413 + int64(i)*1000) }

func unknownText(s string) *classify.Class {
	return &classify.Class{Kind: classify.Unknown, Text: []byte(s)}
}

func TestSkippedJSONAndMerge(t *testing.T) {
	a := summary.New(summary.Limits{Keys: 2})
	a.AddSkipped("logs/.hidden", "hidden")
	a.AddSkipped("logs/link", "symlink (use --follow)")
	a.AddSkipped("logs/x.tmp", "excluded") // past Keys: counted only
	b := summary.New(summary.Limits{Keys: 2})
	b.AddSkipped("more/y", "excluded")

	js := render(t, a, Options{Format: "json"})
	var got struct {
		Skipped []struct{ Path, Why string }
		Folded  struct{ Skipped int64 }
	}
	if err := json.Unmarshal([]byte(js), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Skipped) != 2 || got.Skipped[1].Path != "logs/link" || got.Skipped[1].Why != "symlink (use --follow)" || got.Folded.Skipped != 1 {
		t.Errorf("JSON skipped = %+v, folded %d; want the first two listed, one folded", got.Skipped, got.Folded.Skipped)
	}
	if js2 := render(t, roundTrip(t, a, summary.Limits{}), Options{Format: "json"}); js2 != js {
		t.Errorf("round trip changed the skipped list:\n%s", lineDiff("want", js, js2))
	}
	a.Merge(b)
	if len(a.Skipped) != 2 || a.SkippedMore != 2 {
		t.Errorf("after Merge: %d kept, %d folded; want 2 kept, 2 folded", len(a.Skipped), a.SkippedMore)
	}
	if strings.Contains(render(t, summary.New(summary.Limits{}), Options{Format: "json"}), `"skipped"`) {
		t.Error(`a report with nothing skipped has a "skipped" key; want none, so earlier reports are unchanged`)
	}
}

// TestReadJSONBadCounts reads reports that no scan could have written:
// merged, each could turn escalations into an OK, so each is refused with
// an error naming the count.
func TestReadJSONBadCounts(t *testing.T) {
	good := render(t, fixtureSummary(summary.Limits{}), Options{Format: "json"})
	edit := func(pairs ...string) string {
		s := good
		for i := 0; i < len(pairs); i += 2 {
			if !strings.Contains(s, pairs[i]) {
				t.Fatalf("%q not in the report", pairs[i])
			}
			s = strings.Replace(s, pairs[i], pairs[i+1], 1)
		}
		return s
	}
	const max = "9223372036854775807"
	for _, tc := range []struct{ name, in, want string }{
		{"negative total", edit(`"escalations": 4,`, `"escalations": -4,`),
			"totals.escalations is -4 (counts cannot be negative)"},
		{"escalations listed, total 0", edit(`"escalations": 4,`, `"escalations": 0,`),
			"totals.escalations is 0, but the counts in escalations add up to 4"},
		{"escalations listed, none in totals or verdict", edit(`"verdict": "escalate"`, `"verdict": "ok"`,
			`"infra": 6,`, `"infra": 2,`, `"bodies": 12,`, `"bodies": 8,`, `"escalations": 4,`, `"escalations": 0,`),
			"totals.infra is 2, but the counts of class infra in classes add up to 6"},
		{"verdict", edit(`"verdict": "escalate"`, `"verdict": "ok"`), `verdict is "ok", but totals.escalations is 4`},
		{"negative row", edit(`"count": 3,`, `"count": -3,`), "classes[0].count is -3 (counts cannot be negative)"},
		{"row and its statuses", edit(`"count": 3,`, `"count": 2,`), "classes[0].count is 2, but classes[0].statuses add up to 3"},
		{"class total", edit(`"count": 3,`, `"count": 2,`, `"503": 3`, `"503": 2`),
			"totals.infra is 6, but the counts of class infra in classes add up to 5"},
		{"negative status", edit(`"503": 6`, `"503": -6`), `failed_by_status["503"] is -6 (counts cannot be negative)`},
		{"statuses overflow", edit(`"failed_by_status": {
    "400": 2,
    "401": 1,`, `"failed_by_status": {
    "400": `+max+`,
    "401": `+max+`,`),
			"the counts in failed_by_status add up to more than " + max},
		{"failed by host", edit(`"count": 6,`, `"count": 5,`),
			"totals.failed_responses is 12, but the counts in failed_by_host add up to 11"},
		{"negative input bytes", edit(`"bytes": 48213,`, `"bytes": -1,`), "inputs[0].bytes is -1 (counts cannot be negative)"},
		{"negative untimed", edit(`"untimed": 0`, `"untimed": -1`), "timeline.untimed is -1 (counts cannot be negative)"},
		{"timeline", edit(`"untimed": 0`, `"untimed": 1`),
			"totals.failed_responses is 12, but the failed responses in timeline (untimed included) add up to 13"},
		{"folded", edit(`"escalations": 0,`+"\n"+`    "reviews": 0,`, `"escalations": 2,`+"\n"+`    "reviews": 0,`),
			"folded.escalations is 2, but the counts of the (other) row in escalations add up to 0"},
		{"negative seq", edit(`"first_seq": 2,`, `"first_seq": -2,`), "classes[0].first_seq is -2 (sequence numbers cannot be negative)"},
		{"events", edit(`"events": 20,`, `"events": 5,`),
			"totals.responses, network_errors and backoffs add up to 20, more than events (5)"},
	} {
		_, err := ReadJSON(strings.NewReader(tc.in), summary.Limits{})
		if err == nil || err.Error() != "report: read json: "+tc.want {
			t.Errorf("%s: err = %v, want %q", tc.name, err, "report: read json: "+tc.want)
		}
	}
}

func TestCheckMerge(t *testing.T) {
	const max = 1<<63 - 1
	with := func(f func(s *summary.Summary)) *summary.Summary {
		s := summary.New(summary.Limits{})
		f(s)
		return s
	}
	for _, tc := range []struct {
		name     string
		dst, src *summary.Summary
		want     string
	}{
		{"fits", with(func(s *summary.Summary) { s.Events, s.Totals[summary.Escalations] = max-1, max-1 }),
			with(func(s *summary.Summary) { s.Events, s.Totals[summary.Escalations] = 1, 1 }), ""},
		{"events", with(func(s *summary.Summary) { s.Events = max }), with(func(s *summary.Summary) { s.Events = 1 }),
			"merging it would overflow events: 9223372036854775807 before it, 1 in it"},
		{"escalations", with(func(s *summary.Summary) { s.Totals[summary.Escalations] = max }),
			with(func(s *summary.Summary) { s.Totals[summary.Escalations] = max }),
			"merging it would overflow totals.escalations: 9223372036854775807 before it, 9223372036854775807 in it"},
		{"skipped", with(func(s *summary.Summary) { s.SkippedMore = max }),
			with(func(s *summary.Summary) { s.AddSkipped("x", "hidden") }),
			"merging it would overflow folded.skipped: 9223372036854775807 before it, 1 in it"},
		{"folded inputs", with(func(s *summary.Summary) { s.FoldedInputs.N = max }),
			with(func(s *summary.Summary) { s.AddInput(summary.Input{Path: "x", Complete: true}) }),
			"merging it would overflow the inputs of inputs: 9223372036854775807 before it, 1 in it"},
		{"folded bytes", with(func(s *summary.Summary) { s.AddInput(summary.Input{Path: "x", Bytes: max, Complete: true}) }),
			with(func(s *summary.Summary) { s.FoldedInputs.N, s.FoldedInputs.Bytes = 1, 1 }),
			"merging it would overflow the bytes of inputs: 9223372036854775807 before it, 1 in it"},
	} {
		err := CheckMerge(tc.dst, tc.src)
		if got := fmt.Sprint(err); (tc.want == "" && err != nil) || (tc.want != "" && got != tc.want) {
			t.Errorf("%s: CheckMerge = %v, want %q", tc.name, err, tc.want)
		}
	}
}

// foldedSummary returns a summary that keeps 2 input rows of the 9 it
// reads: the two not read whole (one of them with unverified events), so
// that the others, one of them with warnings, are folded.
func foldedSummary(l summary.Limits) *summary.Summary {
	items, _ := fixture()
	s := summary.New(l)
	feed(s, items)
	for i := range 9 {
		in := summary.Input{Path: fmt.Sprintf("logs/sync-%d.log", i), Format: "plain", Layout: "desktop",
			Bytes: int64(100 + i), DecodedBytes: int64(100 + i), Lines: 10, Records: 8, Complete: true,
			Fingerprint: fmt.Sprintf("%016x%048x", 1000+i, 0)}
		switch i {
		case 3:
			in.Complete, in.Error, in.State, in.UnverifiedEvents, in.UnverifiedEscalations = false, "gzip: unexpected EOF", "TRUNCATED", 4, 1
		case 5:
			in.Complete, in.Error, in.State, in.Fingerprint = false, "open: permission denied", "UNREADABLE", ""
		case 6:
			in.Layout, in.Warnings = "logcat", []string{"logcat times carry no year"}
		}
		s.AddInput(in)
	}
	return s
}

// TestReadJSONFoldedInputs checks that a report with folded inputs reads
// back to the same report, in every format, and that a lower input limit
// folds as a summary made with it does.
func TestReadJSONFoldedInputs(t *testing.T) {
	s := foldedSummary(summary.Limits{Inputs: 2})
	js := render(t, s, Options{Format: "json"})
	var got struct {
		Inputs       []struct{ Path string }
		FoldedInputs struct {
			Inputs, Bytes, Lines, Incomplete, Warned, Unlisted int64
			Layouts                                            []string
			Prints                                             []string `json:"fingerprint_prefixes"`
		} `json:"folded_inputs"`
	}
	if err := json.Unmarshal([]byte(js), &got); err != nil {
		t.Fatal(err)
	}
	f := got.FoldedInputs
	if len(got.Inputs) != 2 || got.Inputs[0].Path != "logs/sync-3.log" || got.Inputs[1].Path != "logs/sync-5.log" ||
		f.Inputs != 7 || f.Bytes != 100*7+0+1+2+4+6+7+8 || f.Lines != 70 || f.Incomplete != 0 || f.Warned != 1 ||
		len(f.Prints) != 7 || f.Prints[0] != "00000000000003e8" || fmt.Sprint(f.Layouts) != "[desktop logcat]" {
		t.Errorf("JSON rows %+v, folded %+v; want sync-3 and sync-5 listed, 7 folded (1 with warnings)", got.Inputs, f)
	}
	back := readJSON(t, js, summary.Limits{})
	for _, o := range allFormats {
		if diff := lineDiff("want", render(t, s, o), render(t, back, o)); diff != "" {
			t.Errorf("%+v: round trip differs:\n%s", o, diff)
		}
	}
	lower := readJSON(t, js, summary.Limits{Inputs: 1})
	want := foldedSummary(summary.Limits{Inputs: 1})
	if diff := lineDiff("want", render(t, want, Options{Format: "json"}), render(t, lower, Options{Format: "json"})); diff != "" {
		t.Errorf("read with 1 input row, differs from a summary made with it:\n%s", diff)
	}
}

// TestReadJSONMergeFoldedInputs checks that the reports of consecutive
// runs of inputs, each folding some, merge into the report of one run over
// them all.
func TestReadJSONMergeFoldedInputs(t *testing.T) {
	l := summary.Limits{Inputs: 3}
	all := foldedSummary(summary.Limits{Inputs: 100}).Inputs
	one := summary.New(l)
	for _, in := range all {
		one.AddInput(in)
	}
	for cut1 := 0; cut1 <= len(all); cut1++ {
		for cut2 := cut1; cut2 <= len(all); cut2++ {
			merged := summary.New(l)
			for _, part := range [][]summary.Input{all[:cut1], all[cut1:cut2], all[cut2:]} {
				s := summary.New(l)
				for _, in := range part {
					s.AddInput(in)
				}
				r := roundTrip(t, s, summary.Limits{})
				if err := CheckMerge(merged, r); err != nil {
					t.Fatal(err)
				}
				merged.Merge(r)
			}
			for _, o := range []Options{{Format: "json"}, {Format: "text"}} {
				if diff := lineDiff("one", render(t, one, o), render(t, merged, o)); diff != "" {
					t.Fatalf("cuts %d,%d, %s: merged reports differ:\n%s", cut1, cut2, o.Format, diff)
				}
			}
		}
	}
}

// TestReadJSONBadFoldedInputs reads reports whose folded inputs no scan
// could have written: each is refused with an error naming the count.
func TestReadJSONBadFoldedInputs(t *testing.T) {
	good := render(t, foldedSummary(summary.Limits{Inputs: 2}), Options{Format: "json"})
	edit := func(old, new string) string {
		if !strings.Contains(good, old) {
			t.Fatalf("%q not in the report", old)
		}
		return strings.Replace(good, old, new, 1)
	}
	const max = "9223372036854775807"
	tooMany := `"fingerprint_prefixes": [` + strings.Repeat(`"0000000000000001",`, summary.MaxFoldedPrints) + "\n"
	for _, tc := range []struct{ name, in, want string }{
		{"negative", edit(`"inputs": 7,`, `"inputs": -7,`), "folded_inputs.inputs is -7 (counts cannot be negative)"},
		{"incomplete", edit(`"incomplete": 0,`, `"incomplete": 7,`),
			"folded_inputs.incomplete and warned add up to 8, more than folded_inputs.inputs (7)"},
		{"negative incomplete", edit(`"incomplete": 0,`, `"incomplete": -1,`),
			"folded_inputs.incomplete is -1 (counts cannot be negative)"},
		{"unverified", edit(`"unverified_escalations": 0,`+"\n"+`    "layouts"`, `"unverified_escalations": 1,`+"\n"+`    "layouts"`),
			"folded_inputs.unverified_escalations is 1, more than folded_inputs.unverified_events (0)"},
		{"prints", edit(`"unlisted_fingerprints": 0`, `"unlisted_fingerprints": 1`),
			"folded_inputs.fingerprint_prefixes and unlisted_fingerprints add up to 8, more than folded_inputs.inputs (7)"},
		{"too many prints", strings.Replace(edit(`"fingerprint_prefixes": [`+"\n", tooMany), `"inputs": 7,`, `"inputs": 100007,`, 1),
			"the number of folded_inputs.fingerprint_prefixes is 100007, more than the most a report lists (100000)"},
		{"bad print", edit(`"00000000000003e8"`, `"000000000000000g"`),
			`folded_inputs.fingerprint_prefixes[0]: "000000000000000g" is not 16 hex digits`},
		{"short print", edit(`"00000000000003e8"`, `"00"`), `folded_inputs.fingerprint_prefixes[0]: "00" is not 16 hex digits`},
		{"overflow", edit(`"decoded_bytes": 728,`, `"decoded_bytes": `+max+`,`),
			"inputs and folded_inputs: the decoded bytes add up to more than " + max},
	} {
		_, err := ReadJSON(strings.NewReader(tc.in), summary.Limits{})
		if err == nil || err.Error() != "report: read json: "+tc.want {
			t.Errorf("%s: err = %v, want %q", tc.name, err, "report: read json: "+tc.want)
		}
	}
}

// TestReadJSONBounds checks that a report larger than the size bound, or
// whose decoding would take more than the memory bound, is refused before
// it is decoded, and one at the bounds is read.
func TestReadJSONBounds(t *testing.T) {
	js := render(t, fixtureSummary(summary.Limits{}), Options{Format: "json"})
	n := int64(len(js))
	cost, end := decodeCost([]byte(js))
	if end != len(js)-1 { // the report ends in a newline
		t.Errorf("decodeCost: the report ends at %d, want %d", end, len(js)-1)
	}
	for _, tc := range []struct {
		name string
		b    jsonBounds
		want string
	}{
		{"at the bounds", jsonBounds{size: n, cost: cost}, ""},
		{"1 byte over", jsonBounds{size: n - 1, cost: cost},
			fmt.Sprintf("report: read json: larger than %d bytes, more than a scan writes: not read", n-1)},
		{"costs 1 byte more", jsonBounds{size: n, cost: cost - 1},
			fmt.Sprintf("report: read json: it lists too much to be read in bounded memory (about %d bytes decoded, at most %d bytes), "+
				"more than a scan writes: not read", cost, cost-1)},
	} {
		_, err := readJSONWithin(strings.NewReader(js), summary.Limits{}, tc.b)
		if got := fmt.Sprint(err); (tc.want == "" && err != nil) || (tc.want != "" && got != tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
	// Many small values cost far more decoded than their size: a report of
	// 32 MiB of tiny input rows would take GBs.
	rows := `{"schema": "synclog/1", "inputs": [` + strings.Repeat(`{"path":"x","complete":true},`, 1<<16) + `{}]}`
	if cost, _ := decodeCost([]byte(rows)); cost < 200*(1<<16) {
		t.Errorf("decodeCost of %d rows = %d, want at least 200 bytes a row", 1<<16, cost)
	}
}

func TestFiltersNarrow(t *testing.T) {
	s := summary.New(summary.Limits{})
	s.Filters = summary.Filters{Hosts: []string{"sync-1.example.com", ".example.net"}, Keys: []string{"14"}, Statuses: []int{500, 503}}
	back := roundTrip(t, s, summary.Limits{})
	type narrow struct {
		Hosts, Keys []string
		Statuses    []int
	}
	of := func(f summary.Filters) narrow { return narrow{f.Hosts, f.Keys, f.Statuses} }
	if diff := cmp.Diff(of(s.Filters), of(back.Filters)); diff != "" {
		t.Errorf("filters after a round trip (-want +got):\n%s", diff)
	}
	js := render(t, summary.New(summary.Limits{}), Options{Format: "json"})
	if want := `"hosts": [],`; !strings.Contains(js, want) || !strings.Contains(js, `"keys": [],`) || !strings.Contains(js, `"statuses": [],`) {
		t.Errorf("unfiltered JSON lacks empty hosts, keys and statuses lists:\n%s", js)
	}
	want := `Filtered: this report covers only events of hosts --host "sync-1.example.com" --host ".example.net", ` +
		`responses whose body key is --key "14", responses with HTTP status 500 or 503.`
	for _, o := range allFormats[:1] {
		if got := render(t, s, o); !strings.Contains(got, want) {
			t.Errorf("%s report lacks %q:\n%s", o.Format, want, got)
		}
	}
}

// TestFiltersShard checks that filters.shard is read back as written, that
// a value no scan or merge writes is refused, and that the other formats
// say which shards a report covers.
func TestFiltersShard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want summary.Shards
		ok   bool
	}{
		{"", summary.Shards{}, true},
		{"2/3", summary.Shards{N: 3, Ks: []int{2}}, true},
		{"1,3/3", summary.Shards{N: 3, Ks: []int{1, 3}}, true},
		{"1,2,3/3", summary.Shards{}, false}, // whole: written as ""
		{"3,1/3", summary.Shards{}, false},
		{"1,1/3", summary.Shards{}, false},
		{"0/3", summary.Shards{}, false},
		{"4/3", summary.Shards{}, false},
		{"1/0", summary.Shards{}, false},
		{"2", summary.Shards{}, false},
		{"/3", summary.Shards{}, false},
	} {
		got, err := parseShards(tc.in)
		if (err == nil) != tc.ok || !cmp.Equal(got, tc.want, cmpopts.EquateEmpty()) {
			t.Errorf("parseShards(%q) = %+v, %v; want %+v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
	s := summary.New(summary.Limits{})
	s.Filters.Shard = summary.Shards{N: 5, Ks: []int{1, 2, 4}}
	if back := roundTrip(t, s, summary.Limits{}); !cmp.Equal(back.Filters.Shard, s.Filters.Shard) {
		t.Errorf("filters.shard after a round trip: %+v, want %+v", back.Filters.Shard, s.Filters.Shard)
	}
	want := "Filtered: this report covers only the inputs of shards 1, 2 and 4 of 5 (--shard; merged without 3 or 5)."
	for _, o := range []Options{allFormats[0], allFormats[2], {Format: "html"}} {
		if got := render(t, s, o); !strings.Contains(got, want) {
			t.Errorf("%s report lacks %q:\n%s", o.Format, want, got)
		}
	}
}
