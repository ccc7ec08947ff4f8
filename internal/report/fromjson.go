package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"synclog/internal/classify"
	"synclog/internal/summary"
)

// ReadJSON rebuilds a Summary from a JSON report written by Render (schema
// "synclog/1"), so that reports of separate runs can be merged with Merge
// and rendered again. It returns an error naming what is wrong for anything
// else (other schema, invalid JSON, a value of the wrong type, more than
// MaxJSONBytes or MaxDecodeBytes), and for a report that no scan could have written: a
// negative count, or counts that disagree where every report scan writes
// has them agree (totals.escalations and the counts of the escalations
// listed, ...). Merged, such a report could turn escalations into an OK.
//
// Rendering the result in any format gives the bytes of the report read,
// and merging the results of reports of consecutive inputs in input order
// gives the Summary of one run over all of them (with Merge's caveat when
// a part went past Limits.Keys), because the report records the order of
// events: "events", "first_seq" on every key and "seq" on every sample. A
// report written before those keys existed still reads; its keys and
// samples are then taken to have come in the order listed, which makes
// merges exact unless a list overflows Limits.Keys (then the merge keeps
// the busiest keys of each report rather than the first seen).
//
// l bounds the result like summary.New's; a zero field takes the report's
// own limit ("limits"), and a field above it is lowered to it, since a
// report holds no more samples, keys or input rows than its limits. Lists
// over l are folded or cut as Merge does. A report written before input
// rows were capped (no "limits.inputs") is read with the default, its rows
// past it folded.
//
// What the report does not hold is lost: the per-host counts of
// escalations, reviews and network errors (only the host names are
// shown), the events that were neither responses, network errors nor
// backoff (only their number, from "events"), and bytes of log text that
// were not UTF-8 (JSON shows them as U+FFFD, so a text or Markdown
// rendering shows "\ufffd" where the original showed "\xff").
//
// A redacted report ("redacted": true) gives a Summary marked redacted:
// Render then says the report is redacted even without Options.Redact, and
// Merge keeps the mark only while every summary merged was marked, so that
// a merge with unredacted content says "NOT REDACTED" unless Options.Redact
// is set. Stand-ins are per report: user-1 of one report and user-1 of
// another may be different accounts, and merged, they are counted as one
// key; two identifiers of one report that redaction made equal (two
// secrets, both "[redacted]") are one key too. Its lists are also sorted
// by stand-in rather than by the original values, so rows of equal count
// can come in another order than in the report read. Merge unredacted
// reports and redact the result instead.
func ReadJSON(r io.Reader, l summary.Limits) (*summary.Summary, error) {
	return readJSONWithin(r, l, defaultBounds)
}

// readJSONWithin is ReadJSON of a report within bounds.
func readJSONWithin(r io.Reader, l summary.Limits, b jsonBounds) (*summary.Summary, error) {
	raw, err := b.read(r)
	if err != nil {
		return nil, fmt.Errorf("report: read json: %w", err)
	}
	var j view
	if err := json.Unmarshal(raw, &j); err != nil {
		return nil, fmt.Errorf("report: read json: %w", err)
	}
	switch {
	case j.Schema == "":
		return nil, fmt.Errorf("report: read json: no \"schema\" key: not a synclog JSON report (want %q)", Schema)
	case j.Schema != Schema:
		return nil, fmt.Errorf("report: read json: schema %q, want %q", j.Schema, Schema)
	}
	// A zero limit is the default (limits.inputs: a report written before
	// input rows were capped).
	own := summary.New(summary.Limits{Samples: j.Limits.Samples, Keys: j.Limits.Keys, Inputs: j.Limits.Inputs}).Limits
	src, err := summaryOf(&j, own)
	if err == nil {
		err = check(&j)
	}
	if err != nil {
		return nil, fmt.Errorf("report: read json: %w", err)
	}
	eff := own
	if l.Samples > 0 {
		eff.Samples = min(l.Samples, own.Samples)
	}
	if l.Keys > 0 {
		eff.Keys = min(l.Keys, own.Keys)
	}
	if l.Inputs > 0 {
		eff.Inputs = min(l.Inputs, own.Inputs)
	}
	// Merging into an empty Summary sorts every table by first event,
	// applies eff and folds what a report listed beyond it.
	s := summary.New(eff)
	s.Merge(src)
	s.Redacted = src.Redacted // even when the report holds nothing
	return s, nil
}

