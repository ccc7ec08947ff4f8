package report

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"synclog/internal/classify"
	"synclog/internal/summary"

	"github.com/google/go-cmp/cmp"
)

func TestEscalationRule(t *testing.T) {
	code := &classify.Class{Kind: classify.ServerCode, Key: "14", Text: []byte("14")}
	tests := []struct {
		name                  string
		status                int
		c                     *classify.Class
		escalations, reviews  int
		classRows, findingKey string
	}{
		{"infra in 503 escalates", 503, infra("server issue: pool exhausted"), 1, 0, "infra", "server issue: pool exhausted"},
		{"infra in 500 is a review", 500, infra("server issue: pool exhausted"), 0, 1, "infra", "server issue: pool exhausted"},
		{"infra with unknown status is a review", 0, infra("server issue: getVS failed"), 0, 1, "infra", "server issue: getVS failed"},
		{"infra in 200 is a review", 200, infra("server issue: getVS failed"), 0, 1, "infra", "server issue: getVS failed"},
		{"server code in 503 is not escalated", 503, code, 0, 0, "server_code", ""},
		{"unclassified 503 is not escalated", 503, nil, 0, 0, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := summary.New(summary.Limits{})
			it := resp("f", 1, time.Time{}, "GET", tc.status, "https://h/x", tc.c)
			s.Add(&it.ev, it.c)
			if got := s.Escalations(); got != tc.escalations {
				t.Errorf("Escalations() = %d, want %d", got, tc.escalations)
			}
			v := buildView(s)
			if got := int(v.Totals[summary.Reviews]); got != tc.reviews {
				t.Errorf("reviews = %d, want %d", got, tc.reviews)
			}
			if got := len(v.Escalations) + len(v.Reviews); tc.findingKey != "" && got != 1 {
				t.Errorf("escalation+review rows = %d, want 1", got)
			}
			for _, f := range append(v.Escalations, v.Reviews...) {
				if f.Key != tc.findingKey {
					t.Errorf("finding key = %q, want %q", f.Key, tc.findingKey)
				}
			}
			if tc.classRows == "" {
				if len(v.Classes) != 0 {
					t.Errorf("classes = %v, want none", v.Classes)
				}
			} else if len(v.Classes) != 1 || v.Classes[0].Class != tc.classRows {
				t.Errorf("classes = %+v, want one %s row", v.Classes, tc.classRows)
			}
		})
	}
}

func TestClassRowsMergeStatuses(t *testing.T) {
	s := summary.New(summary.Limits{})
	key := "server issue: database not in pool"
	feed(s, []item{
		resp("f", 1, time.Time{}, "GET", 503, "https://a/x", infra(key)),
		resp("f", 2, time.Time{}, "GET", 500, "https://a/x", infra(key)),
		resp("f", 3, time.Time{}, "GET", 503, "https://b/x", infra(key)),
		resp("f", 4, time.Time{}, "GET", 0, "", infra(key)),
	})
	v := buildView(s)
	if len(v.Classes) != 1 {
		t.Fatalf("classes = %+v, want one row", v.Classes)
	}
	c := v.Classes[0]
	if c.Count != 4 || c.Statuses.String() != "?×1 500×1 503×2" {
		t.Errorf("class row = %d %q, want 4 %q", c.Count, c.Statuses.String(), "?×1 500×1 503×2")
	}
	if len(v.Escalations) != 1 || v.Escalations[0].Count != 2 || !cmp.Equal(v.Escalations[0].Hosts, []string{"a", "b"}) {
		t.Errorf("escalations = %+v, want one with count 2 on hosts a, b", v.Escalations)
	}
	if len(v.Reviews) != 1 || v.Reviews[0].Statuses.String() != "?×1 500×1" {
		t.Errorf("reviews = %+v, want one with statuses ?×1 500×1", v.Reviews)
	}
}

