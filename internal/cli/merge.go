package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"synclog/internal/report"
)

// mergeOptions are the flags of synclog merge.
type mergeOptions struct {
	format, output, failOn string
	redact, quiet          bool
}

func newMergeCmd(s *streams) *cobra.Command {
	o := &mergeOptions{}
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
		RunE: func(cmd *cobra.Command, args []string) error {
			switch o.format {
			case "text", "markdown", "json", "html":
			case "md":
				o.format = "markdown"
			case "csv":
				return &usageError{"--format csv lists every failed response, and JSON reports hold only the summary: run synclog scan --format csv on the logs"}
			default:
				return &usageError{fmt.Sprintf("unknown --format %q (want text, markdown, json or html)", o.format)}
			}
			sum := report.NewSummary(report.Limits{})
			for i, name := range args {
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
			news := failed(sum, o.failOn)
			incomplete := sum.Incomplete() > 0
			if o.quiet && !news && !incomplete {
				return nil
			}
			ro := report.Options{Format: o.format, Redact: o.redact, Color: o.format == "text" && o.output == "" && s.outTTY && !s.noColor}
			if err := writeReport(s.out, o.output, func(w io.Writer) error { return report.Render(w, sum, ro) }); err != nil {
				return err
			}
			switch {
			case news:
				return errEscalate
			case incomplete:
				return errInputs
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.format, "format", "f", "text", "report format: text, markdown, json or html")
	f.StringVarP(&o.output, "output", "o", "", "write the report to `FILE` instead of standard output")
	f.BoolVar(&o.redact, "redact", true, "redact personal data in the merged report (--redact=false to show it)")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing when the exit status is 0")
	f.StringVar(&o.failOn, "fail-on", "escalation", "what makes exit status 1: escalation, review, unknown or never")
	return cmd
}

// readReport reads one JSON report ("-": standard input).
func readReport(name string, s *streams) (*report.Summary, error) {
	var r io.Reader = s.in
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	sum, err := report.ReadJSON(r, report.Limits{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return sum, nil
}
