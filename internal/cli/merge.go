package cli

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"synclog/internal/report"
	"synclog/internal/scan"
	"synclog/internal/summary"
)

// mergeOptions are the flags of synclog merge.
type mergeOptions struct {
	reportOptions
}

func newMergeCmd(s *streams) *cobra.Command {
	o := &mergeOptions{reportOptions{formats: []string{"text", "markdown", "json", "html"}}}
	cmd := &cobra.Command{
		Use:   "merge [flags] REPORT.json...",
		Short: "Combine JSON reports of separate scans into one report",
		Long: `Merge reads JSON reports written by "synclog scan --format json" (for example
one per shard of an archive, scanned on different machines) and prints one
report, in any format, with the contents a single scan over all their inputs
would give. Give the reports in input order.

Merge trusts no report. It refuses one that no scan could have written (a
negative count, totals that disagree with the lists they sum, such as
escalations listed while totals.escalations is 0), one whose counts would
overflow merged, and one that holds an input (same fingerprint: the same
first 4 KiB decoded) that an earlier report holds too, since a report keeps
no counts per input and that input would be counted twice (inputs past the
1000 a report lists are compared by the first 16 hex digits of their
fingerprints, which it keeps; merge warns of any it could not compare). The
one input reports may share is a tar archive in reports of scan --shard K/N
of one N: every shard reads the archive and counts its own members; it is
listed once, and a member listed by two shards is refused. Each
stops the merge with exit status 2 and a message naming the report; no report
is written. A report larger than 16 MiB, or that lists more than a scan's
report does, is refused too, so that merging takes bounded memory. Reports of
one log over different --since/--until windows or --state runs are refused
too: scan such a log in one run. A report with the same inputs and counts as
an earlier one (the same file given twice, perhaps under another name) is
counted once, with a warning.

Stand-ins of redacted reports are per report (user-1 in two reports may be two
accounts): scan the shards with --no-redact and let merge redact (the default).

Exit status as for scan: 0 nothing to escalate, 1 escalations (see --fail-on),
2 usage error, an unreadable or refused report, or inputs the scans could
not read whole; 73 the report (-o) cannot be written; 130 interrupted.`,
		Example: `  # One scan per shard, anywhere; then one report
  synclog scan --no-redact -f json -o shard1.json /archive/2025-11/part1
  synclog scan --no-redact -f json -o shard2.json /archive/2025-11/part2
  synclog merge -f markdown shard1.json shard2.json

  # Or let synclog split one folder in 3 shards, one per machine
  synclog scan --no-redact --shard 2/3 -f json -o shard2.json /archive/2025-11`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				fmt.Fprint(s.errOut, cmd.UsageString())
				return &usageError{"merge needs at least one REPORT.json (written by synclog scan --format json)"}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error { return mergeRun(cmd.Context(), s, o, args) },
	}
	o.addFlags(cmd, "redact")
	return cmd
}

// mergeRun merges the JSON reports names, in that order, and writes the
// report of the whole. A report that ReadJSON refuses, one whose counts
// would overflow merged, or one that shares an input with an earlier
// report without being that report again stops the merge: no report is
// written, and the error names the report (exit 2). A report with the
// same inputs and counts as an earlier one is skipped, with a warning.
func mergeRun(ctx context.Context, s *streams, o *mergeOptions, names []string) error {
	dst, err := openOutput(o.output)
	if err != nil {
		return err
	}
	defer dst.Close()
	var sum *summary.Summary
	seen := newSeenReports(ctx, s)
	var warnings []string
	for _, name := range names {
		r, err := readReport(ctx, name, s)
		if err != nil {
			return err
		}
		same, err := seen.add(name, r)
		switch {
		case err != nil:
			return fmt.Errorf("%s: %w", name, err)
		case same != "":
			warnings = append(warnings, fmt.Sprintf("warning: %s: same inputs and counts as %s; not counted again", name, same))
			continue
		case sum == nil:
			sum = r
			continue
		}
		if err := report.CheckMerge(sum, r); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		sum.Merge(r)
	}
	warnings = append(warnings, seen.warnings()...)
	if w := settleShards(sum); w != "" {
		warnings = append(warnings, w)
	}
	trouble := !sum.Whole()
	if !o.silent(sum, trouble) {
		for _, w := range warnings {
			fmt.Fprintf(s.errOut, "synclog: %s\n", report.Safe(w))
		}
	}
	// At a terminal the report fits it, as scan's does.
	return o.deliver(s, dst, sum, nil, s.width, trouble, nil)
}

