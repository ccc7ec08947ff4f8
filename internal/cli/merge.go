package cli

import (
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

Stand-ins of redacted reports are per report (user-1 in two reports may be two
accounts): scan the shards with --no-redact and let merge redact (the default).

Exit status as for scan: 0 nothing to escalate, 1 escalations (see --fail-on),
2 usage error, an unreadable report, or inputs the scans could not read whole.`,
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
// report of the whole.
func mergeRun(s *streams, o *mergeOptions, names []string) error {
	sum := summary.New(summary.Limits{})
	for i, name := range names {
		r, err := readReport(name, s)
		if err != nil {
			return err
		}
		if i == 0 {
			sum = r
		} else {
			sum.Merge(r)
		}
	}
	// Width 0: merge has always written the report at full width, even to
	// a terminal.
	return o.deliver(s, sum, nil, 0, sum.Incomplete() > 0, nil)
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
