package report

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"synclog/internal/classify"
	"synclog/internal/redact"
	"synclog/internal/summary"
)

// Schema is the value of the "schema" key of the JSON report; it changes
// when a key changes meaning or goes away (adding keys keeps it).
const Schema = "synclog/1"

// timeLayout is how times are shown in every format: RFC 3339 in UTC with
// milliseconds (the precision of Sync log timestamps), e.g.
// "2011-10-23T20:36:05.365Z". A zero time is shown as "" in JSON.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// Names shown for empty or folded keys.
const (
	otherKey = "(other)" // the bucket of keys beyond Limits.Keys
	noHost   = "(no host)"
	noDetail = "(no detail)"
)

// view is the report as data and its one schema: every list sorted, every
// string as it will be shown (before each format escapes it). It is what
// the JSON format writes and what ReadJSON reads back, and docOf builds the
// sections of text, Markdown and HTML from it, so that every format agrees.
type view struct {
	Schema           string        `json:"schema"`
	Verdict          string        `json:"verdict"` // "escalate", "incomplete" or "ok"
	Redacted         bool          `json:"redacted"`
	Inputs           []viewInput   `json:"inputs"`
	Totals           viewTotals    `json:"totals"`
	Classes          []viewClass   `json:"classes"`
	Escalations      []viewFinding `json:"escalations"`
	Reviews          []viewFinding `json:"reviews"`
	FailedByStatus   statusCounts  `json:"failed_by_status"`
	FailedByHost     []viewHost    `json:"failed_by_host"`
	Timeline         viewTimeline  `json:"timeline"`
	NoBody503Samples []viewSample  `json:"no_body_503_samples"`
	NetworkErrors    []viewNetErr  `json:"network_errors_by_detail"`
	Backoff          []viewBackoff `json:"backoff"`
	Limits           viewLimits    `json:"limits"`
	Folded           viewFolded    `json:"folded"`
	// FoldedInputs adds up the inputs not listed in Inputs (see
	// summary.AddInput); absent when every input is listed.
	FoldedInputs *viewFoldedInputs `json:"folded_inputs,omitempty"`
	// Skipped lists the entries a folder walk or an archive scan passed
	// over (the first Limits.Keys; Folded.Skipped counts the rest). Absent
	// when none.
	Skipped []viewSkipped `json:"skipped,omitempty"`
	// Filters says what narrowed the run; Problems what kept it from
	// reading everything it was given that no input row records (the
	// first Limits.Keys; Folded.Problems counts the rest).
	Filters  viewFilters `json:"filters"`
	Problems []string    `json:"problems"`
	// The order of events, for merging reports (see ReadJSON): Events is
	// the sequence number of the last event counted (1 is the first), and
	// every key and sample carries the sequence number of its first event
	// ("first_seq", "seq"), so that merged reports keep the keys and
	// samples that one run over every input would keep.
	Events                 *int64       `json:"events"`
	FailedByStatusFirstSeq statusCounts `json:"failed_by_status_first_seq"`

	// loc is Options.Location: the zone in which text, Markdown and HTML
	// show times (see zoned). The view's own times stay UTC.
	loc *time.Location
	// incomplete is Summary.Incomplete: the inputs not read whole, those
	// not listed included.
	incomplete int64
}

// viewLimits is the Limits the Summary was made with.
type viewLimits struct {
	Samples int `json:"samples"` // samples kept per key
	Keys    int `json:"keys"`    // distinct keys kept per list
	Inputs  int `json:"inputs"`  // input rows kept (0: a report written before rows were capped)
}

type viewInput struct {
	Path         string `json:"path"`
	Format       string `json:"format"`
	Layout       string `json:"layout"`
	Bytes        int64  `json:"bytes"`
	DecodedBytes int64  `json:"decoded_bytes"`
	Lines        int64  `json:"lines"`
	Records      int64  `json:"records"`
	LongLines    int64  `json:"long_lines"`
	Complete     bool   `json:"complete"`
	Error        string `json:"error"`
	// State is "" or the fault's name (TRUNCATED, CORRUPT, ...).
	State                 string   `json:"state"`
	UnverifiedEvents      int64    `json:"unverified_events"`
	UnverifiedEscalations int64    `json:"unverified_escalations"`
	Warnings              []string `json:"warnings"`
	Fingerprint           string   `json:"fingerprint,omitempty"`
}

