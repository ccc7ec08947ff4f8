package report

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"synclog/internal/classify"
)

// ReadJSON rebuilds a Summary from a JSON report written by Render (schema
// "synclog/1"), so that reports of separate runs can be merged with Merge
// and rendered again. It returns an error naming what is wrong for anything
// else (other schema, invalid JSON, a value of the wrong type).
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
// l bounds the result like NewSummary's; a zero field takes the report's
// own limit ("limits"), and a field above it is lowered to it, since a
// report holds no more samples or keys than its limits. Lists over l are
// folded or cut as Merge does.
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
func ReadJSON(r io.Reader, l Limits) (*Summary, error) {
	dec := json.NewDecoder(r)
	var j jsonReport
	if err := dec.Decode(&j); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("report: read json: empty input, want a synclog JSON report")
		}
		return nil, fmt.Errorf("report: read json: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("report: read json: more data after the report (one report per input)")
	}
	switch {
	case j.Schema == nil:
		return nil, fmt.Errorf("report: read json: no \"schema\" key: not a synclog JSON report (want %q)", Schema)
	case *j.Schema != Schema:
		return nil, fmt.Errorf("report: read json: schema %q, want %q", *j.Schema, Schema)
	}
	own := Limits{Samples: j.Limits.Samples, Keys: j.Limits.Keys}
	if own.Samples <= 0 {
		own.Samples = DefaultSamples
	}
	if own.Keys <= 0 {
		own.Keys = DefaultKeys
	}
	src, err := j.summary(own)
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
	// Merging into an empty Summary sorts every table by first event,
	// applies eff and folds what a report listed beyond it.
	s := NewSummary(eff)
	s.Merge(src)
	s.Redacted = src.Redacted // even when the report holds nothing
	return s, nil
}

// The JSON report as read. Sequence numbers are pointers: nil when the
// report does not give them.
type (
	jsonReport struct {
		Schema           *string       `json:"schema"`
		Redacted         bool          `json:"redacted"`
		Inputs           []viewInput   `json:"inputs"`
		Totals           viewTotals    `json:"totals"`
		Classes          []jsonClass   `json:"classes"`
		Escalations      []jsonFinding `json:"escalations"`
		Reviews          []jsonFinding `json:"reviews"`
		FailedByStatus   jsonStatuses  `json:"failed_by_status"`
		FailedByHost     []jsonHost    `json:"failed_by_host"`
		Timeline         viewTimeline  `json:"timeline"`
		NoBody503Samples []jsonSample  `json:"no_body_503_samples"`
		NetworkErrors    []jsonNetErr  `json:"network_errors_by_detail"`
		Backoff          []jsonBackoff `json:"backoff"`
		Limits           viewLimits    `json:"limits"`
		Folded           viewFolded    `json:"folded"`
		Skipped          []viewSkipped `json:"skipped"`
		Events           *int64        `json:"events"`
		// FailedByStatusFirstSeq is nil when absent.
		FailedByStatusFirstSeq jsonStatuses `json:"failed_by_status_first_seq"`
	}
	jsonClass struct {
		Class          string       `json:"class"`
		Key            string       `json:"key"`
		Description    string       `json:"description"`
		Count          int64        `json:"count"`
		Statuses       jsonStatuses `json:"statuses"`
		Other          bool         `json:"other"`
		FirstSeq       *int64       `json:"first_seq"`
		StatusFirstSeq jsonStatuses `json:"status_first_seq"`
	}
	jsonFinding struct {
		Key            string       `json:"key"`
		Description    string       `json:"description"`
		Count          int64        `json:"count"`
		FirstSeen      string       `json:"first_seen"`
		LastSeen       string       `json:"last_seen"`
		Hosts          []string     `json:"hosts"`
		Statuses       jsonStatuses `json:"statuses"`
		Samples        []jsonSample `json:"samples"`
		Other          bool         `json:"other"`
		FirstSeq       *int64       `json:"first_seq"`
		HostFirstSeq   []int64      `json:"host_first_seq"`
		StatusFirstSeq jsonStatuses `json:"status_first_seq"`
	}
	jsonSample struct {
		File   string `json:"file"`
		Line   int    `json:"line"`
		Time   string `json:"time"`
		Method string `json:"method"`
		URL    string `json:"url"`
		Status int    `json:"status"`
		Seq    *int64 `json:"seq"`
	}
	jsonHost struct {
		Host        string `json:"host"`
		Count       int64  `json:"count"`
		Status503   int64  `json:"status_503"`
		Escalations int64  `json:"escalations"`
		FirstSeen   string `json:"first_seen"`
		LastSeen    string `json:"last_seen"`
		FirstSeq    *int64 `json:"first_seq"`
	}
	jsonNetErr struct {
		Detail       string   `json:"detail"`
		Count        int64    `json:"count"`
		Hosts        []string `json:"hosts"`
		FirstSeq     *int64   `json:"first_seq"`
		HostFirstSeq []int64  `json:"host_first_seq"`
	}
	jsonBackoff struct {
		Detail     string  `json:"detail"`
		Count      int64   `json:"count"`
		MaxSeconds float64 `json:"max_seconds"`
		FirstSeq   *int64  `json:"first_seq"`
	}
)

