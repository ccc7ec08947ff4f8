package report

import (
	"fmt"
	"math"
	"strconv"

	"synclog/internal/classify"
	"synclog/internal/summary"
)

// check returns an error naming the first count of the report j that no
// scan could have written: a negative count or sequence number, counts
// that add up to more than an int64 holds, or counts that disagree where
// every report scan writes has them agree, because summary.Add counts
// each event in the totals and in every list that shows it. Merged, such
// a report could turn escalations into an OK, so ReadJSON refuses it
// rather than guess which count is right. Keys that older reports lack
// (the timeline, per-host escalations) are held to "at most". The kinds
// of j's classes must be set (builder.classes).
func check(j *view) error {
	c := &checker{}
	for i, k := range totalKeys {
		if k != "" {
			c.count("totals."+k, j.Totals[i])
		}
	}
	if j.Events != nil {
		c.count("events", *j.Events)
	}
	c.inputs(j.Inputs)
	c.foldedInputs(j)
	c.classes(j.Classes, &j.Totals, j.Folded.Classes)
	c.findings(summary.Escalations, j.Escalations, &j.Totals, j.Folded.Escalations)
	c.findings(summary.Reviews, j.Reviews, &j.Totals, j.Folded.Reviews)
	c.failed(j)
	c.timeline(&j.Timeline, &j.Totals)
	c.netErrs(j.NetworkErrors, &j.Totals, j.Folded.NetworkErrors)
	c.backoffs(j.Backoff, &j.Totals, j.Folded.Backoff)
	c.samples("no_body_503_samples", j.NoBody503Samples)
	c.count("folded.skipped", j.Folded.Skipped)
	c.totals(j)
	return c.err
}

// checker keeps the first inconsistency found in a report.
type checker struct{ err error }

func (c *checker) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf(format, args...)
	}
}

// count checks that the count what is not negative, and returns it (0
// when it is negative).
func (c *checker) count(what string, n int64) int64 {
	if n < 0 {
		c.fail("%s is %d (counts cannot be negative)", what, n)
		return 0
	}
	return n
}

// seq checks a sequence number; nil is an absent one.
func (c *checker) seq(what string, p *int64) {
	if p != nil && *p < 0 {
		c.fail("%s is %d (sequence numbers cannot be negative)", what, *p)
	}
}

// seqs checks a list of sequence numbers.
func (c *checker) seqs(what string, xs []int64) {
	for i := range xs {
		c.seq(fmt.Sprintf("%s[%d]", what, i), &xs[i])
	}
}

// countSum adds up counts that are not negative, noting when the sum
// would not fit in an int64.
type countSum struct {
	n    int64
	over bool
}

func (s *countSum) add(n int64) {
	if n > math.MaxInt64-s.n {
		s.over = true
		return
	}
	s.n += n
}

// agree checks that the count what, n, equals s, the sum of the counts
// that of names.
func (c *checker) agree(what string, n int64, of string, s countSum) {
	switch {
	case s.over:
		c.fail("%s add up to more than %d", of, int64(math.MaxInt64))
	case s.n != n:
		c.fail("%s is %d, but %s add up to %d", what, n, of, s.n)
	}
}

// atMost checks that s, the sum of the counts that of names, is at most
// the count bound, max.
func (c *checker) atMost(of string, s countSum, bound string, max int64) {
	switch {
	case s.over:
		c.fail("%s add up to more than %d", of, int64(math.MaxInt64))
	case s.n > max:
		c.fail("%s add up to %d, more than %s (%d)", of, s.n, bound, max)
	}
}

// notAbove checks that the count what, n, is at most the count bound,
// max.
func (c *checker) notAbove(what string, n int64, bound string, max int64) {
	if n > max {
		c.fail("%s is %d, more than %s (%d)", what, n, bound, max)
	}
}

// statuses checks a table of statuses and returns the sum of its counts
// and the count of its "other" bucket.
func (c *checker) statuses(what string, st statusCounts) (all, other countSum) {
	for _, x := range st {
		key := "other"
		if !x.Other {
			key = strconv.Itoa(x.Status)
		}
		n := c.count(fmt.Sprintf("%s[%q]", what, key), x.Count)
		all.add(n)
		if x.Other {
			other.add(n)
		}
	}
	return all, other
}