// viewFoldedInputs is summary.FoldedInputs: the counts of the inputs not
// listed, and a print of each one's fingerprint (its first 16 hex digits),
// sorted, so that merge can tell an input given to two scans. Only the
// smallest summary.MaxFoldedPrints prints are listed; UnlistedPrints
// counts the others.
type viewFoldedInputs struct {
	Inputs                int64    `json:"inputs"`
	Bytes                 int64    `json:"bytes"`
	DecodedBytes          int64    `json:"decoded_bytes"`
	Lines                 int64    `json:"lines"`
	Records               int64    `json:"records"`
	LongLines             int64    `json:"long_lines"`
	Incomplete            int64    `json:"incomplete"` // not read whole
	Warned                int64    `json:"warned"`     // read whole, with warnings
	UnverifiedEvents      int64    `json:"unverified_events"`
	UnverifiedEscalations int64    `json:"unverified_escalations"`
	Layouts               []string `json:"layouts"`
	Prints                []string `json:"fingerprint_prefixes"`
	UnlistedPrints        int64    `json:"unlisted_fingerprints"`
}

// foldedInputsOf is f as the view holds it, or nil when no input was
// folded.
func foldedInputsOf(f *summary.FoldedInputs) *viewFoldedInputs {
	if f.N == 0 {
		return nil
	}
	ps := f.SortedPrints()
	v := &viewFoldedInputs{Inputs: f.N, Bytes: f.Bytes, DecodedBytes: f.DecodedBytes, Lines: f.Lines,
		Records: f.Records, LongLines: f.LongLines, Incomplete: f.Incomplete, Warned: f.Warned,
		UnverifiedEvents: f.UnverifiedEvents, UnverifiedEscalations: f.UnverifiedEscalations,
		Layouts: slices.Clone(nonNil(f.Layouts)), Prints: make([]string, len(ps)),
		UnlistedPrints: f.Printed - int64(len(ps))}
	for i, p := range ps {
		v.Prints[i] = fmt.Sprintf("%016x", p)
	}
	return v
}

// viewTotals is the summary's totals. In JSON it is an object keyed by
// totalKeys, in that order.
type viewTotals summary.Totals

// totalKeys names each total in JSON and in the text and Markdown totals
// tables; a total without a name (OtherEvents) is not shown.
var totalKeys = [summary.NumTotals]string{
	summary.Responses:     "responses",
	summary.Failed:        "failed_responses",
	summary.Bodies:        "bodies",
	summary.ServerCode:    "server_code",
	summary.Infra:         "infra",
	summary.UnknownBodies: "unknown",
	summary.Escalations:   "escalations",
	summary.Reviews:       "reviews",
	summary.NoBody503:     "no_body_503",
	summary.NetworkErrors: "network_errors",
	summary.Backoffs:      "backoffs",
	summary.CutBodies:     "cut_bodies",
}

// MarshalJSON encodes t as an object keyed by totalKeys.
func (t *viewTotals) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, k := range totalKeys {
		if k == "" {
			continue
		}
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, k)
		b = append(b, ':')
		b = strconv.AppendInt(b, t[i], 10)
	}
	return append(b, '}'), nil
}

// UnmarshalJSON reads the object MarshalJSON writes; keys it does not
// know are ignored, like any unknown key of the report.
func (t *viewTotals) UnmarshalJSON(data []byte) error {
	var m map[string]int64
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	for i, k := range totalKeys {
		if k != "" {
			t[i] = m[k]
		}
	}
	return nil
}

