// Package summary aggregates the events found in Sync logs into a Summary in
// bounded memory: totals, tables of keys capped at Limits.Keys, samples, a
// timeline and the inputs read. Summaries of separate inputs merge in input
// order into the Summary of one run over all of them. It does no IO and
// knows nothing of report formats (see package report).
package summary

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"synclog/internal/classify"
	"synclog/internal/parse"
)

// Default limits, used when a Limits field is zero or less.
const (
	DefaultSamples = 5
	DefaultKeys    = 200
	DefaultInputs  = 1000
)

// MaxKeyBytes is how much of a free-text key (an unknown body, a network
// error detail) is kept, cut at a UTF-8 boundary.
const MaxKeyBytes = 120

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
	// Inputs is how many input rows are kept (see AddInput): those not
	// read whole or with warnings first, then the others, each in input
	// order. The rest are only counted, in FoldedInputs. Zero or less
	// means DefaultInputs.
	Inputs int
}

// Input is the statistics of one input file.
type Input struct {
	Path   string // name as given on the command line
	Format string // "plain", "gzip", "zstd" or "bzip2"
	// Layout is the record layout found ("desktop", "logcat", "ios",
	// "access", "mozlog"); "" when no record was recognised.
	Layout string
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
	// Fingerprint identifies the input by its first decoded bytes (see
	// state.Fingerprint); "" when none was decoded.
	Fingerprint string
}

// A Total names one counter of a Summary; Totals holds them all. Adding a
// counter is a constant here and its increment in Add; the report formats
// that show it name it too.
type Total int

const (
	Responses     Total = iota // HTTP responses, any status
	Failed                     // responses with status 400 or more
	Bodies                     // responses whose body was classified
	ServerCode                 // bodies of class server_code
	Infra                      // bodies of class infra
	UnknownBodies              // bodies of class unknown
	Escalations                // infra values in an HTTP 503 (see Escalates)
	Reviews                    // infra values in any other status
	NoBody503                  // HTTP 503 responses with no body in the log
	NetworkErrors              // requests that got no HTTP response
	Backoffs                   // backoff headers and notices
	OtherEvents                // events of any other kind
	// CutBodies counts bodies cut (at the body limit) while every byte
	// kept was compared with the table: had they been whole, they might
	// have matched a key, so they could hide an escalation.
	CutBodies
	NumTotals // the number of totals
)

// Totals holds the counters of a Summary, indexed by Total.
type Totals [NumTotals]int64

// kindTotal is the Total of the bodies of each class.
var kindTotal = [classify.NumKinds]Total{
	classify.ServerCode: ServerCode, classify.Infra: Infra, classify.Unknown: UnknownBodies,
}

// KindTotal returns the Total that counts the bodies of class kind k
// (k < classify.NumKinds).
func KindTotal(k classify.Kind) Total { return kindTotal[k] }

// Escalates reports whether a response of HTTP status status whose body
// has class c (nil when it had none or was not classified) must go to
// Services Operations: an infra value in a 503. It is the one place that
// rule is written.
func Escalates(status int, c *classify.Class) bool {
	return status == 503 && c != nil && c.Kind == classify.Infra
}

// Summary aggregates events and input statistics in bounded memory (see
// Limits). The zero value is not usable: call New.
// A Summary is not safe for concurrent use.
type Summary struct {
	Limits Limits
	Events int64 // events added, the sequence number of the last one
	Totals Totals

	Classes           [classify.NumKinds]Table[string, ClassAgg, *ClassAgg] // by classify.Kind
	Escalated, Review Table[string, Finding, *Finding]                      // infra in 503, infra elsewhere
	FailedStatus      Counts[int]
	FailedHost        Table[string, Node, *Node]
	Timeline          Timeline // failed responses over time
	NoBody            []Sample // 503 responses with no body
	NetErrors         Table[string, NetErr, *NetErr]
	Backoff           Table[string, Backoff, *Backoff]
	Inputs            []Input      // at most Limits.Inputs rows (see AddInput)
	FoldedInputs      FoldedInputs // the inputs read but not kept as rows
	Skipped           []Skip       // the first Limits.Keys entries passed over
	SkippedMore       int64        // entries passed over beyond those
	// Redacted reports that everything in s came from Redacted reports
	// (see ReadJSON): Render then says so even without Options.Redact.
	Redacted bool
	// Filters records what narrowed the run, so that a report says what
	// it covers.
	Filters Filters
	// Problems are what kept the run from reading everything it was given
	// that no input row records: a folder that could not be walked, a
	// folder with nothing to read. Each makes the report incomplete. The
	// first Limits.Keys are kept; ProblemsMore counts the rest.
	Problems     []string
	ProblemsMore int64

	allNotable bool // every row of Inputs is notable (see AddInput)
}