func TestClassOrder(t *testing.T) {
	s := summary.New(summary.Limits{})
	unk := func(text string) *classify.Class {
		return &classify.Class{Kind: classify.Unknown, Text: []byte(text)}
	}
	feed(s, []item{
		resp("f", 1, time.Time{}, "GET", 500, "", unk("b")),
		resp("f", 2, time.Time{}, "GET", 500, "", unk("a")),
		resp("f", 3, time.Time{}, "GET", 500, "", &classify.Class{Kind: classify.ServerCode, Key: "14"}),
		resp("f", 4, time.Time{}, "GET", 500, "", unk("c")),
		resp("f", 5, time.Time{}, "GET", 500, "", unk("c")),
		resp("f", 6, time.Time{}, "GET", 500, "", infra("server issue: getVS failed")),
	})
	var got []string
	for _, c := range buildView(s).Classes {
		got = append(got, c.Class+":"+c.Key)
	}
	want := []string{"infra:server issue: getVS failed", "server_code:14", "unknown:c", "unknown:a", "unknown:b"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("class order (-want +got):\n%s", diff)
	}
}

func TestUnknownTextKeyCut(t *testing.T) {
	s := summary.New(summary.Limits{})
	long := strings.Repeat("x", 119) + "é and more" // é straddles byte 120
	it := resp("f", 1, time.Time{}, "GET", 500, "", &classify.Class{Kind: classify.Unknown, Text: []byte(long)})
	s.Add(&it.ev, it.c)
	v := buildView(s)
	if got, want := v.Classes[0].Key, strings.Repeat("x", 119); got != want {
		t.Errorf("key = %q, want %q", got, want)
	}
}

func TestKeysCap(t *testing.T) {
	s := summary.New(summary.Limits{Keys: 3})
	for i := range 6 {
		for range i + 1 { // text i seen i+1 times
			it := resp("f", i, time.Time{}, "GET", 500, fmt.Sprintf("https://h%d/", i),
				&classify.Class{Kind: classify.Unknown, Text: fmt.Appendf(nil, "text %d", i)})
			s.Add(&it.ev, it.c)
		}
	}
	v := buildView(s)
	var keys []string
	for _, c := range v.Classes {
		keys = append(keys, fmt.Sprintf("%s=%d", c.Key, c.Count))
	}
	want := []string{"text 2=3", "text 1=2", "text 0=1", "(other)=15"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("class rows (-want +got):\n%s", diff)
	}
	if v.Folded.Classes != 15 || v.Folded.FailedByHost != 15 {
		t.Errorf("folded = %+v, want classes and failed_by_host 15", v.Folded)
	}
	if n := len(v.FailedByHost); n != 4 || v.FailedByHost[3].Host != otherKey {
		t.Errorf("failed_by_host = %+v, want 3 hosts and (other)", v.FailedByHost)
	}
	var b bytes.Buffer
	if err := Render(&b, s, Options{}); err != nil {
		t.Fatal(err)
	}
	if want := `Note: 15 events beyond the first 3 distinct keys folded into "(other)".`; !strings.Contains(b.String(), want) {
		t.Errorf("text report lacks %q:\n%s", want, b.String())
	}
}

func TestNestedCaps(t *testing.T) {
	s := summary.New(summary.Limits{Keys: 2, Samples: 2})
	for i := range 5 {
		it := resp("f", i+1, time.UnixMilli(int64(1000*(5-i))), "GET", 503, fmt.Sprintf("https://h%d/", i), infra("server issue: pool exhausted"))
		s.Add(&it.ev, it.c)
	}
	f := buildView(s).Escalations[0]
	if want := []string{"h0", "h1", otherKey}; !cmp.Equal(f.Hosts, want) {
		t.Errorf("hosts = %v, want %v", f.Hosts, want)
	}
	// The first two kept, shown in time order: line 2 was logged first.
	if len(f.Samples) != 2 || f.Samples[0].Line != 2 || f.Samples[1].Line != 1 {
		t.Errorf("samples = %+v, want lines 2 and 1", f.Samples)
	}
	if f.FirstSeen != "1970-01-01T00:00:01.000Z" || f.LastSeen != "1970-01-01T00:00:05.000Z" {
		t.Errorf("first, last = %s, %s; want min and max time", f.FirstSeen, f.LastSeen)
	}
}