type viewClass struct {
	Class       string       `json:"class"`
	Key         string       `json:"key"`
	Description string       `json:"description"`
	Count       int64        `json:"count"`
	Statuses    statusCounts `json:"statuses"`
	Other       bool         `json:"other,omitempty"` // the "(other)" bucket
	// Unlisted marks an infra value the code table does not list,
	// recognised by its shape (classify.DescUnlisted).
	Unlisted bool `json:"unlisted,omitempty"`
	// FirstSeq is 0 for the "(other)" bucket; StatusFirstSeq has no
	// "other" entry.
	FirstSeq       *int64       `json:"first_seq"`
	StatusFirstSeq statusCounts `json:"status_first_seq"`
	kind           classify.Kind
}

type viewFinding struct {
	Key         string       `json:"key"`
	Description string       `json:"description"`
	Count       int64        `json:"count"`
	FirstSeen   string       `json:"first_seen"`
	LastSeen    string       `json:"last_seen"`
	Hosts       []string     `json:"hosts"`
	Statuses    statusCounts `json:"statuses"`
	Samples     []viewSample `json:"samples"`
	Other       bool         `json:"other,omitempty"`
	Unlisted    bool         `json:"unlisted,omitempty"` // as viewClass.Unlisted
	FirstSeq    *int64       `json:"first_seq"`
	// HostFirstSeq is aligned with Hosts ("(other)" has none).
	HostFirstSeq   []int64      `json:"host_first_seq"`
	StatusFirstSeq statusCounts `json:"status_first_seq"`
}

type viewSample struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Time   string `json:"time"`
	Method string `json:"method"`
	URL    string `json:"url"`
	Status int    `json:"status"`
	Seq    *int64 `json:"seq"`
}

// viewHost is one host (storage node) of failed responses: how many, the
// 503s and escalations among them, and when.
type viewHost struct {
	Host        string `json:"host"`
	Count       int64  `json:"count"`
	Status503   int64  `json:"status_503"`
	Escalations int64  `json:"escalations"`
	FirstSeen   string `json:"first_seen"`
	LastSeen    string `json:"last_seen"`
	FirstSeq    *int64 `json:"first_seq"`
}

// viewTimeline is failed responses over time: every bucket of
// BucketSeconds from the first to the last with a failure (at most
// maxShownBuckets), empty ones included. Untimed counts the failed
// responses whose log line had no time, which are in no bucket.
type viewTimeline struct {
	BucketSeconds int64        `json:"bucket_seconds"`
	Buckets       []viewBucket `json:"buckets"`
	Untimed       int64        `json:"untimed"`
}

// viewBucket is one time bucket: failed responses, the HTTP 503s among
// them and the escalations among those (so Escalations <= Status503 <=
// Failed).
type viewBucket struct {
	Start       string `json:"start"`
	Failed      int64  `json:"failed"`
	Status503   int64  `json:"status_503"`
	Escalations int64  `json:"escalations"`
}

type viewNetErr struct {
	Detail       string   `json:"detail"`
	Count        int64    `json:"count"`
	Hosts        []string `json:"hosts"`
	FirstSeq     *int64   `json:"first_seq"`
	HostFirstSeq []int64  `json:"host_first_seq"`
}

type viewBackoff struct {
	Detail     string  `json:"detail"`
	Count      int64   `json:"count"`
	MaxSeconds float64 `json:"max_seconds"`
	FirstSeq   *int64  `json:"first_seq"`
}

// viewFolded counts, per list, the events folded into its "(other)" entry
// because the list had reached Limits.Keys distinct keys.
type viewFolded struct {
	Classes        int64 `json:"classes"`
	Escalations    int64 `json:"escalations"`
	Reviews        int64 `json:"reviews"`
	FailedByStatus int64 `json:"failed_by_status"`
	FailedByHost   int64 `json:"failed_by_host"`
	NetworkErrors  int64 `json:"network_errors"`
	Backoff        int64 `json:"backoff"`
	Skipped        int64 `json:"skipped,omitempty"`
	Problems       int64 `json:"problems,omitempty"`
}