// jsonStatuses is a statuses object, {"400":3,"other":1}, as read.
type jsonStatuses map[string]int64

// split returns the statuses of m in ascending order with their values,
// and the value of "other" (ok false when absent).
func (m jsonStatuses) split(what string) (st []statusCount, other int64, ok bool, err error) {
	for k, n := range m {
		if k == "other" {
			other, ok = n, true
			continue
		}
		code, err := strconv.Atoi(k)
		if err != nil {
			return nil, 0, false, fmt.Errorf("%s: status %q is not a number", what, k)
		}
		st = append(st, statusCount{Status: code, Count: n})
	}
	slices.SortFunc(st, func(a, b statusCount) int { return cmp.Compare(a.Status, b.Status) })
	return st, other, ok, nil
}

// builder turns the JSON lists back into tables, tracking the largest
// sequence number given so that the Summary's own is at least that.
type builder struct {
	lim    *Limits
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

// put adds key k, first seen at seq, with value v to t. A key listed twice
// (two values that one stand-in replaced, or two strings that were not
// UTF-8) is merged into one.
func put[K cmp.Ordered, V any, P merger[V]](t *Table[K, V, P], k K, seq int64, v *V, l *Limits) {
	if i, ok := t.idx[k]; ok {
		P(&t.Ents[i].Val).merge(v, 0, l)
		t.Ents[i].First = min(t.Ents[i].First, seq)
		return
	}
	if t.idx == nil {
		t.idx = make(map[K]int)
	}
	t.idx[k] = len(t.Ents)
	t.Ents = append(t.Ents, Entry[K, V]{Key: k, First: seq, Val: *v})
}

// putOther adds v to t's "(other)" bucket.
func putOther[K cmp.Ordered, V any, P merger[V]](t *Table[K, V, P], v *V, l *Limits) {
	P(&t.Other).merge(v, 0, l)
	t.HasOther = true
}

// statuses rebuilds a table of statuses and the first sequence number of
// each from a "statuses" object and its "..._first_seq" companion.
func (b *builder) statuses(what string, m, firsts jsonStatuses) (Counts[int], error) {
	var t Counts[int]
	st, other, hasOther, err := m.split(what)
	if err != nil {
		return t, err
	}
	fs, _, _, err := firsts.split(what + " first_seq")
	if err != nil {
		return t, err
	}
	byStatus := make(map[int]int64, len(fs))
	for _, x := range fs {
		byStatus[x.Status] = x.Count
	}
	seqs := b.seqs(len(st), func(i int) *int64 {
		if n, ok := byStatus[st[i].Status]; ok {
			return &n
		}
		return nil
	})
	for i, x := range st {
		put(&t, x.Status, seqs[i], &Count{x.Count}, b.lim)
	}
	if hasOther {
		putOther(&t, &Count{other}, b.lim)
	}
	return t, nil
}

// hosts rebuilds a table of host names, "(other)" last when some were
// folded. The report shows names only, so each counts 1.
func (b *builder) hosts(names []string, firsts []int64) Counts[string] {
	var t Counts[string]
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
		put(&t, h, seqs[i], &Count{1}, b.lim)
	}
	if hasOther {
		putOther(&t, &Count{1}, b.lim)
	}
	return t
}

// samples rebuilds a list of samples.
func (b *builder) samples(what string, xs []jsonSample) ([]Sample, error) {
	seqs := b.seqs(len(xs), func(i int) *int64 { return xs[i].Seq })
	out := make([]Sample, 0, len(xs))
	for i, x := range xs {
		t, err := parseTime(x.Time)
		if err != nil {
			return nil, fmt.Errorf("%s: sample %s:%d: %w", what, x.File, x.Line, err)
		}
		out = append(out, Sample{Seq: seqs[i], File: x.File, Line: x.Line, Time: t,
			Method: x.Method, URL: x.URL, Status: x.Status})
	}
	return out, nil
}

