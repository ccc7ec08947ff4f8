package metrics

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"synclog/internal/classify"
	"synclog/internal/parse"
	"synclog/internal/summary"
)

// response adds a response of status to s, with a body of class c (nil:
// none classified; noBody: none in the log).
func response(s *summary.Summary, status int, c *classify.Class, noBody bool) {
	ev := &parse.Event{Kind: parse.KindResponse, File: "t.log", Line: int(s.Events) + 1, Status: status, HasBody: !noBody, URL: []byte("https://sync.example/x")}
	s.Add(ev, c)
}

func infra(key string) *classify.Class { return &classify.Class{Kind: classify.Infra, Key: key} }

// sample builds a Summary of limit keys: escalations of keys a (3), b, c
// and d, so that c and d go past a limit of 2; a review (infra in a 500);
// a server code in a 503; an unknown body in a 500; a 503 with no body; a
// 200 not classified; and five inputs, three not read whole, of which one folded.
func sample(limit int) *summary.Summary {
	s := summary.New(summary.Limits{Keys: limit, Inputs: 2})
	for _, k := range []string{"a", "a", "b", "c", "a", "d"} {
		response(s, 503, infra(k), false)
	}
	response(s, 500, infra("a"), false)
	response(s, 503, &classify.Class{Kind: classify.ServerCode, Key: "14"}, false)
	response(s, 500, &classify.Class{Kind: classify.Unknown, Key: classify.KeyHTML}, false)
	response(s, 503, nil, true)
	response(s, 200, nil, false)
	for _, in := range []summary.Input{
		{Path: "a.log", Lines: 10, Complete: true},
		{Path: "b.log", Lines: 5, State: "TRUNCATED"},
		{Path: "c.log", Lines: 3, State: "CORRUPT"},
		{Path: "d.log", Lines: 2, Complete: true},
		{Path: "e.log", Lines: 2, State: "TRUNCATED"},
	} {
		s.AddInput(in) // rows b and c; a, d and e folded
	}
	return s
}