// viewFilters is summary.Filters: times in the report's format ("" for no
// bound), patterns as given.
type viewFilters struct {
	Since   string   `json:"since"`
	Until   string   `json:"until"`
	Include []string `json:"include"`
	Exclude []string `json:"exclude"`
	// Hosts, Keys and Statuses are --host, --key and --status.
	Hosts    []string `json:"hosts"`
	Keys     []string `json:"keys"`
	Statuses []int    `json:"statuses"`
	FailOn   string   `json:"fail_on"`
	// Shard is the shards covered, "K/N" or "K1,K2/N" (see
	// summary.Shards); "" for every input.
	Shard string `json:"shard,omitempty"`
	Mixed bool   `json:"mixed,omitempty"`
}

func filtersOf(f *summary.Filters) viewFilters {
	return viewFilters{Since: formatTime(f.Since), Until: formatTime(f.Until),
		Include: nonNil(f.Include), Exclude: nonNil(f.Exclude),
		Hosts: nonNil(f.Hosts), Keys: nonNil(f.Keys), Statuses: nonNil(f.Statuses),
		FailOn: cmp.Or(f.FailOn, "escalation"), Shard: f.Shard.String(), Mixed: f.Mixed}
}

// nonNil returns xs, or an empty list for nil, so that JSON lists are
// never null.
func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// viewSkipped is an entry passed over, and why.
type viewSkipped struct {
	Path string `json:"path"`
	Why  string `json:"why"`
}

// statusCount is one HTTP status and how many responses had it. Other marks
// the bucket of statuses beyond Limits.Keys.
type statusCount struct {
	Status int
	Other  bool
	Count  int64
}

// statusCounts is sorted by status, the "(other)" bucket last. It encodes
// as a JSON object in that order: {"0":1,"400":3,"other":2}.
type statusCounts []statusCount