// Filters are the options that narrowed a run: the time window, the
// folder walk's patterns, and the rule that makes exit status 1.
type Filters struct {
	Since, Until     time.Time // zero: no bound
	Include, Exclude []string
	// Hosts, Keys and Statuses are --host, --key and --status: only the
	// events that pass them were kept (see scan.Narrow).
	Hosts, Keys []string
	Statuses    []int
	// FailOn is the --fail-on rule: "escalation" (also for ""), "review",
	// "unknown" or "never" (see Fails).
	FailOn string
	// Shard is the part of the inputs the run covered (--shard K/N);
	// merged reports of shards of one N add up theirs.
	Shard Shards
	// Mixed reports that merged reports were made with different
	// filters; the others fields are the first report's.
	Mixed bool
}

// ShardedArchive is the warning on the row of a tar archive read by a
// run of one shard (scan --shard): every shard reads the archive, and
// counts only its own members. The warning also keeps the row listed
// (see AddInput), so that merge can list the archive once; merge drops it
// once every shard is in.
const ShardedArchive = "read by every shard; this report counts only the members of its own (--shard)"

// Shards are the shards Ks (1-based, sorted, each once) of N that a report
// covers: one for a scan --shard K/N, more once such reports are merged.
// N 0 is no sharding. Reports of different N do not add up.
type Shards struct {
	N  int
	Ks []int
}

// Whole reports whether s covers every input: no sharding, or all N
// shards.
func (s *Shards) Whole() bool { return s.N == 0 || len(s.Ks) == s.N }

// String formats s as "K/N", or "K1,K2/N" for several shards, and "" when
// s is Whole.
func (s *Shards) String() string {
	if s.Whole() {
		return ""
	}
	ks := make([]string, len(s.Ks))
	for i, k := range s.Ks {
		ks[i] = strconv.Itoa(k)
	}
	return strings.Join(ks, ",") + "/" + strconv.Itoa(s.N)
}

// Missing returns the shards of N that s does not cover.
func (s *Shards) Missing() []int {
	var out []int
	for k := 1; k <= s.N; k++ {
		if _, found := slices.BinarySearch(s.Ks, k); !found {
			out = append(out, k)
		}
	}
	return out
}

// merge adds o's shards to s's, and reports whether they add up: both of
// the same N (or neither sharded).
func (s *Shards) merge(o *Shards) bool {
	if s.N != o.N {
		return false
	}
	for _, k := range o.Ks {
		if i, found := slices.BinarySearch(s.Ks, k); !found {
			s.Ks = slices.Insert(s.Ks, i, k)
		}
	}
	return true
}

// Equal reports whether f and o narrow a run the same way (FailOn
// narrows nothing; the shards of one N add up, see Shards).
func (f *Filters) Equal(o *Filters) bool {
	return f.Since.Equal(o.Since) && f.Until.Equal(o.Until) && slices.Equal(f.Include, o.Include) &&
		slices.Equal(f.Exclude, o.Exclude) && slices.Equal(f.Hosts, o.Hosts) && slices.Equal(f.Keys, o.Keys) &&
		slices.Equal(f.Statuses, o.Statuses)
}

// AddProblem records a run-level problem (see Summary.Problems).
func (s *Summary) AddProblem(p string) {
	if len(s.Problems) >= s.Limits.Keys {
		s.ProblemsMore++
		return
	}
	s.Problems = append(s.Problems, p)
}

// FailOn returns the totals that the --fail-on rule counts (see
// Filters.FailOn): escalations, also reviews, also unknown bodies, or none
// ("never"). It is the one place the rules are written.
func FailOn(rule string) []Total {
	switch rule {
	case "never":
		return nil
	case "unknown":
		return []Total{Escalations, Reviews, UnknownBodies}
	case "review":
		return []Total{Escalations, Reviews}
	}
	return []Total{Escalations}
}

// Fails reports whether s holds what the --fail-on rule names.
func (s *Summary) Fails(rule string) bool {
	for _, t := range FailOn(rule) {
		if s.Totals[t] > 0 {
			return true
		}
	}
	return false
}

// New returns an empty Summary that keeps at most l's samples and
// keys (zero fields take the defaults).
func New(l Limits) *Summary {
	if l.Samples <= 0 {
		l.Samples = DefaultSamples
	}
	if l.Keys <= 0 {
		l.Keys = DefaultKeys
	}
	if l.Inputs <= 0 {
		l.Inputs = DefaultInputs
	}
	s := &Summary{Limits: l}
	return s
}