// firstSeqs checks the sequence numbers of a table of statuses.
func (c *checker) firstSeqs(what string, st statusCounts) {
	for _, x := range st {
		c.seq(fmt.Sprintf("%s[%q]", what, strconv.Itoa(x.Status)), &x.Count)
	}
}

// samples checks the sequence numbers of samples.
func (c *checker) samples(what string, xs []viewSample) {
	for i := range xs {
		c.seq(fmt.Sprintf("%s[%d].seq", what, i), xs[i].Seq)
	}
}

// folded checks folded.key, the count of the events that the list named
// list folded into its "(other)" row: the last of rows, whose count is
// last (see otherRow).
func (c *checker) folded(key string, folded int64, list string, rows int, last int64) {
	if c.count("folded."+key, folded) > 0 && rows > 0 && last != folded {
		c.fail("folded.%s is %d, but the %s row of %s counts %d", key, folded, otherKey, list, last)
	}
}

// inputs checks the counts of the input rows.
func (c *checker) inputs(ins []viewInput) {
	for i := range ins {
		in := &ins[i]
		at := fmt.Sprintf("inputs[%d].", i)
		for _, x := range []struct {
			key string
			n   int64
		}{
			{"bytes", in.Bytes}, {"decoded_bytes", in.DecodedBytes}, {"lines", in.Lines},
			{"records", in.Records}, {"long_lines", in.LongLines},
			{"unverified_events", in.UnverifiedEvents}, {"unverified_escalations", in.UnverifiedEscalations},
		} {
			c.count(at+x.key, x.n)
		}
		c.notAbove(at+"unverified_escalations", in.UnverifiedEscalations, at+"unverified_events", in.UnverifiedEvents)
	}
}

// foldedInputs checks folded_inputs, and that its counts and the rows'
// add up to no more than an int64 holds (folding rows adds them up).
func (c *checker) foldedInputs(j *view) {
	var fo summary.FoldedInputs
	if f := j.FoldedInputs; f != nil {
		c.foldedCounts(f)
		fo = foldedOf(f)
	}
	if c.err != nil {
		return
	}
	row := func(i int) *summary.Input { return (*summary.Input)(&j.Inputs[i]) }
	for k, sum := range inputTotals(len(j.Inputs), row, &fo) {
		if sum.over {
			c.fail("inputs and folded_inputs: the %s add up to more than %d", inputFields[k].what, int64(math.MaxInt64))
		}
	}
}

// foldedCounts checks the counts of folded_inputs against each other.
func (c *checker) foldedCounts(f *viewFoldedInputs) {
	for _, x := range []struct {
		key string
		n   int64
	}{
		{"inputs", f.Inputs}, {"bytes", f.Bytes}, {"decoded_bytes", f.DecodedBytes}, {"lines", f.Lines},
		{"records", f.Records}, {"long_lines", f.LongLines}, {"incomplete", f.Incomplete}, {"warned", f.Warned},
		{"unverified_events", f.UnverifiedEvents}, {"unverified_escalations", f.UnverifiedEscalations},
		{"unlisted_fingerprints", f.UnlistedPrints},
	} {
		c.count("folded_inputs."+x.key, x.n)
	}
	var some, printed countSum
	some.add(f.Incomplete)
	some.add(f.Warned)
	c.atMost("folded_inputs.incomplete and warned", some, "folded_inputs.inputs", f.Inputs)
	c.notAbove("folded_inputs.unverified_escalations", f.UnverifiedEscalations, "folded_inputs.unverified_events", f.UnverifiedEvents)
	printed.add(int64(len(f.Prints)))
	printed.add(max(f.UnlistedPrints, 0))
	c.atMost("folded_inputs.fingerprint_prefixes and unlisted_fingerprints", printed, "folded_inputs.inputs", f.Inputs)
	c.notAbove("the number of folded_inputs.fingerprint_prefixes", int64(len(f.Prints)), "the most a report lists", summary.MaxFoldedPrints)
}