func TestSamplesCap(t *testing.T) {
	tests := []struct {
		limit, events, want int
	}{
		{0, 7, summary.DefaultSamples},
		{1, 7, 1},
		{3, 2, 2},
		{3, 3, 3},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.limit, "/", tc.events), func(t *testing.T) {
			s := summary.New(summary.Limits{Samples: tc.limit})
			for i := range tc.events {
				a := resp("f", i+1, time.Time{}, "GET", 503, "https://h/", infra("server issue: pool exhausted"))
				b := resp("f", 100+i, time.Time{}, "GET", 503, "https://h/", nil)
				s.Add(&a.ev, a.c)
				s.Add(&b.ev, b.c)
			}
			v := buildView(s)
			if got := len(v.Escalations[0].Samples); got != tc.want {
				t.Errorf("escalation samples = %d, want %d", got, tc.want)
			}
			if got := len(v.NoBody503Samples); got != tc.want {
				t.Errorf("no-body samples = %d, want %d", got, tc.want)
			}
			if v.Escalations[0].Count != int64(tc.events) || v.Totals[summary.NoBody503] != int64(tc.events) {
				t.Errorf("counts = %d, %d; want %d", v.Escalations[0].Count, v.Totals[summary.NoBody503], tc.events)
			}
		})
	}
}

func TestCounts(t *testing.T) {
	v := buildView(fixtureSummary(summary.Limits{}))
	want := viewTotals{
		summary.Responses: 14, summary.Failed: 12, summary.Bodies: 12,
		summary.ServerCode: 2, summary.Infra: 6, summary.UnknownBodies: 4,
		summary.Escalations: 4, summary.Reviews: 2, summary.NoBody503: 1,
		summary.NetworkErrors: 3, summary.Backoffs: 3,
	}
	if diff := cmp.Diff(want, v.Totals); diff != "" {
		t.Errorf("totals (-want +got):\n%s", diff)
	}
	if got := v.Totals[summary.ServerCode] + v.Totals[summary.Infra] + v.Totals[summary.UnknownBodies]; got != v.Totals[summary.Bodies] {
		t.Errorf("server_code+infra+unknown = %d, want bodies %d", got, v.Totals[summary.Bodies])
	}
}