// Escalations returns the number of responses that carry an infra string
// in an HTTP 503: the ones to escalate to Services Operations.
func (s *Summary) Escalations() int { return int(s.Totals[Escalations]) }

// Reviews returns the number of responses with an infra value outside a
// 503, and Unknown the number of classified bodies of the unknown class.
func (s *Summary) Reviews() int { return int(s.Totals[Reviews]) }

// Unknown returns the number of classified bodies of the unknown class.
func (s *Summary) Unknown() int { return int(s.Totals[UnknownBodies]) }

// Skip is an entry that a folder walk, or the scan of an archive, passed
// over without reading it, and why ("hidden", "excluded", "symlink (use
// --follow)", "not a regular file: directory", ...).
type Skip struct{ Path, Why string }

// AddSkipped records that path was passed over, and why, so that the report
// can say what was not read. The first Limits.Keys are kept; the rest are
// only counted.
func (s *Summary) AddSkipped(path, why string) {
	if len(s.Skipped) >= s.Limits.Keys {
		s.SkippedMore++
		return
	}
	s.Skipped = append(s.Skipped, Skip{Path: path, Why: why})
}

// Add records one event. c is the class of the response body, or nil when
// the body was not classified (no body, or a 2xx/3xx response whose body is
// data); c is ignored for events other than responses. Add copies what it
// keeps of ev and c, so both may be reused after the call. Recording a
// response that has no class does not allocate.
func (s *Summary) Add(ev *parse.Event, c *classify.Class) {
	s.Events++
	switch ev.Kind {
	case parse.KindResponse:
		s.addResponse(ev, c)
	case parse.KindNetworkError:
		s.Totals[NetworkErrors]++
		a := slotBytes(&s.NetErrors, CutUTF8(ev.Detail, MaxKeyBytes), s.Events, s.Limits.Keys)
		a.N++
		slotBytes(&a.Hosts, HostOf(ev.URL), s.Events, s.Limits.Keys).inc()
	case parse.KindBackoff:
		s.Totals[Backoffs]++
		a := slotBytes(&s.Backoff, CutUTF8(ev.Detail, MaxKeyBytes), s.Events, s.Limits.Keys)
		a.add(ev.Seconds)
	default:
		s.Totals[OtherEvents]++
	}
}

func (s *Summary) addResponse(ev *parse.Event, c *classify.Class) {
	s.Totals[Responses]++
	esc := Escalates(ev.Status, c)
	if ev.Status >= 400 {
		s.addFailed(ev, esc)
	}
	if ev.Status == 503 && !ev.HasBody {
		s.Totals[NoBody503]++
		addSample(&s.NoBody, ev, s.Events, s.Limits.Samples)
	}
	if c == nil {
		return
	}
	s.Totals[Bodies]++
	if ev.BodyCut && c.Whole {
		s.Totals[CutBodies]++
	}
	kind := KindOf(c)
	s.Totals[kindTotal[kind]]++
	ca := keySlotOf(&s.Classes[kind], c, s.Events, s.Limits.Keys)
	ca.N++
	if ca.Desc == "" {
		ca.Desc = c.Description
	}
	ca.Statuses.slot(ev.Status, s.Events, s.Limits.Keys).inc()
	if kind == classify.Infra {
		s.addInfra(ev, c, esc)
	}
}

// KindOf is c's kind as the report counts it, Unknown for a body with no class.
func KindOf(c *classify.Class) classify.Kind {
	if c == nil || c.Kind >= classify.NumKinds {
		return classify.Unknown
	}
	return c.Kind
}

// addFailed records a response of status 400 or more in the tables of
// failed responses.
func (s *Summary) addFailed(ev *parse.Event, esc bool) {
	s.Totals[Failed]++
	is503 := ev.Status == 503
	s.FailedStatus.slot(ev.Status, s.Events, s.Limits.Keys).inc()
	slotBytes(&s.FailedHost, HostOf(ev.URL), s.Events, s.Limits.Keys).add(ev.Time, is503, esc)
	s.Timeline.add(ev.Time, is503, esc)
}

// addInfra records an infra value: escalated when esc, else to review.
func (s *Summary) addInfra(ev *parse.Event, c *classify.Class, esc bool) {
	t := &s.Review
	if esc {
		t = &s.Escalated
		s.Totals[Escalations]++
	} else {
		s.Totals[Reviews]++
	}
	f := keySlotOf(t, c, s.Events, s.Limits.Keys)
	f.N++
	if f.Desc == "" {
		f.Desc = c.Description
	}
	f.First, f.Last = minTime(f.First, ev.Time), maxTime(f.Last, ev.Time)
	slotBytes(&f.Hosts, HostOf(ev.URL), s.Events, s.Limits.Keys).inc()
	f.Statuses.slot(ev.Status, s.Events, s.Limits.Keys).inc()
	addSample(&f.Samples, ev, s.Events, s.Limits.Samples)
}

