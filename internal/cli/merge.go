package cli

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"synclog/internal/report"
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
no counts per input and that input would be counted twice. Each stops the
merge with exit status 2 and a message naming the report; no report is
written. Reports of one log over different --since/--until windows or
--state runs are refused too: scan such a log in one run. A report with the
same inputs and counts as an earlier one (the same file given twice) is
counted once, with a warning.

Stand-ins of redacted reports are per report (user-1 in two reports may be two
accounts): scan the shards with --no-redact and let merge redact (the default).

Exit status as for scan: 0 nothing to escalate, 1 escalations (see --fail-on),
2 usage error, an unreadable or refused report, or inputs the scans could
not read whole.`,
		Example: `  # One scan per shard, anywhere; then one report
  synclog scan --no-redact -f json -o shard1.json /archive/2025-11/part1
  synclog scan --no-redact -f json -o shard2.json /archive/2025-11/part2
  synclog merge -f markdown shard1.json shard2.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error { return mergeRun(s, o, args) },
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
func mergeRun(s *streams, o *mergeOptions, names []string) error {
	dst, err := openOutput(o.output)
	if err != nil {
		return err
	}
	defer dst.Close()
	var sum *summary.Summary
	seen := newSeenReports()
	var warnings []string
	for _, name := range names {
		r, err := readReport(name, s)
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
	trouble := !sum.Whole()
	if !o.silent(sum, trouble) {
		for _, w := range warnings {
			fmt.Fprintf(s.errOut, "synclog: %s\n", report.Safe(w))
		}
	}
	// Width 0: merge has always written the report at full width, even to
	// a terminal.
	return o.deliver(s, dst, sum, nil, 0, trouble, nil)
}

// seenReports remembers the reports merged so far: a digest of each, to
// know a report given again, and their inputs by fingerprint, to know an
// input given again in another report.
type seenReports struct {
	digests map[[sha256.Size]byte]string // report name by digest
	inputs  map[string]seenInput         // by fingerprint
}

// seenInput is the first report that held an input, and its path there.
type seenInput struct{ report, path string }

func newSeenReports() *seenReports {
	return &seenReports{digests: make(map[[sha256.Size]byte]string), inputs: make(map[string]seenInput)}
}

// add returns the name of an earlier report whose JSON is that of r (r
// is then not to be merged), or an error when r holds an input with the
// fingerprint of one an earlier report holds: a report keeps no counts per
// input, so that input's events cannot be counted once. Reports of one log
// over different --since/--until windows or --state runs look the same,
// and are refused too. Inputs with no fingerprint (nothing decoded) are
// not compared. Otherwise add records r, read from name, as merged.
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
	for _, in := range r.Inputs {
		prev, ok := m.inputs[in.Fingerprint]
		if in.Fingerprint == "" || !ok {
			continue
		}
		as := ""
		if prev.path != in.Path {
			as = " as " + prev.path
		}
		return "", fmt.Errorf("input %s is also in %s%s (same fingerprint); a report keeps no counts per input, "+
			"so merging would count its events twice: give each log to one scan only", in.Path, prev.report, as)
	}
	m.digests[d] = name
	for _, in := range r.Inputs {
		if _, ok := m.inputs[in.Fingerprint]; in.Fingerprint != "" && !ok {
			m.inputs[in.Fingerprint] = seenInput{report: name, path: in.Path}
		}
	}
	return "", nil
}

// readReport reads one JSON report ("-": standard input).
func readReport(name string, s *streams) (*summary.Summary, error) {
	var r io.Reader = s.in
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	sum, err := report.ReadJSON(r, summary.Limits{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return sum, nil
}
