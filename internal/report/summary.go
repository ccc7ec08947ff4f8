// Package report aggregates the events found in Sync logs into a Summary and
// renders it as text, Markdown or JSON, escalations first.
package report

import (
	"cmp"
	"slices"
	"time"

	"synclog/internal/classify"
	"synclog/internal/parse"
)

// Default limits, used when a Limits field is zero or less.
const (
	DefaultSamples = 5
	DefaultKeys    = 200
)

// maxKeyBytes is how much of a free-text key (an unknown body, a network
// error detail) is kept, cut at a UTF-8 boundary.
const maxKeyBytes = 120

// otherKey names the bucket that holds the keys beyond Limits.Keys.
const otherKey = "(other)"

// Limits bounds the memory of a Summary whatever the size of the input.
type Limits struct {
	// Samples is how many samples (file:line, time, method, URL, status)
	// are kept per key: the first ones, in input order. Zero or less means
	// DefaultSamples.
	Samples int
	// Keys is how many distinct keys each map keeps (classes, escalation
	// keys, hosts, statuses, network error details, ...): the first ones
	// seen. Events for further keys are counted in an "(other)" bucket and
	// the report says how many were folded (see Merge for how folding and
	// merging combine). Zero or less means DefaultKeys.
	Keys int
	// Rows keeps one row per failed response, for the CSV format (see
	// RenderCSV). Rows past a small buffer go to an unlinked temporary
	// file, so memory stays bounded.
	Rows bool
}

// Input is the statistics of one input file.
type Input struct {
	Path   string // name as given on the command line
	Format string // "plain", "gzip" or "zstd"
	// Bytes is how many bytes were read from the file; DecodedBytes how
	// many came out of the decompressor (equal to Bytes for plain input).
	Bytes        int64
	DecodedBytes int64
	Lines        int64 // lines read
	Records      int64 // log records read
	LongLines    int64 // lines over the line limit, cut
	// Complete reports whether the file was read to its end; when false,
	// Error says why.
	Complete bool
	Error    string
	// State names the fault when !Complete (TRUNCATED, CORRUPT, ...).
	State string
	// UnverifiedEvents and UnverifiedEscalations count what was decoded
	// after the last verified checksum of a CORRUPT input: they are kept
	// out of every other count in the report.
	UnverifiedEvents      int64
	UnverifiedEscalations int64
	// Warnings are findings that leave the data usable (trailing
	// padding, no checksum, a name that says another format, cut lines).
	Warnings []string
}

// totals holds the counters of a Summary.
type totals struct {
	responses, failed, bodies            int64
	serverCode, infra, unknown           int64
	escalations, reviews, noBody503      int64
	networkErrors, backoffs, otherEvents int64
}

func (t *totals) add(o *totals) {
	t.responses += o.responses
	t.failed += o.failed
	t.bodies += o.bodies
	t.serverCode += o.serverCode
	t.infra += o.infra
	t.unknown += o.unknown
	t.escalations += o.escalations
	t.reviews += o.reviews
	t.noBody503 += o.noBody503
	t.networkErrors += o.networkErrors
	t.backoffs += o.backoffs
	t.otherEvents += o.otherEvents
}

// Summary aggregates events and input statistics in bounded memory (see
// Limits). The zero value is not usable: call NewSummary.
// A Summary is not safe for concurrent use.
type Summary struct {
	lim Limits
	seq int64 // events added, the sequence number of the last one
	tot totals

	classes      [3]capped[string, classAgg, *classAgg] // by classify.Kind
	esc, rev     capped[string, finding, *finding]      // infra in 503, infra elsewhere
	failedStatus counts[int]
	failedHost   capped[string, nodeAgg, *nodeAgg]
	timeline     timeline // failed responses over time
	rows         *rowLog  // nil unless Limits.Rows
	noBody       []sample // 503 responses with no body
	netErr       capped[string, netAgg, *netAgg]
	backoff      capped[string, backoffAgg, *backoffAgg]
	inputs       []Input
	skipped      []Skip // the first Limits.Keys entries passed over
	skippedMore  int64  // entries passed over beyond those
	// redacted reports that everything in s came from redacted reports
	// (see ReadJSON): Render then says so even without Options.Redact.
	redacted bool
}