// builder turns the JSON lists back into tables, tracking the largest
// sequence number given so that the Summary's own is at least that.
type builder struct {
	lim    *summary.Limits
	maxSeq int64
}

// seqs returns the sequence numbers of n listed things: given, when the
// report gives one for each, else 1..n in the order listed.
func (b *builder) seqs(n int, given func(i int) *int64) []int64 {
	out := make([]int64, n)
	for i := range out {
		p := given(i)
		if p == nil {
			for i := range out {
				out[i] = int64(i) + 1
			}
			break
		}
		out[i] = *p
	}
	for _, x := range out {
		b.maxSeq = max(b.maxSeq, x)
	}
	return out
}

// statuses rebuilds a table of statuses and the first sequence number of
// each from a "statuses" object and its "..._first_seq" companion.
func (b *builder) statuses(st, firsts statusCounts) summary.Counts[int] {
	var t summary.Counts[int]
	byStatus := make(map[int]int64, len(firsts))
	for _, x := range firsts {
		byStatus[x.Status] = x.Count
	}
	keys := slices.DeleteFunc(slices.Clone(st), func(x statusCount) bool { return x.Other })
	seqs := b.seqs(len(keys), func(i int) *int64 {
		if n, ok := byStatus[keys[i].Status]; ok {
			return &n
		}
		return nil
	})
	for i, x := range keys {
		t.Put(x.Status, seqs[i], &summary.Count{N: x.Count}, b.lim)
	}
	for _, x := range st {
		if x.Other {
			t.PutOther(&summary.Count{N: x.Count}, b.lim)
		}
	}
	return t
}

// hosts rebuilds a table of host names, "(other)" last when some were
// folded. The report shows names only, so each counts 1.
func (b *builder) hosts(names []string, firsts []int64) summary.Counts[string] {
	var t summary.Counts[string]
	hasOther := len(names) > 0 && names[len(names)-1] == otherKey
	if hasOther {
		names = names[:len(names)-1]
	}
	seqs := b.seqs(len(names), func(i int) *int64 {
		if len(firsts) != len(names) {
			return nil
		}
		return &firsts[i]
	})
	for i, h := range names {
		if h == noHost {
			h = ""
		}
		t.Put(h, seqs[i], &summary.Count{N: 1}, b.lim)
	}
	if hasOther {
		t.PutOther(&summary.Count{N: 1}, b.lim)
	}
	return t
}