// findings rebuilds the table of escalations or reviews.
func (b *builder) findings(what string, fs []jsonFinding) (t Table[string, Finding, *Finding], err error) {
	var rows []int // the rows that are keys, not "(other)"
	for i := range fs {
		if !fs[i].Other {
			rows = append(rows, i)
		}
	}
	seqs := b.seqs(len(rows), func(i int) *int64 { return fs[rows[i]].FirstSeq })
	k := 0
	for i := range fs {
		jf := &fs[i]
		in := what + " " + strconv.Quote(jf.Key)
		f := Finding{N: jf.Count, Desc: jf.Description, Hosts: b.hosts(jf.Hosts, jf.HostFirstSeq)}
		if f.First, err = parseTime(jf.FirstSeen); err != nil {
			return t, fmt.Errorf("%s: first_seen: %w", in, err)
		}
		if f.Last, err = parseTime(jf.LastSeen); err != nil {
			return t, fmt.Errorf("%s: last_seen: %w", in, err)
		}
		if f.Statuses, err = b.statuses(in, jf.Statuses, jf.StatusFirstSeq); err != nil {
			return t, err
		}
		if f.Samples, err = b.samples(in, jf.Samples); err != nil {
			return t, err
		}
		if jf.Other {
			putOther(&t, &f, b.lim)
			continue
		}
		put(&t, jf.Key, seqs[k], &f, b.lim)
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

// kinds maps the "class" of a class row to its kind.
var kinds = map[string]classify.Kind{
	classify.ServerCode.String(): classify.ServerCode,
	classify.Infra.String():      classify.Infra,
	classify.Unknown.String():    classify.Unknown,
}

// summary rebuilds the Summary of j with limits own, lists as listed.
func (j *jsonReport) summary(own Limits) (*Summary, error) {
	s := NewSummary(own)
	s.Redacted = j.Redacted
	b := &builder{lim: &s.Limits}
	var err error

	for _, in := range j.Inputs {
		s.AddInput(Input(in))
	}
	for _, x := range j.Skipped {
		s.AddSkipped(x.Path, x.Why)
	}
	s.SkippedMore += j.Folded.Skipped
	t := &j.Totals
	s.Totals = Totals{
		responses: t.Responses, failed: t.FailedResponses, bodies: t.Bodies,
		serverCode: t.ServerCode, infra: t.Infra, unknown: t.Unknown,
		escalations: t.Escalations, reviews: t.Reviews, noBody503: t.NoBody503,
		networkErrors: t.NetworkErrors, backoffs: t.Backoffs,
	}

	// Classes: first_seq is per table (kind), numbered in the order listed
	// when absent.
	var rows [3][]int
	for i := range j.Classes {
		c := &j.Classes[i]
		kind, ok := kinds[c.Class]
		if !ok {
			return nil, fmt.Errorf("classes: unknown class %q (want infra, server_code or unknown)", c.Class)
		}
		if !c.Other {
			rows[kind] = append(rows[kind], i)
		}
	}
	for kind := range rows {
		seqs := b.seqs(len(rows[kind]), func(i int) *int64 { return j.Classes[rows[kind][i]].FirstSeq })
		for k, i := range rows[kind] {
			c := &j.Classes[i]
			a := ClassAgg{N: c.Count, Desc: c.Description}
			if a.Statuses, err = b.statuses("classes "+strconv.Quote(c.Key), c.Statuses, c.StatusFirstSeq); err != nil {
				return nil, err
			}
			put(&s.Classes[kind], c.Key, seqs[k], &a, b.lim)
		}
	}
	for i := range j.Classes {
		if c := &j.Classes[i]; c.Other {
			a := ClassAgg{N: c.Count}
			if a.Statuses, err = b.statuses("classes (other)", c.Statuses, c.StatusFirstSeq); err != nil {
				return nil, err
			}
			putOther(&s.Classes[kinds[c.Class]], &a, b.lim)
		}
	}

	if s.Escalated, err = b.findings("escalations", j.Escalations); err != nil {
		return nil, err
	}
	if s.Review, err = b.findings("reviews", j.Reviews); err != nil {
		return nil, err
	}
	if s.FailedStatus, err = b.statuses("failed_by_status", j.FailedByStatus, j.FailedByStatusFirstSeq); err != nil {
		return nil, err
	}

	hs := j.FailedByHost
	n, err := otherRow("failed_by_host", len(hs), j.Folded.FailedByHost, lastOf(hs, func(h jsonHost) string { return h.Host }))
	if err != nil {
		return nil, err
	}
	seqs := b.seqs(n, func(i int) *int64 { return hs[i].FirstSeq })
	for i, h := range hs {
		a := Node{N: h.Count, N503: h.Status503, Esc: h.Escalations}
		if a.First, err = parseTime(h.FirstSeen); err != nil {
			return nil, fmt.Errorf("failed_by_host %q: first_seen: %w", h.Host, err)
		}
		if a.Last, err = parseTime(h.LastSeen); err != nil {
			return nil, fmt.Errorf("failed_by_host %q: last_seen: %w", h.Host, err)
		}
		if i == n {
			putOther(&s.FailedHost, &a, b.lim)
			break
		}
		name := h.Host
		if name == noHost {
			name = ""
		}
		put(&s.FailedHost, name, seqs[i], &a, b.lim)
	}
	if s.Timeline, err = timelineFromJSON(&j.Timeline); err != nil {
		return nil, err
	}

	if s.NoBody, err = b.samples("no_body_503_samples", j.NoBody503Samples); err != nil {
		return nil, err
	}

	ne := j.NetworkErrors
	if n, err = otherRow("network_errors_by_detail", len(ne), j.Folded.NetworkErrors, lastOf(ne, func(x jsonNetErr) string { return x.Detail })); err != nil {
		return nil, err
	}
	seqs = b.seqs(n, func(i int) *int64 { return ne[i].FirstSeq })
	for i, x := range ne {
		a := NetErr{N: x.Count, Hosts: b.hosts(x.Hosts, x.HostFirstSeq)}
		if i == n {
			putOther(&s.NetErrors, &a, b.lim)
			break
		}
		put(&s.NetErrors, detailKey(x.Detail), seqs[i], &a, b.lim)
	}

	bo := j.Backoff
	if n, err = otherRow("backoff", len(bo), j.Folded.Backoff, lastOf(bo, func(x jsonBackoff) string { return x.Detail })); err != nil {
		return nil, err
	}
	seqs = b.seqs(n, func(i int) *int64 { return bo[i].FirstSeq })
	for i, x := range bo {
		a := Backoff{N: x.Count, Max: x.MaxSeconds}
		if i == n {
			putOther(&s.Backoff, &a, b.lim)
			break
		}
		put(&s.Backoff, detailKey(x.Detail), seqs[i], &a, b.lim)
	}

	s.Events = b.maxSeq
	if j.Events != nil {
		s.Events = max(s.Events, *j.Events)
		// Events that were neither responses, network errors nor
		// backoff are counted nowhere else.
		s.Totals.otherEvents = max(0, *j.Events-t.Responses-t.NetworkErrors-t.Backoffs)
	}
	return s, nil
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

// timelineFromJSON rebuilds the timeline of a report. A report written
// before timelines existed has none (bucket_seconds 0).
func timelineFromJSON(v *viewTimeline) (Timeline, error) {
	tl := Timeline{Untimed: v.Untimed}
	if v.BucketSeconds == 0 && len(v.Buckets) == 0 {
		return tl, nil
	}
	w, ok := widthIndex(v.BucketSeconds)
	if !ok {
		return tl, fmt.Errorf("timeline: bucket_seconds %d is not a width synclog uses", v.BucketSeconds)
	}
	tl.w = w
	for i, x := range v.Buckets {
		t, err := parseTime(x.Start)
		if err != nil || t.IsZero() {
			return tl, fmt.Errorf("timeline: bucket %d: start %q is not a time", i, x.Start)
		}
		if !(0 <= x.Escalations && x.Escalations <= x.Status503 && x.Status503 <= x.Failed) {
			return tl, fmt.Errorf("timeline: bucket %s: want 0 <= escalations <= status_503 <= failed", x.Start)
		}
		if x.Failed > 0 {
			tl.put(bucketOf(t, widthAt(tl.w)), Tally{Failed: x.Failed, S503: x.Status503, Esc: x.Escalations})
		}
	}
	return tl, nil
}