// foldedOf is the part of f that inputFields read (prints are counted,
// not listed).
func foldedOf(f *viewFoldedInputs) summary.FoldedInputs {
	return summary.FoldedInputs{N: f.Inputs, Bytes: f.Bytes, DecodedBytes: f.DecodedBytes, Lines: f.Lines,
		Records: f.Records, LongLines: f.LongLines, Incomplete: f.Incomplete, Warned: f.Warned,
		UnverifiedEvents: f.UnverifiedEvents, UnverifiedEscalations: f.UnverifiedEscalations,
		Printed: int64(len(f.Prints)) + f.UnlistedPrints}
}

// inputField is a count that folding input rows adds up (see
// summary.FoldedInputs): what it counts, its value for one row, and the
// folded inputs' value.
type inputField struct {
	what   string
	row    func(in *summary.Input) int64
	folded func(f *summary.FoldedInputs) int64
}

// inputFields are the counts of summary.FoldedInputs.
var inputFields = []inputField{
	{"inputs", func(*summary.Input) int64 { return 1 }, func(f *summary.FoldedInputs) int64 { return f.N }},
	{"bytes", func(in *summary.Input) int64 { return in.Bytes }, func(f *summary.FoldedInputs) int64 { return f.Bytes }},
	{"decoded bytes", func(in *summary.Input) int64 { return in.DecodedBytes }, func(f *summary.FoldedInputs) int64 { return f.DecodedBytes }},
	{"lines", func(in *summary.Input) int64 { return in.Lines }, func(f *summary.FoldedInputs) int64 { return f.Lines }},
	{"records", func(in *summary.Input) int64 { return in.Records }, func(f *summary.FoldedInputs) int64 { return f.Records }},
	{"long lines", func(in *summary.Input) int64 { return in.LongLines }, func(f *summary.FoldedInputs) int64 { return f.LongLines }},
	{"inputs not read whole", func(in *summary.Input) int64 { return oneIf(!in.Complete) },
		func(f *summary.FoldedInputs) int64 { return f.Incomplete }},
	{"inputs with warnings", func(in *summary.Input) int64 { return oneIf(in.Complete && len(in.Warnings) > 0) },
		func(f *summary.FoldedInputs) int64 { return f.Warned }},
	{"unverified events", func(in *summary.Input) int64 { return in.UnverifiedEvents },
		func(f *summary.FoldedInputs) int64 { return f.UnverifiedEvents }},
	{"unverified escalations", func(in *summary.Input) int64 { return in.UnverifiedEscalations },
		func(f *summary.FoldedInputs) int64 { return f.UnverifiedEscalations }},
	{"fingerprints", func(in *summary.Input) int64 { return oneIf(in.Fingerprint != "") },
		func(f *summary.FoldedInputs) int64 { return f.Printed }},
}