// samples rebuilds a list of samples.
func (b *builder) samples(what string, xs []viewSample) ([]summary.Sample, error) {
	seqs := b.seqs(len(xs), func(i int) *int64 { return xs[i].Seq })
	out := make([]summary.Sample, 0, len(xs))
	for i, x := range xs {
		t, err := parseTime(x.Time)
		if err != nil {
			return nil, fmt.Errorf("%s: sample %s:%d: %w", what, x.File, x.Line, err)
		}
		out = append(out, summary.Sample{Seq: seqs[i], File: x.File, Line: x.Line, Time: t,
			Method: x.Method, URL: x.URL, Status: x.Status})
	}
	// Reports list samples by time; a Summary keeps them by sequence.
	slices.SortStableFunc(out, func(a, b summary.Sample) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, nil
}

// finding rebuilds one row of escalations or reviews.
func (b *builder) finding(what string, jf *viewFinding) (f summary.Finding, err error) {
	in := what + " " + strconv.Quote(jf.Key)
	f = summary.Finding{N: jf.Count, Desc: jf.Description, Hosts: b.hosts(jf.Hosts, jf.HostFirstSeq)}
	if f.First, err = parseTime(jf.FirstSeen); err != nil {
		return f, fmt.Errorf("%s: first_seen: %w", in, err)
	}
	if f.Last, err = parseTime(jf.LastSeen); err != nil {
		return f, fmt.Errorf("%s: last_seen: %w", in, err)
	}
	f.Statuses = b.statuses(jf.Statuses, jf.StatusFirstSeq)
	f.Samples, err = b.samples(in, jf.Samples)
	return f, err
}

// findings rebuilds the table of escalations or reviews.
func (b *builder) findings(what string, fs []viewFinding) (t summary.Table[string, summary.Finding, *summary.Finding], err error) {
	var rows []int // the rows that are keys, not "(other)"
	for i := range fs {
		if !fs[i].Other {
			rows = append(rows, i)
		}
	}
	seqs := b.seqs(len(rows), func(i int) *int64 { return fs[rows[i]].FirstSeq })
	k := 0
	for i := range fs {
		f, err := b.finding(what, &fs[i])
		if err != nil {
			return t, err
		}
		if fs[i].Other {
			t.PutOther(&f, b.lim)
			continue
		}
		t.Put(fs[i].Key, seqs[k], &f, b.lim)
		k++
	}
	return t, nil
}

// otherRow returns how many of n rows are keys: all, or all but the last
// when the report folded events into "(other)" (the last row, named name).
func otherRow(what string, n int, folded int64, name string) (int, error) {
	if folded <= 0 {
		return n, nil
	}
	if n == 0 || name != otherKey {
		return 0, fmt.Errorf("%s: %d events folded but no %q row last", what, folded, otherKey)
	}
	return n - 1, nil
}

// summaryOf rebuilds the Summary of the report j with limits own, lists
// as listed.
func summaryOf(j *view, own summary.Limits) (*summary.Summary, error) {
	s := summary.New(own)
	s.Redacted = j.Redacted
	b := &builder{lim: &s.Limits}
	for _, in := range j.Inputs {
		s.AddInput(summary.Input(in))
	}
	if err := foldedInputsFromJSON(&s.FoldedInputs, j.FoldedInputs); err != nil {
		return nil, err
	}
	for _, x := range j.Skipped {
		s.AddSkipped(x.Path, x.Why)
	}
	s.SkippedMore += j.Folded.Skipped
	for _, p := range j.Problems {
		s.AddProblem(p)
	}
	s.ProblemsMore += j.Folded.Problems
	f, err := filtersFromJSON(&j.Filters)
	if err != nil {
		return nil, err
	}
	s.Filters = f
	s.Totals = summary.Totals(j.Totals)
	if err = b.classes(s, j.Classes); err != nil {
		return nil, err
	}
	if s.Escalated, err = b.findings("escalations", j.Escalations); err != nil {
		return nil, err
	}
	if s.Review, err = b.findings("reviews", j.Reviews); err != nil {
		return nil, err
	}
	s.FailedStatus = b.statuses(j.FailedByStatus, j.FailedByStatusFirstSeq)
	if err = b.nodes(&s.FailedHost, j.FailedByHost, j.Folded.FailedByHost); err != nil {
		return nil, err
	}
	if s.Timeline, err = timelineFromJSON(&j.Timeline); err != nil {
		return nil, err
	}
	if s.NoBody, err = b.samples("no_body_503_samples", j.NoBody503Samples); err != nil {
		return nil, err
	}
	if err = b.netErrs(&s.NetErrors, j.NetworkErrors, j.Folded.NetworkErrors); err != nil {
		return nil, err
	}
	if err = b.backoffs(&s.Backoff, j.Backoff, j.Folded.Backoff); err != nil {
		return nil, err
	}
	s.Events = b.maxSeq
	if j.Events != nil {
		s.Events = max(s.Events, *j.Events)
		// Events that were neither responses, network errors nor
		// backoff are counted nowhere else.
		t := &s.Totals
		t[summary.OtherEvents] = max(0, *j.Events-t[summary.Responses]-t[summary.NetworkErrors]-t[summary.Backoffs])
	}
	return s, nil
}

// classes rebuilds the class tables: first_seq is per table (kind),
// numbered in the order listed when absent.
func (b *builder) classes(s *summary.Summary, cs []viewClass) error {
	var rows [classify.NumKinds][]int
	for i := range cs {
		kind, ok := classify.ParseKind(cs[i].Class)
		if !ok {
			return fmt.Errorf("classes: unknown class %q (want infra, server_code or unknown)", cs[i].Class)
		}
		cs[i].kind = kind
		if !cs[i].Other {
			rows[kind] = append(rows[kind], i)
		}
	}
	for kind := range rows {
		seqs := b.seqs(len(rows[kind]), func(i int) *int64 { return cs[rows[kind][i]].FirstSeq })
		for k, i := range rows[kind] {
			c := &cs[i]
			a := summary.ClassAgg{N: c.Count, Desc: c.Description, Statuses: b.statuses(c.Statuses, c.StatusFirstSeq)}
			s.Classes[kind].Put(c.Key, seqs[k], &a, b.lim)
		}
	}
	for i := range cs {
		if c := &cs[i]; c.Other {
			a := summary.ClassAgg{N: c.Count, Statuses: b.statuses(c.Statuses, c.StatusFirstSeq)}
			s.Classes[c.kind].PutOther(&a, b.lim)
		}
	}
	return nil
}

// nodes rebuilds the table of failed responses by host.
func (b *builder) nodes(t *summary.Table[string, summary.Node, *summary.Node], hs []viewHost, folded int64) error {
	n, err := otherRow("failed_by_host", len(hs), folded, lastOf(hs, func(h viewHost) string { return h.Host }))
	if err != nil {
		return err
	}
	seqs := b.seqs(n, func(i int) *int64 { return hs[i].FirstSeq })
	for i, h := range hs {
		a := summary.Node{N: h.Count, N503: h.Status503, Esc: h.Escalations}
		if a.First, err = parseTime(h.FirstSeen); err != nil {
			return fmt.Errorf("failed_by_host %q: first_seen: %w", h.Host, err)
		}
		if a.Last, err = parseTime(h.LastSeen); err != nil {
			return fmt.Errorf("failed_by_host %q: last_seen: %w", h.Host, err)
		}
		if i == n {
			t.PutOther(&a, b.lim)
			break
		}
		name := h.Host
		if name == noHost {
			name = ""
		}
		t.Put(name, seqs[i], &a, b.lim)
	}
	return nil
}

// netErrs rebuilds the table of network errors by detail.
func (b *builder) netErrs(t *summary.Table[string, summary.NetErr, *summary.NetErr], ne []viewNetErr, folded int64) error {
	n, err := otherRow("network_errors_by_detail", len(ne), folded, lastOf(ne, func(x viewNetErr) string { return x.Detail }))
	if err != nil {
		return err
	}
	seqs := b.seqs(n, func(i int) *int64 { return ne[i].FirstSeq })
	for i, x := range ne {
		a := summary.NetErr{N: x.Count, Hosts: b.hosts(x.Hosts, x.HostFirstSeq)}
		if i == n {
			t.PutOther(&a, b.lim)
			break
		}
		t.Put(detailKey(x.Detail), seqs[i], &a, b.lim)
	}
	return nil
}

// backoffs rebuilds the table of backoff details.
func (b *builder) backoffs(t *summary.Table[string, summary.Backoff, *summary.Backoff], bo []viewBackoff, folded int64) error {
	n, err := otherRow("backoff", len(bo), folded, lastOf(bo, func(x viewBackoff) string { return x.Detail }))
	if err != nil {
		return err
	}
	seqs := b.seqs(n, func(i int) *int64 { return bo[i].FirstSeq })
	for i, x := range bo {
		a := summary.Backoff{N: x.Count, Max: x.MaxSeconds}
		if i == n {
			t.PutOther(&a, b.lim)
			break
		}
		t.Put(detailKey(x.Detail), seqs[i], &a, b.lim)
	}
	return nil
}

// detailKey is the key of a network error or backoff detail as shown.
func detailKey(d string) string {
	if d == noDetail {
		return ""
	}
	return d
}

// lastOf returns the name of the last element of xs, or "".
func lastOf[T any](xs []T, name func(T) string) string {
	if len(xs) == 0 {
		return ""
	}
	return name(xs[len(xs)-1])
}

// parseTime reads a time as formatTime writes it; "" is the zero time.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q is not RFC 3339", s)
	}
	return t.UTC(), nil
}