// settleShards ends a merge of shard reports (scan --shard): once every
// shard is in, the archives' rows lose the warning that they count only
// one shard's members; else it returns the warning that names the shards
// missing ("" when the reports are not shards).
func settleShards(sum *summary.Summary) string {
	sh := &sum.Filters.Shard
	if sh.N == 0 {
		return ""
	}
	if !sh.Whole() {
		missing := sh.Missing()
		return fmt.Sprintf("warning: %s of %d missing: this report covers only %s",
			pick(len(missing), "shard", "shards")+" "+joinInts(missing), sh.N, sh.String())
	}
	for i := range sum.Inputs {
		in := &sum.Inputs[i]
		if i := slices.Index(in.Warnings, summary.ShardedArchive); i >= 0 && isArchive(in) {
			in.Warnings = slices.Delete(in.Warnings, i, i+1)
		}
	}
	return ""
}

// joinInts lists ks as "1,3".
func joinInts(ks []int) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = strconv.Itoa(k)
	}
	return strings.Join(s, ",")
}

// maxSeenInputs is how many inputs merge compares across reports: their
// prints (summary.PrintOf) take 20 to 40 bytes each in the index.
const maxSeenInputs = 1 << 20

// seenReports remembers the reports merged so far: a digest of each, to
// know a report given again, and the prints of their inputs' fingerprints
// (summary.PrintOf: 64 bits, listed or folded), to know an input given
// again in another report. It holds the first maxSeenInputs prints; the
// inputs past those, and those a report folded without listing their
// prints, are not compared, and merge warns of them.
type seenReports struct {
	ctx      context.Context
	s        *streams
	names    []string                     // the reports recorded, in order
	digests  map[[sha256.Size]byte]string // report name by digest
	inputs   map[uint64]int32             // index in names by print
	archives map[uint64]summary.Shards    // the shards that list a tar archive, by print
	members  map[uint64]map[string]bool   // the members of those archives listed, by the archive's print
	nMembers int                          // members held in members
	unseen   int64                        // inputs past maxSeenInputs
	unlisted []string                     // warnings: reports with prints not listed
}

func newSeenReports(ctx context.Context, s *streams) *seenReports {
	return &seenReports{ctx: ctx, s: s, digests: make(map[[sha256.Size]byte]string), inputs: make(map[uint64]int32),
		archives: make(map[uint64]summary.Shards), members: make(map[uint64]map[string]bool)}
}

// add returns the name of an earlier report whose JSON is that of r (r
// is then not to be merged), or an error when r holds an input with the
// fingerprint of one an earlier report holds: a report keeps no counts per
// input, so that input's events cannot be counted once. Reports of one log
// over different --since/--until windows or --state runs look the same,
// and are refused too. Inputs with no fingerprint (nothing decoded) are
// not compared. One input may be in several reports: a tar archive that
// every shard reads (scan --shard), in reports of shards of one N, none
// of them twice; add drops its row from r, so that it is listed once.
// Otherwise add records r, read from name, as merged.
func (m *seenReports) add(name string, r *summary.Summary) (same string, err error) {
	h := sha256.New()
	if err := report.Render(h, r, report.Options{Format: "json"}); err != nil {
		return "", err
	}
	var d [sha256.Size]byte
	h.Sum(d[:0])
	if prev, ok := m.digests[d]; ok {
		return prev, nil
	}
	if err := m.checkRows(r); err != nil {
		return "", err
	}
	folded := r.FoldedInputs.SortedPrints()
	for _, p := range folded {
		if err := m.check(p, ""); err != nil {
			return "", err
		}
	}
	m.digests[d] = name
	m.names = append(m.names, name)
	for _, in := range r.Inputs {
		if in.Fingerprint != "" {
			m.record(summary.PrintOf(in.Fingerprint))
		}
	}
	for _, p := range folded {
		m.record(p)
	}
	if n := r.FoldedInputs.Printed - int64(len(folded)); n > 0 {
		m.unlisted = append(m.unlisted, fmt.Sprintf("warning: %s: %d inputs it does not list have no fingerprint in it; "+
			"they were not checked against the other reports' inputs", name, n))
	}
	return "", nil
}

// checkRows checks the listed inputs of r against the earlier reports'
// (see check), and drops the rows of the tar archives that earlier shards
// list (see sharedArchive).
func (m *seenReports) checkRows(r *summary.Summary) error {
	var drop []int
	for i, in := range r.Inputs {
		if in.Fingerprint == "" {
			continue
		}
		p := summary.PrintOf(in.Fingerprint)
		shared := m.sharedArchive(p, &in, &r.Filters.Shard)
		if !shared {
			if err := m.check(p, in.Path); err != nil {
				return err
			}
		}
		if !isArchive(&in) || r.Filters.Shard.N == 0 {
			continue
		}
		if !shared {
			m.archives[p] = summary.Shards{N: r.Filters.Shard.N, Ks: slices.Clone(r.Filters.Shard.Ks)}
			m.members[p] = make(map[string]bool)
		}
		if err := m.checkMembers(p, r, in.Path); err != nil {
			return err
		}
		if shared {
			drop = append(drop, i)
		}
	}
	for _, i := range slices.Backward(drop) {
		r.Inputs = slices.Delete(r.Inputs, i, i+1)
	}
	return nil
}