// KeyOf returns the key c is counted under: c.Key, or for unknown free
// text the text itself cut to MaxKeyBytes (as keySlotOf does).
func KeyOf(c *classify.Class) string {
	if c.Key != "" {
		return c.Key
	}
	return string(CutUTF8(c.Text, MaxKeyBytes))
}

// keySlotOf returns the slot of c's key in t: c.Key, or for unknown free text
// (Key == "") the text itself cut to MaxKeyBytes.
func keySlotOf[V any, P merger[V]](t *Table[string, V, P], c *classify.Class, seq int64, limit int) *V {
	if c.Key != "" {
		return t.slot(c.Key, seq, limit)
	}
	return slotBytes(t, CutUTF8(c.Text, MaxKeyBytes), seq, limit)
}

// Merge adds o into s, as if every event and input added to o had been
// added to s after s's own. Merging per-file summaries in input order gives
// the same Summary as one fed every event in order, as long as no map of a
// per-file summary went past Limits.Keys. When one did, the totals, the
// kept keys and the sum of every list are still the same, but the events
// that the part folded into "(other)" stay there even when s keeps their
// key (a bounded part cannot know which keys earlier parts keep). The
// input rows kept are the same (see AddInput) unless o kept fewer rows
// than s's Limits.Inputs allow: the rows o folded stay folded. s's
// Limits apply. o is not changed and shares no memory with s afterwards.
// s stays marked redacted (see ReadJSON) only if both were, or one is empty.
func (s *Summary) Merge(o *Summary) {
	if o == s {
		c := New(s.Limits)
		c.Merge(s)
		o = c
	}
	first := s.Events == 0 && s.NumInputs() == 0 && len(s.Skipped) == 0
	switch {
	case o.Events == 0 && o.NumInputs() == 0 && len(o.Skipped) == 0: // o holds nothing
	case first:
		s.Redacted = o.Redacted
	default: // redacted only if both were
		s.Redacted = s.Redacted && o.Redacted
	}
	off := s.Events
	l := &s.Limits
	for i := range s.Totals {
		s.Totals[i] += o.Totals[i]
	}
	for i := range s.Classes {
		s.Classes[i].merge(&o.Classes[i], off, l, l.Keys)
	}
	s.Escalated.merge(&o.Escalated, off, l, l.Keys)
	s.Review.merge(&o.Review, off, l, l.Keys)
	s.FailedStatus.merge(&o.FailedStatus, off, l, l.Keys)
	s.FailedHost.merge(&o.FailedHost, off, l, l.Keys)
	s.Timeline.merge(&o.Timeline)
	s.NoBody = mergeSamples(s.NoBody, o.NoBody, off, l.Samples)
	s.NetErrors.merge(&o.NetErrors, off, l, l.Keys)
	s.Backoff.merge(&o.Backoff, off, l, l.Keys)
	s.mergeInputs(o)
	for _, x := range o.Skipped {
		s.AddSkipped(x.Path, x.Why)
	}
	s.SkippedMore += o.SkippedMore
	for _, p := range o.Problems {
		// The same problem twice says nothing more (every shard of a
		// folder that cannot be walked says so).
		if !slices.Contains(s.Problems, p) {
			s.AddProblem(p)
		}
	}
	s.ProblemsMore += o.ProblemsMore
	s.mergeFilters(&o.Filters, first)
	s.Events += o.Events
}

// mergeFilters takes o's filters when s was empty (first), else marks
// them mixed where they differ.
func (s *Summary) mergeFilters(o *Filters, first bool) {
	switch {
	case first:
		s.Filters = *o
		s.Filters.Include = slices.Clone(o.Include)
		s.Filters.Exclude = slices.Clone(o.Exclude)
		s.Filters.Hosts = slices.Clone(o.Hosts)
		s.Filters.Keys = slices.Clone(o.Keys)
		s.Filters.Statuses = slices.Clone(o.Statuses)
		s.Filters.Shard.Ks = slices.Clone(o.Shard.Ks)
	default:
		added := s.Filters.Shard.merge(&o.Shard)
		if !added || !s.Filters.Equal(o) || o.Mixed {
			s.Filters.Mixed = true
		}
	}
}

// ClassAgg is one row of the class table.
type ClassAgg struct {
	N        int64
	Desc     string
	Statuses Counts[int]
}