// MarshalJSON encodes c as an object keyed by status.
func (c statusCounts) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, x := range c {
		if i > 0 {
			b.WriteByte(',')
		}
		if x.Other {
			b.WriteString(`"other":`)
		} else {
			b.WriteByte('"')
			b.WriteString(strconv.Itoa(x.Status))
			b.WriteString(`":`)
		}
		b.WriteString(strconv.FormatInt(x.Count, 10))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads the object MarshalJSON writes, in any key order.
func (c *statusCounts) UnmarshalJSON(data []byte) error {
	var m map[string]int64
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	out := make(statusCounts, 0, len(m))
	var other *statusCount
	for k, n := range m {
		if k == "other" {
			other = &statusCount{Other: true, Count: n}
			continue
		}
		code, err := strconv.Atoi(k)
		if err != nil {
			return fmt.Errorf("status %q is not a number", k)
		}
		out = append(out, statusCount{Status: code, Count: n})
	}
	slices.SortFunc(out, func(a, b statusCount) int { return cmp.Compare(a.Status, b.Status) })
	if other != nil {
		out = append(out, *other)
	}
	*c = out
	return nil
}

// String formats c for text and Markdown: "?×1 400×3 (other)×2", where "?"
// is an unknown status.
func (c statusCounts) String() string {
	var b []byte
	for i, x := range c {
		if i > 0 {
			b = append(b, ' ')
		}
		switch {
		case x.Other:
			b = append(b, otherKey...)
		case x.Status == 0:
			b = append(b, '?')
		default:
			b = strconv.AppendInt(b, int64(x.Status), 10)
		}
		b = append(b, "×"...)
		b = strconv.AppendInt(b, x.Count, 10)
	}
	return string(b)
}

// buildView turns s into its sorted, display-ready form.
func buildView(s *summary.Summary) *view {
	v := &view{
		Schema:                 Schema,
		Verdict:                "ok",
		Inputs:                 make([]viewInput, 0, len(s.Inputs)),
		Totals:                 viewTotals(s.Totals),
		Classes:                classesOf(&s.Classes),
		Escalations:            findingsOf(&s.Escalated),
		Reviews:                findingsOf(&s.Review),
		FailedByStatus:         statusesOf(&s.FailedStatus),
		FailedByHost:           nodesOf(&s.FailedHost),
		Timeline:               timelineOf(&s.Timeline),
		NoBody503Samples:       samplesOf(s.NoBody),
		NetworkErrors:          netErrsOf(&s.NetErrors),
		Backoff:                backoffsOf(&s.Backoff),
		Limits:                 viewLimits{Samples: s.Limits.Samples, Keys: s.Limits.Keys, Inputs: s.Limits.Inputs},
		FoldedInputs:           foldedInputsOf(&s.FoldedInputs),
		Events:                 seqOf(s.Events),
		FailedByStatusFirstSeq: statusSeqsOf(&s.FailedStatus),
		Folded: viewFolded{
			Escalations:    s.Escalated.Other.N,
			Reviews:        s.Review.Other.N,
			FailedByStatus: s.FailedStatus.Other.N,
			FailedByHost:   s.FailedHost.Other.N,
			NetworkErrors:  s.NetErrors.Other.N,
			Backoff:        s.Backoff.Other.N,
			Skipped:        s.SkippedMore,
			Problems:       s.ProblemsMore,
		},
		Filters:  filtersOf(&s.Filters),
		Problems: nonNil(s.Problems),
	}
	for _, in := range s.Inputs {
		vi := viewInput(in)
		if vi.Warnings == nil {
			vi.Warnings = []string{}
		}
		v.Inputs = append(v.Inputs, vi)
	}
	v.incomplete = s.Incomplete()
	switch {
	case v.Totals[summary.Escalations] > 0:
		v.Verdict = "escalate"
	case !s.Whole(): // incompleteWhy says why
		v.Verdict = "incomplete"
	}
	for _, x := range s.Skipped {
		v.Skipped = append(v.Skipped, viewSkipped(x))
	}
	for k := range s.Classes {
		v.Folded.Classes += s.Classes[k].Other.N
	}
	return v
}

// seqOf is a sequence number as the view holds it.
func seqOf(n int64) *int64 { return &n }

// classesOf lists the class rows: infra, server code, unknown; within a
// class "(other)" last, then count descending, then key.
func classesOf(cs *[classify.NumKinds]summary.Table[string, summary.ClassAgg, *summary.ClassAgg]) []viewClass {
	out := []viewClass{}
	for k := range cs {
		kind := classify.Kind(k)
		ct := &cs[k]
		for i := range ct.Ents {
			e := &ct.Ents[i]
			out = append(out, viewClass{
				Class: kind.String(), Key: e.Key, Description: e.Val.Desc,
				Unlisted: kind == classify.Infra && e.Val.Desc == classify.DescUnlisted,
				Count:    e.Val.N, Statuses: statusesOf(&e.Val.Statuses), kind: kind,
				FirstSeq: seqOf(e.First), StatusFirstSeq: statusSeqsOf(&e.Val.Statuses),
			})
		}
		if ct.HasOther {
			out = append(out, viewClass{
				Class: kind.String(), Key: otherKey, Count: ct.Other.N,
				Statuses: statusesOf(&ct.Other.Statuses), Other: true, kind: kind,
				FirstSeq: seqOf(0), StatusFirstSeq: statusSeqsOf(&ct.Other.Statuses),
			})
		}
	}
	slices.SortFunc(out, func(a, b viewClass) int {
		return cmp.Or(
			cmp.Compare(kindRank(a.kind), kindRank(b.kind)),
			cmpBool(a.Other, b.Other),
			cmp.Compare(b.Count, a.Count),
			cmp.Compare(a.Key, b.Key),
		)
	})
	return out
}

// nodesOf lists the hosts of failed responses: count descending, then
// name, "(other)" last.
func nodesOf(t *summary.Table[string, summary.Node, *summary.Node]) []viewHost {
	out := []viewHost{}
	for i := range t.Ents {
		e := &t.Ents[i]
		out = append(out, hostOfNode(hostName(e.Key), &e.Val, e.First))
	}
	slices.SortFunc(out, func(a, b viewHost) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Host, b.Host))
	})
	if t.HasOther {
		out = append(out, hostOfNode(otherKey, &t.Other, 0))
	}
	return out
}