// NewSummary returns an empty Summary that keeps at most l's samples and
// keys (zero fields take the defaults).
func NewSummary(l Limits) *Summary {
	if l.Samples <= 0 {
		l.Samples = DefaultSamples
	}
	if l.Keys <= 0 {
		l.Keys = DefaultKeys
	}
	s := &Summary{lim: l}
	if l.Rows {
		s.rows = &rowLog{}
	}
	return s
}

// Close releases the temporary file that Limits.Rows may have needed. The
// Summary still renders, without rows, after Close.
func (s *Summary) Close() {
	if s.rows != nil {
		s.rows.close()
	}
}

// Escalations returns the number of responses that carry an infra string
// in an HTTP 503: the ones to escalate to Services Operations.
func (s *Summary) Escalations() int { return int(s.tot.escalations) }

// Reviews returns the number of responses with an infra value outside a
// 503, and Unknown the number of classified bodies of the unknown class.
func (s *Summary) Reviews() int { return int(s.tot.reviews) }

// Unknown returns the number of classified bodies of the unknown class.
func (s *Summary) Unknown() int { return int(s.tot.unknown) }

// AddInput records the statistics of one input file. Call it once per
// input, in input order.
func (s *Summary) AddInput(in Input) { s.inputs = append(s.inputs, in) }

// Skip is an entry that a folder walk passed over without reading it, and
// why ("hidden", "excluded", "symlink (use --follow)", ...).
type Skip struct{ Path, Why string }

// AddSkipped records that path was passed over, and why, so that the report
// can say what was not read. The first Limits.Keys are kept; the rest are
// only counted.
func (s *Summary) AddSkipped(path, why string) {
	if len(s.skipped) >= s.lim.Keys {
		s.skippedMore++
		return
	}
	s.skipped = append(s.skipped, Skip{Path: path, Why: why})
}

// Add records one event. c is the class of the response body, or nil when
// the body was not classified (no body, or a 2xx/3xx response whose body is
// data); c is ignored for events other than responses. Add copies what it
// keeps of ev and c, so both may be reused after the call. Recording a
// response that has no class does not allocate.
func (s *Summary) Add(ev *parse.Event, c *classify.Class) {
	s.seq++
	switch ev.Kind {
	case parse.KindResponse:
		s.addResponse(ev, c)
	case parse.KindNetworkError:
		s.tot.networkErrors++
		a := slotBytes(&s.netErr, cutUTF8(ev.Detail, maxKeyBytes), s.seq, s.lim.Keys)
		a.n++
		slotBytes(&a.hosts, hostOf(ev.URL), s.seq, s.lim.Keys).inc()
	case parse.KindBackoff:
		s.tot.backoffs++
		a := slotBytes(&s.backoff, cutUTF8(ev.Detail, maxKeyBytes), s.seq, s.lim.Keys)
		a.add(ev.Seconds)
	default:
		s.tot.otherEvents++
	}
}

func (s *Summary) addResponse(ev *parse.Event, c *classify.Class) {
	s.tot.responses++
	if ev.Status >= 400 {
		s.tot.failed++
		kind := classify.Unknown
		if c != nil && (c.Kind == classify.ServerCode || c.Kind == classify.Infra) {
			kind = c.Kind
		}
		is503 := ev.Status == 503
		esc := is503 && c != nil && kind == classify.Infra
		s.failedStatus.slot(ev.Status, s.seq, s.lim.Keys).inc()
		slotBytes(&s.failedHost, hostOf(ev.URL), s.seq, s.lim.Keys).add(ev.Time, is503, esc)
		s.timeline.add(ev.Time, is503, esc)
		if s.rows != nil {
			s.rows.add(ev, c, kind, esc)
		}
	}
	if ev.Status == 503 && !ev.HasBody {
		s.tot.noBody503++
		addSample(&s.noBody, ev, s.seq, s.lim.Samples)
	}
	if c == nil {
		return
	}
	s.tot.bodies++
	kind := c.Kind
	switch kind {
	case classify.ServerCode:
		s.tot.serverCode++
	case classify.Infra:
		s.tot.infra++
	default:
		kind = classify.Unknown
		s.tot.unknown++
	}
	ca := keySlotOf(&s.classes[kind], c, s.seq, s.lim.Keys)
	ca.n++
	if ca.desc == "" {
		ca.desc = c.Description
	}
	ca.statuses.slot(ev.Status, s.seq, s.lim.Keys).inc()

	if kind != classify.Infra {
		return
	}
	t := &s.rev
	if ev.Status == 503 {
		t = &s.esc
		s.tot.escalations++
	} else {
		s.tot.reviews++
	}
	f := keySlotOf(t, c, s.seq, s.lim.Keys)
	f.n++
	if f.desc == "" {
		f.desc = c.Description
	}
	f.first, f.last = minTime(f.first, ev.Time), maxTime(f.last, ev.Time)
	slotBytes(&f.hosts, hostOf(ev.URL), s.seq, s.lim.Keys).inc()
	f.statuses.slot(ev.Status, s.seq, s.lim.Keys).inc()
	addSample(&f.samples, ev, s.seq, s.lim.Samples)
}