func renderJSON(t *testing.T, s *summary.Summary) string {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, s, Options{Format: "json"}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// mergeItems is the fixture plus more keys than tight limits allow.
func mergeItems() ([]item, []summary.Input) {
	items, inputs := fixture()
	for i := range 8 {
		items = append(items,
			resp("g", i, time.UnixMilli(int64(i)*7919%5000), "GET", 503+i%2*-3, fmt.Sprintf("https://n%d/", i%5), infra(fmt.Sprint("server issue: k", i%4))),
			resp("g", 100+i, time.Time{}, "GET", 400+i, fmt.Sprintf("https://m%d/", 7-i), &classify.Class{Kind: classify.Unknown, Text: fmt.Appendf(nil, "u%d", i%3)}))
	}
	return items, inputs
}

// forEachSplit calls f with one summary fed every item and with the
// summaries of 3 consecutive parts merged in order, for many cut points.
func forEachSplit(t *testing.T, l summary.Limits, items []item, inputs []summary.Input, f func(one, merged *summary.Summary, cut1, cut2 int)) {
	t.Helper()
	one := summary.New(l)
	feed(one, items)
	for _, in := range inputs {
		one.AddInput(in)
	}
	for cut1 := 0; cut1 <= len(items); cut1++ {
		for _, cut2 := range []int{cut1, (cut1 + len(items)) / 2, len(items)} {
			parts := [][]item{items[:cut1], items[cut1:cut2], items[cut2:]}
			merged := summary.New(l)
			for i, p := range parts {
				s := summary.New(l)
				feed(s, p)
				if i < len(inputs) {
					s.AddInput(inputs[i])
				}
				before := renderJSON(t, s)
				merged.Merge(s)
				if after := renderJSON(t, s); after != before {
					t.Fatalf("Merge changed its argument")
				}
			}
			f(one, merged, cut1, cut2)
		}
	}
}

// TestMerge checks that summaries of consecutive parts of the input, merged
// in order, render exactly like one summary fed everything, as long as no
// part holds more than Limits.Keys keys in one map.
func TestMerge(t *testing.T) {
	items, inputs := mergeItems()
	for _, l := range []summary.Limits{{}, {Samples: 1}, {Samples: 2, Keys: 20}} {
		forEachSplit(t, l, items, inputs, func(one, merged *summary.Summary, cut1, cut2 int) {
			if diff := cmp.Diff(renderJSON(t, one), renderJSON(t, merged)); diff != "" {
				t.Fatalf("limits %+v, cuts %d,%d: merged summary differs (-one +merged):\n%s", l, cut1, cut2, diff)
			}
		})
	}
}

// TestMergeFolded checks Merge when parts overflow Limits.Keys: an event
// folded into "(other)" in its part cannot be given back to a key that an
// earlier part keeps, so per-key counts may differ from one summary fed
// everything; the totals, the kept keys and every list's sum do not.
func TestMergeFolded(t *testing.T) {
	items, inputs := mergeItems()
	type shape struct {
		Totals                            viewTotals
		Classes, Escalations, Reviews     []string
		ClassSum, EscSum, RevSum, HostSum int64
		StatusSum                         int64
		FailedHosts                       []string
	}
	shapeOf := func(s *summary.Summary) shape {
		v := buildView(s)
		sh := shape{Totals: v.Totals}
		for _, c := range v.Classes {
			if !c.Other {
				sh.Classes = append(sh.Classes, c.Class+":"+c.Key)
			}
			sh.ClassSum += c.Count
		}
		for _, f := range v.Escalations {
			if !f.Other {
				sh.Escalations = append(sh.Escalations, f.Key)
			}
			sh.EscSum += f.Count
		}
		for _, f := range v.Reviews {
			if !f.Other {
				sh.Reviews = append(sh.Reviews, f.Key)
			}
			sh.RevSum += f.Count
		}
		for _, h := range v.FailedByHost {
			if h.Host != otherKey {
				sh.FailedHosts = append(sh.FailedHosts, h.Host)
			}
			sh.HostSum += h.Count
		}
		for _, x := range v.FailedByStatus {
			sh.StatusSum += x.Count
		}
		slices.Sort(sh.Classes)
		slices.Sort(sh.Escalations)
		slices.Sort(sh.Reviews)
		slices.Sort(sh.FailedHosts)
		return sh
	}
	for _, l := range []summary.Limits{{Samples: 1, Keys: 2}, {Samples: 2, Keys: 3}} {
		forEachSplit(t, l, items, inputs, func(one, merged *summary.Summary, cut1, cut2 int) {
			if diff := cmp.Diff(shapeOf(one), shapeOf(merged)); diff != "" {
				t.Fatalf("limits %+v, cuts %d,%d: merged summary differs (-one +merged):\n%s", l, cut1, cut2, diff)
			}
		})
	}
}

// TestMergeNoAliasing checks that a merged summary shares no memory with
// the one merged into it.
func TestMergeNoAliasing(t *testing.T) {
	items, _ := fixture()
	o := summary.New(summary.Limits{})
	feed(o, items)
	s := summary.New(summary.Limits{})
	s.Merge(o)
	want := renderJSON(t, s)
	feed(o, items)
	if got := renderJSON(t, s); got != want {
		t.Error("adding to the merged summary changed the summary it was merged into")
	}
}

func TestMergeSelf(t *testing.T) {
	items, _ := fixture()
	s, twice := summary.New(summary.Limits{}), summary.New(summary.Limits{})
	feed(s, items)
	feed(twice, items)
	feed(twice, items)
	s.Merge(s)
	if diff := cmp.Diff(renderJSON(t, twice), renderJSON(t, s)); diff != "" {
		t.Errorf("s.Merge(s) differs from feeding s twice (-want +got):\n%s", diff)
	}
}

// warm returns a Summary that has seen the keys of the benchmark events,
// and those events.
func warm() (*summary.Summary, []item) {
	s := summary.New(summary.Limits{})
	items := []item{
		resp("f", 1, time.UnixMilli(1757623044413), "GET", 200, "https://scl2-sync405.services.mozilla.com/1.5/1/info/collections", nil),
		resp("f", 2, time.UnixMilli(1757623044413), "GET", 503, "https://scl2-sync405.services.mozilla.com/1.5/1/storage/tabs", nil),
		resp("f", 3, time.UnixMilli(1757623044413), "POST", 400, "https://scl2-sync405.services.mozilla.com/1.5/1/storage/tabs",
			&classify.Class{Kind: classify.ServerCode, Key: "14", Text: []byte("14")}),
		resp("f", 4, time.UnixMilli(1757623044413), "GET", 500, "https://scl2-sync405.services.mozilla.com/1.5/1/storage/tabs",
			&classify.Class{Kind: classify.Unknown, Text: []byte("some free text")}),
	}
	for range s.Limits.Samples + 1 {
		feed(s, items)
	}
	return s, items
}

func TestAddNoAlloc(t *testing.T) {
	s, items := warm()
	names := []string{"success", "503 no body", "server code", "unknown text"}
	for i, it := range items {
		if n := testing.AllocsPerRun(1000, func() { s.Add(&it.ev, it.c) }); n != 0 {
			t.Errorf("Add(%s) on known keys: %v allocs, want 0", names[i], n)
		}
	}
}

func BenchmarkAdd(b *testing.B) {
	for i, name := range []string{"success", "503-no-body", "server-code", "unknown-text", "escalation"} {
		b.Run(name, func(b *testing.B) {
			s, items := warm()
			it := resp("f", 9, time.UnixMilli(1757623044413), "GET", 503,
				"https://scl2-sync405.services.mozilla.com/1.5/1/storage/tabs", infra("server issue: pool exhausted"))
			items = append(items, it)
			ev, c := &items[i].ev, items[i].c
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				s.Add(ev, c)
			}
		})
	}
}

func TestSamplesByTime(t *testing.T) {
	at := func(sec int64) time.Time { return time.Unix(sec, 0) }
	tests := []struct {
		name  string
		in    []summary.Sample
		lines []int
	}{
		{"time order", []summary.Sample{{Seq: 1, Line: 1, Time: at(30)}, {Seq: 2, Line: 2, Time: at(10)}, {Seq: 3, Line: 3, Time: at(20)}}, []int{2, 3, 1}},
		{"untimed last", []summary.Sample{{Seq: 1, Line: 1}, {Seq: 2, Line: 2, Time: at(10)}}, []int{2, 1}},
		{"ties by sequence", []summary.Sample{{Seq: 2, Line: 2, Time: at(10)}, {Seq: 1, Line: 1, Time: at(10)}, {Seq: 4, Line: 4}, {Seq: 3, Line: 3}}, []int{1, 2, 3, 4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []int
			for _, x := range samplesOf(tc.in) {
				got = append(got, x.Line)
			}
			if !slices.Equal(got, tc.lines) {
				t.Errorf("lines = %v, want %v", got, tc.lines)
			}
		})
	}
}