func oneIf(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// inputTotals adds up each of inputFields over the n rows (row(i) is the
// i-th) and folded, counts that are not negative; a sum that does not fit
// in an int64 is marked over.
func inputTotals(n int, row func(i int) *summary.Input, folded *summary.FoldedInputs) []countSum {
	sums := make([]countSum, len(inputFields))
	for k, x := range inputFields {
		sums[k].add(x.folded(folded))
	}
	for i := range n {
		in := row(i)
		for k, x := range inputFields {
			sums[k].add(x.row(in))
		}
	}
	return sums
}

// classes checks the class rows against their statuses, the totals of
// each class and folded.classes.
func (c *checker) classes(cs []viewClass, t *viewTotals, folded int64) {
	var byKind [classify.NumKinds]countSum
	var other countSum
	for i := range cs {
		x := &cs[i]
		at := fmt.Sprintf("classes[%d]", i)
		n := c.count(at+".count", x.Count)
		c.seq(at+".first_seq", x.FirstSeq)
		c.firstSeqs(at+".status_first_seq", x.StatusFirstSeq)
		st, _ := c.statuses(at+".statuses", x.Statuses)
		c.agree(at+".count", n, at+".statuses", st)
		byKind[x.kind].add(n)
		if x.Other {
			other.add(n)
		}
	}
	for k := range byKind {
		kind := classify.Kind(k)
		tot := summary.KindTotal(kind)
		c.agree("totals."+totalKeys[tot], t[tot], "the counts of class "+kind.String()+" in classes", byKind[k])
	}
	c.agree("folded.classes", c.count("folded.classes", folded), "the counts of the "+otherKey+" rows in classes", other)
}

// findings checks the rows of escalations or reviews (counted by total)
// against their statuses, the total and its folded count.
func (c *checker) findings(total summary.Total, fs []viewFinding, t *viewTotals, folded int64) {
	list := totalKeys[total]
	var all, other countSum
	for i := range fs {
		f := &fs[i]
		at := fmt.Sprintf("%s[%d]", list, i)
		n := c.count(at+".count", f.Count)
		c.seq(at+".first_seq", f.FirstSeq)
		c.seqs(at+".host_first_seq", f.HostFirstSeq)
		c.firstSeqs(at+".status_first_seq", f.StatusFirstSeq)
		c.samples(at+".samples", f.Samples)
		st, _ := c.statuses(at+".statuses", f.Statuses)
		c.agree(at+".count", n, at+".statuses", st)
		all.add(n)
		if f.Other {
			other.add(n)
		}
	}
	c.agree("totals."+list, t[total], "the counts in "+list, all)
	c.agree("folded."+list, c.count("folded."+list, folded), "the counts of the "+otherKey+" row in "+list, other)
}

// failed checks the failed responses by status and by host against
// totals.failed_responses.
func (c *checker) failed(j *view) {
	failed := j.Totals[summary.Failed]
	st, other := c.statuses("failed_by_status", j.FailedByStatus)
	c.firstSeqs("failed_by_status_first_seq", j.FailedByStatusFirstSeq)
	c.agree("totals.failed_responses", failed, "the counts in failed_by_status", st)
	c.agree("folded.failed_by_status", c.count("folded.failed_by_status", j.Folded.FailedByStatus),
		`the "other" count in failed_by_status`, other)
	var all, esc countSum
	var last int64
	for i, h := range j.FailedByHost {
		at := fmt.Sprintf("failed_by_host[%d]", i)
		n := c.count(at+".count", h.Count)
		n503 := c.count(at+".status_503", h.Status503)
		e := c.count(at+".escalations", h.Escalations)
		c.seq(at+".first_seq", h.FirstSeq)
		c.notAbove(at+".escalations", e, at+".status_503", n503)
		c.notAbove(at+".status_503", n503, at+".count", n)
		all.add(n)
		esc.add(e)
		last = n
	}
	c.agree("totals.failed_responses", failed, "the counts in failed_by_host", all)
	c.atMost("the escalations in failed_by_host", esc, "totals.escalations", j.Totals[summary.Escalations])
	c.folded("failed_by_host", j.Folded.FailedByHost, "failed_by_host", len(j.FailedByHost), last)
}

// timeline checks the timeline against totals.failed_responses: every
// failed response is in a bucket or untimed. The bucket counts themselves
// are checked as the timeline is read (timelineFromJSON).
func (c *checker) timeline(tl *viewTimeline, t *viewTotals) {
	var failed, esc countSum
	failed.add(c.count("timeline.untimed", tl.Untimed))
	for _, b := range tl.Buckets {
		failed.add(b.Failed)
		esc.add(b.Escalations)
	}
	if tl.BucketSeconds != 0 {
		c.agree("totals.failed_responses", t[summary.Failed], "the failed responses in timeline (untimed included)", failed)
	} else { // a report written before timelines
		c.atMost("the failed responses in timeline", failed, "totals.failed_responses", t[summary.Failed])
	}
	c.atMost("the escalations in timeline", esc, "totals.escalations", t[summary.Escalations])
}

// netErrs checks the network errors against their total.
func (c *checker) netErrs(ne []viewNetErr, t *viewTotals, folded int64) {
	var all countSum
	var last int64
	for i := range ne {
		at := fmt.Sprintf("network_errors_by_detail[%d]", i)
		last = c.count(at+".count", ne[i].Count)
		c.seq(at+".first_seq", ne[i].FirstSeq)
		c.seqs(at+".host_first_seq", ne[i].HostFirstSeq)
		all.add(last)
	}
	c.agree("totals.network_errors", t[summary.NetworkErrors], "the counts in network_errors_by_detail", all)
	c.folded("network_errors", folded, "network_errors_by_detail", len(ne), last)
}

// backoffs checks the backoff details against their total.
func (c *checker) backoffs(bo []viewBackoff, t *viewTotals, folded int64) {
	var all countSum
	var last int64
	for i := range bo {
		at := fmt.Sprintf("backoff[%d]", i)
		last = c.count(at+".count", bo[i].Count)
		c.seq(at+".first_seq", bo[i].FirstSeq)
		all.add(last)
	}
	c.agree("totals.backoffs", t[summary.Backoffs], "the counts in backoff", all)
	c.folded("backoff", folded, "backoff", len(bo), last)
}

// totals checks the totals against each other and the verdict: every
// body has one class, every infra body is escalated or to review, the
// failed, bodies, escalations and bodiless 503s are responses, and every
// response, network error and backoff is an event.
func (c *checker) totals(j *view) {
	t := &j.Totals
	var kinds, infra countSum
	kinds.add(t[summary.ServerCode])
	kinds.add(t[summary.Infra])
	kinds.add(t[summary.UnknownBodies])
	c.agree("totals.bodies", t[summary.Bodies], "totals.server_code, infra and unknown", kinds)
	infra.add(t[summary.Escalations])
	infra.add(t[summary.Reviews])
	c.agree("totals.infra", t[summary.Infra], "totals.escalations and reviews", infra)
	c.notAbove("totals.failed_responses", t[summary.Failed], "totals.responses", t[summary.Responses])
	c.notAbove("totals.bodies", t[summary.Bodies], "totals.responses", t[summary.Responses])
	c.notAbove("totals.no_body_503", t[summary.NoBody503], "totals.failed_responses", t[summary.Failed])
	c.notAbove("totals.escalations", t[summary.Escalations], "totals.failed_responses", t[summary.Failed])
	if j.Events != nil {
		var ev countSum
		ev.add(t[summary.Responses])
		ev.add(t[summary.NetworkErrors])
		ev.add(t[summary.Backoffs])
		c.atMost("totals.responses, network_errors and backoffs", ev, "events", *j.Events)
	}
	if esc := t[summary.Escalations]; (j.Verdict == "escalate") != (esc > 0) {
		c.fail("verdict is %q, but totals.escalations is %d", j.Verdict, esc)
	}
}

// CheckMerge returns an error when dst.Merge(src) would overflow a count:
// a total, the number of events or of entries skipped, a count of the
// inputs folded (rows are folded as they merge). Every other count
// of a summary that ReadJSON returns is at most one of those (ReadJSON
// refuses a report where one is not), and so is every count of a merge
// of such summaries: none overflows when these do not.
func CheckMerge(dst, src *summary.Summary) error {
	if err := overflows("events", dst.Events, src.Events); err != nil {
		return err
	}
	for i := range dst.Totals {
		what := "events of other kinds"
		if k := totalKeys[i]; k != "" {
			what = "totals." + k
		}
		if err := overflows(what, dst.Totals[i], src.Totals[i]); err != nil {
			return err
		}
	}
	a := inputTotals(len(dst.Inputs), func(i int) *summary.Input { return &dst.Inputs[i] }, &dst.FoldedInputs)
	b := inputTotals(len(src.Inputs), func(i int) *summary.Input { return &src.Inputs[i] }, &src.FoldedInputs)
	for k, x := range inputFields {
		if err := overflows("the "+x.what+" of inputs", a[k].n, b[k].n); err != nil {
			return err
		}
	}
	// Entries past dst's cap are counted in SkippedMore too.
	if err := overflows("folded.skipped", dst.SkippedMore, src.SkippedMore); err != nil {
		return err
	}
	return overflows("folded.skipped", dst.SkippedMore+src.SkippedMore, int64(len(src.Skipped)))
}

// overflows returns an error when a+b, two counts that are not negative,
// does not fit in an int64.
func overflows(what string, a, b int64) error {
	if b > math.MaxInt64-a {
		return fmt.Errorf("merging it would overflow %s: %d before it, %d in it", what, a, b)
	}
	return nil
}