// netErrsOf lists the network error details: count descending, then
// detail, "(other)" last.
func netErrsOf(t *summary.Table[string, summary.NetErr, *summary.NetErr]) []viewNetErr {
	out := []viewNetErr{}
	for i := range t.Ents {
		e := &t.Ents[i]
		hosts, seqs := hostsOf(&e.Val.Hosts)
		out = append(out, viewNetErr{Detail: detailName(e.Key), Count: e.Val.N, Hosts: hosts, FirstSeq: seqOf(e.First), HostFirstSeq: seqs})
	}
	slices.SortFunc(out, func(a, b viewNetErr) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Detail, b.Detail))
	})
	if t.HasOther {
		hosts, seqs := hostsOf(&t.Other.Hosts)
		out = append(out, viewNetErr{Detail: otherKey, Count: t.Other.N, Hosts: hosts, FirstSeq: seqOf(0), HostFirstSeq: seqs})
	}
	return out
}

// backoffsOf lists the backoff details: count descending, then detail,
// "(other)" last.
func backoffsOf(t *summary.Table[string, summary.Backoff, *summary.Backoff]) []viewBackoff {
	out := []viewBackoff{}
	for i := range t.Ents {
		e := &t.Ents[i]
		out = append(out, viewBackoff{Detail: detailName(e.Key), Count: e.Val.N, MaxSeconds: e.Val.Max, FirstSeq: seqOf(e.First)})
	}
	slices.SortFunc(out, func(a, b viewBackoff) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Detail, b.Detail))
	})
	if t.HasOther {
		out = append(out, viewBackoff{Detail: otherKey, Count: t.Other.N, MaxSeconds: t.Other.Max, FirstSeq: seqOf(0)})
	}
	return out
}

// detailName is a network error or backoff detail as shown.
func detailName(d string) string {
	if d == "" {
		return noDetail
	}
	return d
}

func hostOfNode(name string, a *summary.Node, first int64) viewHost {
	return viewHost{Host: name, Count: a.N, Status503: a.N503, Escalations: a.Esc,
		FirstSeen: formatTime(a.First), LastSeen: formatTime(a.Last), FirstSeq: seqOf(first)}
}

func timelineOf(tl *summary.Timeline) viewTimeline {
	w, start, counts := tl.Shown()
	v := viewTimeline{BucketSeconds: w, Buckets: make([]viewBucket, len(counts)), Untimed: tl.Untimed}
	for i, c := range counts {
		v.Buckets[i] = viewBucket{
			Start:  formatTime(start.Add(time.Duration(int64(i)*w) * time.Second)),
			Failed: c.Failed, Status503: c.S503, Escalations: c.Esc,
		}
	}
	return v
}

// kindRank orders classes in the report: infra, server code, unknown.
func kindRank(k classify.Kind) int {
	switch k {
	case classify.Infra:
		return 0
	case classify.ServerCode:
		return 1
	}
	return 2
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// findingsOf lists the infra keys of t: count descending, then key, the
// "(other)" bucket last.
func findingsOf(t *summary.Table[string, summary.Finding, *summary.Finding]) []viewFinding {
	out := make([]viewFinding, 0, len(t.Ents)+1)
	for i := range t.Ents {
		f := findingOf(t.Ents[i].Key, &t.Ents[i].Val)
		f.FirstSeq = seqOf(t.Ents[i].First)
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b viewFinding) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Key, b.Key))
	})
	if t.HasOther {
		f := findingOf(otherKey, &t.Other)
		f.Other = true
		out = append(out, f)
	}
	return out
}

func findingOf(key string, f *summary.Finding) viewFinding {
	hosts, seqs := hostsOf(&f.Hosts)
	return viewFinding{
		Key:            key,
		Description:    f.Desc,
		Unlisted:       f.Desc == classify.DescUnlisted,
		Count:          f.N,
		FirstSeen:      formatTime(f.First),
		LastSeen:       formatTime(f.Last),
		Hosts:          hosts,
		Statuses:       statusesOf(&f.Statuses),
		Samples:        samplesOf(f.Samples),
		HostFirstSeq:   seqs,
		StatusFirstSeq: statusSeqsOf(&f.Statuses),
		FirstSeq:       seqOf(0),
	}
}