// sharedArchive reports whether the input in, with print p, of a report
// of shards sh, is a tar archive that reports of other shards of the same
// N list already; it then adds sh to theirs.
func (m *seenReports) sharedArchive(p uint64, in *summary.Input, sh *summary.Shards) bool {
	prev, ok := m.archives[p]
	if !ok || !isArchive(in) || sh.N == 0 || prev.N != sh.N {
		return false
	}
	for _, k := range sh.Ks {
		if slices.Contains(prev.Ks, k) {
			return false
		}
	}
	prev.Ks = append(prev.Ks, sh.Ks...)
	slices.Sort(prev.Ks)
	m.archives[p] = prev
	return true
}

// checkMembers returns an error when a member of the archive path, with
// print p, listed in r is listed in an earlier shard's report too: the
// shards would overlap. It records the members, up to maxSeenInputs in
// all (members have no fingerprint of their own to compare).
func (m *seenReports) checkMembers(p uint64, r *summary.Summary, path string) error {
	seen := m.members[p]
	for _, in := range r.Inputs {
		name, ok := strings.CutPrefix(in.Path, path+":")
		if !ok {
			continue
		}
		if seen[name] {
			return fmt.Errorf("member %s of archive %s is also in an earlier report of another shard; "+
				"the shards overlap: scan every shard with the same synclog version and PATHs", name, path)
		}
		if m.nMembers < maxSeenInputs {
			seen[name] = true
			m.nMembers++
		}
	}
	return nil
}

// isArchive reports whether in is the row of a tar archive.
func isArchive(in *summary.Input) bool { return strings.HasPrefix(in.Format, "tar") }

// check returns an error when an earlier report holds an input with print
// p: the input path of the report being added ("": one it does not list).
func (m *seenReports) check(p uint64, path string) error {
	k, ok := m.inputs[p]
	if !ok {
		return nil
	}
	prev := m.names[k]
	what := "input " + path
	if path == "" {
		what = fmt.Sprintf("an input not listed (fingerprint %016x…)", p)
	}
	where := prev
	switch first := m.pathIn(prev, p); {
	case first == "":
		where += ", not listed there"
	case first != path:
		where += " as " + first
	}
	return fmt.Errorf("%s is also in %s (same fingerprint); a report keeps no counts per input, "+
		"so merging would count its events twice: give each log to one scan only", what, where)
}

// record adds print p of the report recorded last, unless maxSeenInputs are
// held (it is then counted in unseen).
func (m *seenReports) record(p uint64) {
	if _, ok := m.inputs[p]; ok {
		return // twice in one report: a log read further than its twin
	}
	if len(m.inputs) >= maxSeenInputs {
		m.unseen++
		return
	}
	m.inputs[p] = int32(len(m.names) - 1)
}

// pathIn returns the path of the input listed with print p in the report
// name, read again to say so in an error (the index keeps no paths), or ""
// when it is not listed there or cannot be read again.
func (m *seenReports) pathIn(name string, p uint64) string {
	if name == "-" {
		return ""
	}
	r, err := readReport(m.ctx, name, m.s)
	if err != nil {
		return ""
	}
	for _, in := range r.Inputs {
		if in.Fingerprint != "" && summary.PrintOf(in.Fingerprint) == p {
			return in.Path
		}
	}
	return ""
}

// warnings says which inputs were not compared across reports.
func (m *seenReports) warnings() []string {
	out := m.unlisted
	if m.unseen > 0 {
		out = append(out, fmt.Sprintf("warning: %d inputs past the first %d were not checked against the other reports' inputs",
			m.unseen, maxSeenInputs))
	}
	return out
}

// readReport reads one JSON report ("-": standard input), its lists no
// longer than a scan's: a report that claims larger limits is folded to
// them, so that merging many reports takes bounded memory.
//
// Reading waits for a FIFO's writer or a silent standard input as a scan
// does, until ctx is done (SIGINT, SIGTERM).
func readReport(ctx context.Context, name string, s *streams) (*summary.Summary, error) {
	var r io.Reader = s.in
	var c io.Closer
	if name != "-" {
		f, _, err := scan.Open(ctx, name)
		if err != nil {
			return nil, err
		}
		r, c = f, f
	} else if pr := scan.RelayStdin(s.in); pr != nil {
		r, c = pr, pr
	}
	if c != nil {
		stop := context.AfterFunc(ctx, func() { c.Close() })
		defer func() {
			stop()
			c.Close()
		}()
	}
	sum, err := report.ReadJSON(r, summary.Limits{Keys: summary.DefaultKeys, Inputs: summary.DefaultInputs})
	if cerr := ctx.Err(); err != nil && cerr != nil {
		return nil, cerr // the read ended because the run was interrupted
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, jsonProblem(err, "a synclog JSON report"))
	}
	return sum, nil
}