// foldedInputsFromJSON adds the inputs v folded (nil: none) to f.
func foldedInputsFromJSON(f *summary.FoldedInputs, v *viewFoldedInputs) error {
	if v == nil {
		return nil
	}
	o := summary.FoldedInputs{N: v.Inputs, Bytes: v.Bytes, DecodedBytes: v.DecodedBytes, Lines: v.Lines,
		Records: v.Records, LongLines: v.LongLines, Incomplete: v.Incomplete, Warned: v.Warned,
		UnverifiedEvents: v.UnverifiedEvents, UnverifiedEscalations: v.UnverifiedEscalations}
	for _, l := range v.Layouts {
		o.AddLayout(l)
	}
	for i, x := range v.Prints {
		p, err := strconv.ParseUint(x, 16, 64)
		if err != nil || len(x) != 16 {
			return fmt.Errorf("folded_inputs.fingerprint_prefixes[%d]: %q is not 16 hex digits", i, x)
		}
		o.AddPrint(p)
	}
	o.Printed += v.UnlistedPrints
	f.Merge(&o)
	return nil
}

// filtersFromJSON reads back what filtersOf wrote.
func filtersFromJSON(v *viewFilters) (summary.Filters, error) {
	f := summary.Filters{Include: v.Include, Exclude: v.Exclude, Hosts: v.Hosts, Keys: v.Keys,
		Statuses: v.Statuses, FailOn: v.FailOn, Mixed: v.Mixed}
	var err error
	if f.Since, err = parseTime(v.Since); err != nil {
		return f, fmt.Errorf("filters.since: %w", err)
	}
	if f.Until, err = parseTime(v.Until); err != nil {
		return f, fmt.Errorf("filters.until: %w", err)
	}
	if f.Shard, err = parseShards(v.Shard); err != nil {
		return f, fmt.Errorf("filters.shard: %w", err)
	}
	return f, nil
}