// keySlotOf returns the slot of c's key in t: c.Key, or for unknown free text
// (Key == "") the text itself cut to maxKeyBytes.
func keySlotOf[V any, P merger[V]](t *capped[string, V, P], c *classify.Class, seq int64, limit int) *V {
	if c.Key != "" {
		return t.slot(c.Key, seq, limit)
	}
	return slotBytes(t, cutUTF8(c.Text, maxKeyBytes), seq, limit)
}

// Merge adds o into s, as if every event and input added to o had been
// added to s after s's own. Merging per-file summaries in input order gives
// the same Summary as one fed every event in order, as long as no map of a
// per-file summary went past Limits.Keys. When one did, the totals, the
// kept keys and the sum of every list are still the same, but the events
// that the part folded into "(other)" stay there even when s keeps their
// key (a bounded part cannot know which keys earlier parts keep). s's
// Limits apply. o is not changed and shares no memory with s afterwards.
// s stays marked redacted (see ReadJSON) only if both were, or one is empty.
func (s *Summary) Merge(o *Summary) {
	if o == s {
		c := NewSummary(s.lim)
		c.Merge(s)
		o = c
	}
	switch {
	case o.seq == 0 && len(o.inputs) == 0 && len(o.skipped) == 0: // o holds nothing
	case s.seq == 0 && len(s.inputs) == 0 && len(s.skipped) == 0:
		s.redacted = o.redacted
	default: // redacted only if both were
		s.redacted = s.redacted && o.redacted
	}
	off := s.seq
	l := &s.lim
	s.tot.add(&o.tot)
	for i := range s.classes {
		s.classes[i].merge(&o.classes[i], off, l, l.Keys)
	}
	s.esc.merge(&o.esc, off, l, l.Keys)
	s.rev.merge(&o.rev, off, l, l.Keys)
	s.failedStatus.merge(&o.failedStatus, off, l, l.Keys)
	s.failedHost.merge(&o.failedHost, off, l, l.Keys)
	s.timeline.merge(&o.timeline)
	if s.rows != nil && o.rows != nil {
		s.rows.merge(o.rows)
	}
	s.noBody = mergeSamples(s.noBody, o.noBody, off, l.Samples)
	s.netErr.merge(&o.netErr, off, l, l.Keys)
	s.backoff.merge(&o.backoff, off, l, l.Keys)
	s.inputs = append(s.inputs, o.inputs...)
	for _, x := range o.skipped {
		s.AddSkipped(x.Path, x.Why)
	}
	s.skippedMore += o.skippedMore
	s.seq += o.seq
}

// classAgg is one row of the class table.
type classAgg struct {
	n        int64
	desc     string
	statuses counts[int]
}

func (a *classAgg) merge(o *classAgg, off int64, l *Limits) {
	a.n += o.n
	if a.desc == "" {
		a.desc = o.desc
	}
	a.statuses.merge(&o.statuses, off, l, l.Keys)
}

// finding is one infra key, escalated (in a 503) or to review.
type finding struct {
	n           int64
	desc        string
	first, last time.Time // zero when no event carried a time
	hosts       counts[string]
	statuses    counts[int]
	samples     []sample
}