func TestCollectorValues(t *testing.T) {
	s := sample(2)
	calls := 0
	c := NewCollector(func(fn func(*summary.Summary)) { calls++; fn(s) })
	want := `
# HELP synclog_escalations_total Responses to escalate to Services Operations (an infra string in an HTTP 503), by infra key; keys beyond the report's key limit are counted as "(other)".
# TYPE synclog_escalations_total counter
synclog_escalations_total{key="(other)"} 2
synclog_escalations_total{key="a"} 3
synclog_escalations_total{key="b"} 1
# HELP synclog_failed_responses_total HTTP responses with status 400 or more, by status; statuses beyond the report's key limit are counted as "(other)".
# TYPE synclog_failed_responses_total counter
synclog_failed_responses_total{status="500"} 2
synclog_failed_responses_total{status="503"} 8
# HELP synclog_input_errors_total Inputs that could not be read whole (truncated, corrupt, unreadable, not a Sync log).
# TYPE synclog_input_errors_total counter
synclog_input_errors_total 3
# HELP synclog_lines_total Lines read over all inputs.
# TYPE synclog_lines_total counter
synclog_lines_total 22
# HELP synclog_no_body_503_total HTTP 503 responses with no body in the log.
# TYPE synclog_no_body_503_total counter
synclog_no_body_503_total 1
# HELP synclog_responses_total HTTP responses by class of body: server_code, infra, unknown, or none when no body was classified.
# TYPE synclog_responses_total counter
synclog_responses_total{class="infra"} 7
synclog_responses_total{class="none"} 2
synclog_responses_total{class="server_code"} 1
synclog_responses_total{class="unknown"} 1
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
	if calls == 0 {
		t.Error("the collector never called view")
	}
}

// TestValuesMatchSummary checks the invariants against the Summary's own
// counts, for limits below, at and above the number of keys.
func TestValuesMatchSummary(t *testing.T) {
	for _, limit := range []int{1, 2, 4, 100} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			s := sample(limit)
			esc := escalations(s)
			if len(esc) > limit+1 {
				t.Errorf("%d escalation labels, want at most %d", len(esc), limit+1)
			}
			if got := sumOf(esc); got != float64(s.Escalations()) {
				t.Errorf("escalations add up to %v, want %d", got, s.Escalations())
			}
			if got, want := sumOf(failedStatuses(s)), float64(s.Totals[summary.Failed]); got != want {
				t.Errorf("failed responses add up to %v, want %v", got, want)
			}
			if got, want := sumOf(responseClasses(s)), float64(s.Totals[summary.Responses]); got != want {
				t.Errorf("responses add up to %v, want %v", got, want)
			}
			for _, e := range s.Escalated.Ents {
				if got := valueOf(esc, e.Key); got != float64(e.Val.N) {
					t.Errorf("key %q = %v, want the summary's %d", e.Key, got, e.Val.N)
				}
			}
		})
	}
}

func sumOf(ls []labelled) float64 {
	var n float64
	for _, l := range ls {
		n += l.value
	}
	return n
}

func valueOf(ls []labelled, label string) float64 {
	for _, l := range ls {
		if l.label == label {
			return l.value
		}
	}
	return -1
}

func TestBounded(t *testing.T) {
	type kv = labelled
	tests := []struct {
		name  string
		limit int
		in    []kv
		want  []kv
	}{
		{"under the limit", 3, []kv{{"a", 1}, {"b", 2}, {"a", 3}}, []kv{{"a", 4}, {"b", 2}}},
		{"past the limit", 2, []kv{{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4}, {"a", 1}}, []kv{{"a", 2}, {"b", 2}, {OtherLabel, 7}}},
		{"other does not count", 2, []kv{{OtherLabel, 1}, {"a", 1}, {"b", 1}, {"c", 1}}, []kv{{OtherLabel, 2}, {"a", 1}, {"b", 1}}},
		{"invalid UTF-8", 5, []kv{{"x\xffy", 2}, {"x\xfey", 1}}, []kv{{"x\uFFFDy", 3}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := newBounded(tc.limit)
			for _, x := range tc.in {
				b.add(x.label, x.value)
			}
			if diff := cmp.Diff(tc.want, b.list(), cmp.AllowUnexported(labelled{})); diff != "" {
				t.Errorf("list (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEscalationsPastLimit covers a table that holds more keys than the
// limit, as one rebuilt from a report does until it is merged, and the
// empty key.
func TestEscalationsPastLimit(t *testing.T) {
	s := summary.New(summary.Limits{Keys: 2})
	for i, k := range []string{"", "b", "(empty)", "d"} {
		s.Escalated.Put(k, int64(i+1), &summary.Finding{N: int64(i + 1)}, &s.Limits)
	}
	s.Escalated.PutOther(&summary.Finding{N: 10}, &s.Limits)
	// The empty key stands as "(empty)", and meets the key of that name.
	want := []labelled{{classify.KeyEmpty, 4}, {"b", 2}, {OtherLabel, 14}}
	if diff := cmp.Diff(want, escalations(s), cmp.AllowUnexported(labelled{})); diff != "" {
		t.Errorf("escalations (-want +got):\n%s", diff)
	}
}

func TestEscalationsRedacted(t *testing.T) {
	s := summary.New(summary.Limits{})
	response(s, 503, &classify.Class{Kind: classify.Infra, Text: []byte("server issue: no node for alice@example.com")}, false)
	response(s, 503, infra("server issue: pool exhausted"), false)
	want := []labelled{{"server issue: no node for email-1", 1}, {"server issue: pool exhausted", 1}}
	if diff := cmp.Diff(want, escalations(s), cmp.AllowUnexported(labelled{})); diff != "" {
		t.Errorf("escalations (-want +got):\n%s", diff)
	}
}

func TestResponsesNoneNeverNegative(t *testing.T) {
	s := summary.New(summary.Limits{})
	s.Totals[summary.Responses] = 1
	s.Totals[summary.Infra] = 3 // inconsistent, as a hand-edited report could be
	if got := valueOf(responseClasses(s), ClassNone); got != 0 {
		t.Errorf("none = %v, want 0", got)
	}
}

func TestAddUp(t *testing.T) {
	old := points{{famEscalations, "z", 5}, {famEscalations, OtherLabel, 1}, {famLines, "", 10},
		{famResponses, "infra", 5}, {famResponses, ClassNone, 1}}
	run := points{{famEscalations, "a", 1}, {famEscalations, "z", 2}, {famEscalations, "b", 1},
		{famLines, "", 3}, {famResponses, "infra", 2}, {famResponses, "unknown", 1}, {famResponses, ClassNone, 0}}
	// With a limit of 2, z (from the old file) and a keep their labels;
	// b goes to "(other)". Classes never fold.
	want := points{{famEscalations, "z", 7}, {famEscalations, OtherLabel, 2}, {famEscalations, "a", 1},
		{famResponses, "infra", 7}, {famResponses, ClassNone, 1}, {famResponses, "unknown", 1}, {famLines, "", 13}}
	got := addUp(2, old, run)
	if diff := cmp.Diff(want, got, pointOpts); diff != "" {
		t.Errorf("addUp (-want +got):\n%s", diff)
	}
	if got := addUp(1, nil, run); valueOf(labelsOf(got, famResponses), "unknown") != 1 {
		t.Errorf("a key limit of 1 folded the classes: %v", got)
	}
}

// labelsOf returns the labelled values of fam in ps.
func labelsOf(ps points, fam *family) []labelled {
	var out []labelled
	for _, p := range ps {
		if p.fam == fam {
			out = append(out, labelled{p.label, p.value})
		}
	}
	return out
}

// pointOpts compares points: families by identity.
var pointOpts = cmp.Options{cmp.AllowUnexported(point{}), cmp.Comparer(func(a, b *family) bool { return a == b })}