// parseShards reads back what summary.Shards.String wrote: "" (every
// input), "K/N" or "K1,K2/N", with 1 <= K < ... <= N.
func parseShards(v string) (summary.Shards, error) {
	if v == "" {
		return summary.Shards{}, nil
	}
	bad := fmt.Errorf("%q is not K/N or K1,K2,.../N (shards counted from 1, ascending)", v)
	ks, n, ok := strings.Cut(v, "/")
	if !ok {
		return summary.Shards{}, bad
	}
	s := summary.Shards{}
	var err error
	if s.N, err = strconv.Atoi(n); err != nil || s.N < 1 {
		return summary.Shards{}, bad
	}
	for _, k := range strings.Split(ks, ",") {
		ki, err := strconv.Atoi(k)
		if err != nil || ki < 1 || ki > s.N || len(s.Ks) > 0 && ki <= s.Ks[len(s.Ks)-1] {
			return summary.Shards{}, bad
		}
		s.Ks = append(s.Ks, ki)
	}
	if s.Whole() {
		return summary.Shards{}, bad // written as ""
	}
	return s, nil
}

// timelineFromJSON rebuilds the timeline of a report. A report written
// before timelines existed has none (bucket_seconds 0).
func timelineFromJSON(v *viewTimeline) (summary.Timeline, error) {
	tl := summary.Timeline{Untimed: v.Untimed}
	if v.BucketSeconds == 0 && len(v.Buckets) == 0 {
		return tl, nil
	}
	if !tl.SetWidth(v.BucketSeconds) {
		return tl, fmt.Errorf("timeline: bucket_seconds %d is not a width synclog uses", v.BucketSeconds)
	}
	for i, x := range v.Buckets {
		t, err := parseTime(x.Start)
		if err != nil || t.IsZero() {
			return tl, fmt.Errorf("timeline: bucket %d: start %q is not a time", i, x.Start)
		}
		if !(0 <= x.Escalations && x.Escalations <= x.Status503 && x.Status503 <= x.Failed) {
			return tl, fmt.Errorf("timeline: bucket %s: want 0 <= escalations <= status_503 <= failed", x.Start)
		}
		if x.Failed > 0 {
			tl.PutBucket(t, summary.Tally{Failed: x.Failed, S503: x.Status503, Esc: x.Escalations})
		}
	}
	return tl, nil
}