func (f *finding) merge(o *finding, off int64, l *Limits) {
	f.n += o.n
	if f.desc == "" {
		f.desc = o.desc
	}
	f.first, f.last = minTime(f.first, o.first), maxTime(f.last, o.last)
	f.hosts.merge(&o.hosts, off, l, l.Keys)
	f.statuses.merge(&o.statuses, off, l, l.Keys)
	f.samples = mergeSamples(f.samples, o.samples, off, l.Samples)
}

// nodeAgg is one host (storage node) of failed responses.
type nodeAgg struct {
	n, n503, esc int64
	first, last  time.Time // zero when no event carried a time
}

func (a *nodeAgg) add(t time.Time, is503, esc bool) {
	a.n++
	if is503 {
		a.n503++
	}
	if esc {
		a.esc++
	}
	a.first, a.last = minTime(a.first, t), maxTime(a.last, t)
}

func (a *nodeAgg) merge(o *nodeAgg, _ int64, _ *Limits) {
	a.n += o.n
	a.n503 += o.n503
	a.esc += o.esc
	a.first, a.last = minTime(a.first, o.first), maxTime(a.last, o.last)
}

// netAgg is one network error detail.
type netAgg struct {
	n     int64
	hosts counts[string]
}

func (a *netAgg) merge(o *netAgg, off int64, l *Limits) {
	a.n += o.n
	a.hosts.merge(&o.hosts, off, l, l.Keys)
}

// backoffAgg is one backoff header or notice.
type backoffAgg struct {
	n   int64
	max float64 // largest delay asked for, in seconds
}

func (a *backoffAgg) add(sec float64) {
	if a.n == 0 || sec > a.max {
		a.max = sec
	}
	a.n++
}

func (a *backoffAgg) merge(o *backoffAgg, _ int64, _ *Limits) {
	if o.n == 0 {
		return
	}
	if a.n == 0 || o.max > a.max {
		a.max = o.max
	}
	a.n += o.n
}

// sample locates one response in the input. url has no userinfo.
type sample struct {
	seq    int64
	file   string
	line   int
	time   time.Time
	method string
	url    string
	status int
}

// addSample appends ev to *dst unless it already holds limit samples.
func addSample(dst *[]sample, ev *parse.Event, seq int64, limit int) {
	if len(*dst) >= limit {
		return
	}
	*dst = append(*dst, sample{
		seq:    seq,
		file:   ev.File,
		line:   ev.Line,
		time:   ev.Time,
		method: string(ev.Method),
		url:    urlString(ev.URL),
		status: ev.Status,
	})
}

// mergeSamples returns the first limit samples of dst and src (src's
// sequence numbers shifted by off), in event order.
func mergeSamples(dst, src []sample, off int64, limit int) []sample {
	for _, x := range src {
		x.seq += off
		dst = append(dst, x)
	}
	slices.SortStableFunc(dst, func(a, b sample) int { return cmp.Compare(a.seq, b.seq) })
	if len(dst) > limit {
		dst = dst[:limit:limit]
	}
	return dst
}

// minTime returns the earlier of a and b, ignoring zero times.
func minTime(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

// maxTime returns the later of a and b, ignoring zero times.
func maxTime(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.After(a)) {
		return b
	}
	return a
}

// ShiftLines adds delta to the line number of every sample in s. A file
// scanned in parts numbers each part's lines from 1; shifting a part by the
// lines before it gives the file's own numbers.
func (s *Summary) ShiftLines(delta int) {
	shift := func(xs []sample) {
		for i := range xs {
			xs[i].line += delta
		}
	}
	for _, t := range []*capped[string, finding, *finding]{&s.esc, &s.rev} {
		for i := range t.ents {
			shift(t.ents[i].val.samples)
		}
		shift(t.other.samples)
	}
	shift(s.noBody)
	if s.rows != nil {
		s.rows.shift += delta
	}
}

// Incomplete returns the number of inputs that could not be read whole.
func (s *Summary) Incomplete() int {
	n := 0
	for _, in := range s.inputs {
		if !in.Complete {
			n++
		}
	}
	return n
}