func (a *ClassAgg) merge(o *ClassAgg, off int64, l *Limits) {
	a.N += o.N
	if a.Desc == "" {
		a.Desc = o.Desc
	}
	a.Statuses.merge(&o.Statuses, off, l, l.Keys)
}

// Finding is one infra key, escalated (in a 503) or to review.
type Finding struct {
	N           int64
	Desc        string
	First, Last time.Time // zero when no event carried a time
	Hosts       Counts[string]
	Statuses    Counts[int]
	Samples     []Sample
}

func (f *Finding) merge(o *Finding, off int64, l *Limits) {
	f.N += o.N
	if f.Desc == "" {
		f.Desc = o.Desc
	}
	f.First, f.Last = minTime(f.First, o.First), maxTime(f.Last, o.Last)
	f.Hosts.merge(&o.Hosts, off, l, l.Keys)
	f.Statuses.merge(&o.Statuses, off, l, l.Keys)
	f.Samples = mergeSamples(f.Samples, o.Samples, off, l.Samples)
}

// Node is one host (storage node) of failed responses.
type Node struct {
	N, N503, Esc int64
	First, Last  time.Time // zero when no event carried a time
}

func (a *Node) add(t time.Time, is503, esc bool) {
	a.N++
	if is503 {
		a.N503++
	}
	if esc {
		a.Esc++
	}
	a.First, a.Last = minTime(a.First, t), maxTime(a.Last, t)
}

func (a *Node) merge(o *Node, _ int64, _ *Limits) {
	a.N += o.N
	a.N503 += o.N503
	a.Esc += o.Esc
	a.First, a.Last = minTime(a.First, o.First), maxTime(a.Last, o.Last)
}

// NetErr is one network error detail.
type NetErr struct {
	N     int64
	Hosts Counts[string]
}

func (a *NetErr) merge(o *NetErr, off int64, l *Limits) {
	a.N += o.N
	a.Hosts.merge(&o.Hosts, off, l, l.Keys)
}

// Backoff is one backoff header or notice.
type Backoff struct {
	N   int64
	Max float64 // largest delay asked for, in seconds
}

func (a *Backoff) add(sec float64) {
	if a.N == 0 || sec > a.Max {
		a.Max = sec
	}
	a.N++
}

func (a *Backoff) merge(o *Backoff, _ int64, _ *Limits) {
	if o.N == 0 {
		return
	}
	if a.N == 0 || o.Max > a.Max {
		a.Max = o.Max
	}
	a.N += o.N
}

// Sample locates one response in the input. url has no userinfo.
type Sample struct {
	Seq    int64
	File   string
	Line   int
	Time   time.Time
	Method string
	URL    string
	Status int
}

// addSample appends ev to *dst unless it already holds limit samples.
func addSample(dst *[]Sample, ev *parse.Event, seq int64, limit int) {
	if len(*dst) >= limit {
		return
	}
	*dst = append(*dst, Sample{
		Seq:    seq,
		File:   ev.File,
		Line:   ev.Line,
		Time:   ev.Time,
		Method: string(ev.Method),
		URL:    URLString(ev.URL),
		Status: ev.Status,
	})
}

// mergeSamples returns the first limit samples of dst and src (src's
// sequence numbers shifted by off), in event order.
func mergeSamples(dst, src []Sample, off int64, limit int) []Sample {
	for _, x := range src {
		x.Seq += off
		dst = append(dst, x)
	}
	slices.SortStableFunc(dst, func(a, b Sample) int { return cmp.Compare(a.Seq, b.Seq) })
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
	shift := func(xs []Sample) {
		for i := range xs {
			xs[i].Line += delta
		}
	}
	for _, t := range []*Table[string, Finding, *Finding]{&s.Escalated, &s.Review} {
		for i := range t.Ents {
			shift(t.Ents[i].Val.Samples)
		}
		shift(t.Other.Samples)
	}
	shift(s.NoBody)
}

// Whole reports whether s covers everything its run was given: every
// input read whole (and a Sync log), no body cut before it could be
// classified, no problem of the run itself. A report of s that is not
// Whole and has no escalation is INCOMPLETE, never OK.
func (s *Summary) Whole() bool {
	return s.Incomplete() == 0 && s.Totals[CutBodies] == 0 && len(s.Problems) == 0 && s.ProblemsMore == 0
}

// Incomplete returns the number of inputs that could not be read whole,
// folded ones included.
func (s *Summary) Incomplete() int64 {
	n := s.FoldedInputs.Incomplete
	for _, in := range s.Inputs {
		if !in.Complete {
			n++
		}
	}
	return n
}