// hostsOf lists the hosts of t sorted, "(other)" last when some were
// folded, and the first sequence number of each kept host in the same order.
func hostsOf(t *summary.Counts[string]) ([]string, []int64) {
	ents := slices.Clone(t.Ents)
	slices.SortStableFunc(ents, func(a, b summary.Entry[string, summary.Count]) int {
		return cmp.Compare(hostName(a.Key), hostName(b.Key))
	})
	out := make([]string, 0, len(ents)+1)
	seqs := make([]int64, 0, len(ents))
	for i := range ents {
		out = append(out, hostName(ents[i].Key))
		seqs = append(seqs, ents[i].First)
	}
	if t.HasOther {
		out = append(out, otherKey)
	}
	return out, seqs
}

// hostName is h, or noHost when the URL had none.
func hostName(h string) string {
	if h == "" {
		return noHost
	}
	return h
}

// statusesOf lists the statuses of t in ascending order, "(other)" last.
func statusesOf(t *summary.Counts[int]) statusCounts {
	out := make(statusCounts, 0, len(t.Ents)+1)
	for i := range t.Ents {
		out = append(out, statusCount{Status: t.Ents[i].Key, Count: t.Ents[i].Val.N})
	}
	slices.SortFunc(out, func(a, b statusCount) int { return cmp.Compare(a.Status, b.Status) })
	if t.HasOther {
		out = append(out, statusCount{Other: true, Count: t.Other.N})
	}
	return out
}

// statusSeqsOf lists the statuses of t in ascending order, each with the
// sequence number of its first event as Count; the "(other)" bucket has none.
func statusSeqsOf(t *summary.Counts[int]) statusCounts {
	out := make(statusCounts, 0, len(t.Ents))
	for i := range t.Ents {
		out = append(out, statusCount{Status: t.Ents[i].Key, Count: t.Ents[i].First})
	}
	slices.SortFunc(out, func(a, b statusCount) int { return cmp.Compare(a.Status, b.Status) })
	return out
}

// samplesOf lists samples in time order (see byTime). The samples are
// the first kept per key (summary.Limits.Samples), only shown sorted.
func samplesOf(ss []summary.Sample) []viewSample {
	out := make([]viewSample, 0, len(ss))
	for _, x := range slices.SortedStableFunc(slices.Values(ss), byTime) {
		out = append(out, viewSample{
			File: x.File, Line: x.Line, Time: formatTime(x.Time),
			Method: x.Method, URL: x.URL, Status: x.Status, Seq: seqOf(x.Seq),
		})
	}
	return out
}

// byTime orders samples by log time, those without one last, then by
// sequence number.
func byTime(a, b summary.Sample) int {
	return cmp.Or(cmp.Compare(boolRank(a.Time.IsZero()), boolRank(b.Time.IsZero())),
		a.Time.Compare(b.Time), cmp.Compare(a.Seq, b.Seq))
}

// boolRank is 1 for true, 0 for false.
func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// formatTime formats t with timeLayout in UTC; the zero time gives "".
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

// redact replaces personal data in every log-derived string of v. It runs
// in the view's (sorted) order, so the stand-ins are numbered the same way
// every time.
func (v *view) redact(r *redact.Redactor) {
	samples := func(xs []viewSample) {
		for i := range xs {
			xs[i].URL = r.URL(xs[i].URL)
		}
	}
	strs := func(xs []string) {
		for i := range xs {
			xs[i] = r.String(xs[i])
		}
	}
	for i := range v.Inputs {
		v.Inputs[i].Error = r.String(v.Inputs[i].Error)
	}
	for _, fs := range [][]viewFinding{v.Escalations, v.Reviews} {
		for i := range fs {
			fs[i].Key = r.String(fs[i].Key)
			strs(fs[i].Hosts)
			samples(fs[i].Samples)
		}
	}
	for i := range v.Classes {
		v.Classes[i].Key = r.String(v.Classes[i].Key)
	}
	for i := range v.FailedByHost {
		v.FailedByHost[i].Host = r.String(v.FailedByHost[i].Host)
	}
	samples(v.NoBody503Samples)
	for i := range v.NetworkErrors {
		v.NetworkErrors[i].Detail = r.String(v.NetworkErrors[i].Detail)
		strs(v.NetworkErrors[i].Hosts)
	}
}
