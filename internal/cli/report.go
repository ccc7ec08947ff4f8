package cli

import (
	"cmp"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"synclog/internal/report"
	"synclog/internal/summary"
)

// failOnValues are the values of --fail-on, mildest trigger first.
var failOnValues = []string{"escalation", "review", "unknown", "never"}

// reportOptions are the flags that scan and merge share: which report is
// written where, whether it is redacted, and what makes exit status 1.
// They are defined by addFlags and checked by check, for both commands.
type reportOptions struct {
	formats []string // the formats the command writes ("md" is an alias)
	format  string
	output  string
	failOn  string
	quiet   bool
	redact  bool
	noPager bool
	tz      tzFlag // --tz: nil loc for UTC
	summary bool
	// noCSV, if set, is why the command does not write CSV (the default
	// is merge's: JSON reports hold only the summary).
	noCSV string
}

// addFlags defines o's flags on cmd and checks them before cmd runs.
// redactFlag is how cmd spells redaction: "no-redact" (scan, which reads
// logs: off by default) or "redact" (merge, on by default).
func (o *reportOptions) addFlags(cmd *cobra.Command, redactFlag string) {
	f := cmd.Flags()
	formats := strings.Replace(orList(o.formats), "markdown", "markdown (or md)", 1)
	if slices.Contains(o.formats, "csv") {
		formats += " (one row per failed response)"
	}
	f.StringVarP(&o.format, "format", "f", "text", "report format: "+formats+", in any case; with -o and no -f, the format of FILE's extension ("+extList(o.formats)+"; .txt and others: text)")
	f.StringVarP(&o.output, "output", "o", "", "write the report to `FILE` instead of standard output, on every run (even with --quiet); a device or FIFO is written in place, a symlink's target replaced")
	f.StringVar(&o.failOn, "fail-on", "escalation", "what makes exit status 1: escalation, review (also infra strings outside 503s), unknown (also unknown bodies) or never")
	f.BoolVar(&o.noPager, "no-pager", false, "never page the report (a text report taller than the terminal goes through $PAGER, default less -FRX)")
	f.Var(&o.tz, "tz", "show times in text, Markdown and HTML reports in `ZONE`: UTC (the default), local or an IANA name such as Europe/Berlin; JSON and CSV stay in UTC")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing when the exit status is 0 (for cron: mail only when there is news); -o FILE is still written")
	f.BoolVar(&o.summary, "summary", false, "text format only: print just the first part (verdict, escalated keys, action, notes), for chat and pagers")
	o.redact = true
	switch redactFlag {
	case "no-redact":
		f.VarPF(notBool{&o.redact}, "no-redact", "", "show personal data (account ids, e-mails, tokens, IPs) instead of stand-ins").NoOptDefVal = "true"
	default:
		f.BoolVar(&o.redact, "redact", true, "redact personal data in the merged report (--redact=false to show it)")
	}
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions(failOnValues, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(o.formats, cobra.ShellCompDirectiveNoFileComp))
	cmd.PreRunE = func(cmd *cobra.Command, _ []string) error { return o.check(cmd.Flags().Changed("format")) }
}

// extFormats maps the extensions of -o FILE to the format they imply.
var extFormats = []struct{ ext, format string }{
	{".html", "html"}, {".htm", "html"},
	{".md", "markdown"}, {".markdown", "markdown"},
	{".json", "json"}, {".csv", "csv"}, {".txt", "text"},
}

// formatOfFile returns the format the extension of name implies, and
// whether it implies one.
func formatOfFile(name string) (string, bool) {
	ext := strings.ToLower(filepath.Ext(name))
	for _, e := range extFormats {
		if e.ext == ext {
			return e.format, true
		}
	}
	return "", false
}

// extList lists the extensions of the formats in formats, for --help.
func extList(formats []string) string {
	var exts []string
	for _, e := range extFormats {
		if e.format != "text" && slices.Contains(formats, e.format) {
			exts = append(exts, e.ext)
		}
	}
	return strings.Join(exts, ", ")
}

// check rejects values of o's flags that the command cannot honour, turns
// --format into lower case and the alias "md" into "markdown", and, when
// formatSet is false, takes the format from the extension of -o FILE.
func (o *reportOptions) check(formatSet bool) error {
	if !slices.Contains(failOnValues, o.failOn) {
		return &usageError{fmt.Sprintf("unknown --fail-on %q (want %s)", o.failOn, orList(failOnValues))}
	}
	if o.format = strings.ToLower(o.format); o.format == "md" {
		o.format = "markdown"
	}
	why, or := "--format "+o.format, ""
	if ext, ok := formatOfFile(o.output); ok && ext != o.format {
		if formatSet && slices.Contains(o.formats, o.format) {
			return &usageError{fmt.Sprintf("-o %s: its extension means --format %s, not %s (drop --format, or rename the file)", o.output, ext, o.format)}
		}
		if !formatSet {
			o.format, why, or = ext, fmt.Sprintf("-o %s (--format %s)", o.output, ext), ", or give --format"
		}
	}
	if o.summary && o.format != "text" {
		return &usageError{fmt.Sprintf("--summary is for the text format, not --format %s", o.format)}
	}
	switch {
	case slices.Contains(o.formats, o.format):
		return nil
	case o.format == "csv":
		because := cmp.Or(o.noCSV, "JSON reports hold only the summary")
		return &usageError{why + " lists every failed response, and " + because + ": run synclog scan --format csv on the logs" + or}
	}
	return &usageError{fmt.Sprintf("unknown --format %q (want %s)", o.format, orList(o.formats))}
}

// silent reports whether --quiet keeps the run from printing anything:
// sum holds nothing that --fail-on names and the run had no trouble.
func (o *reportOptions) silent(sum *summary.Summary, trouble bool) bool {
	return o.quiet && !trouble && !sum.Fails(o.failOn)
}

// deliver writes the report of sum as o says (CSV: the rows, which only a
// scan keeps) to dst: to stdout at width columns (0: no limit) unless o is
// silent, or to the file -o names on every run, so that it never keeps an
// older run's verdict (--quiet governs standard output only). Then it
// calls done (if not nil), and returns errEscalate if sum holds what
// --fail-on names, else errInputs if trouble is set, else nil.
func (o *reportOptions) deliver(s *streams, dst *output, sum *summary.Summary, rows *report.Rows, width int, trouble bool, done func() error) error {
	sum.Filters.FailOn = o.failOn
	if dst.name != "" || !o.silent(sum, trouble) {
		ro := report.Options{Format: o.format, Redact: o.redact, Summary: o.summary, Color: o.format == "text" && o.output == "" && s.outTTY && !s.noColor, Location: o.tz.loc}
		if o.output == "" {
			ro.Width = width
		}
		write := func(w io.Writer) error { return report.Render(w, sum, ro) }
		if o.format == "csv" {
			write = func(w io.Writer) error { return report.WriteCSV(w, rows, ro) }
		}
		if err := o.writeOut(s, dst, write); err != nil {
			return err
		}
	}
	if done != nil {
		if err := done(); err != nil {
			return err
		}
	}
	switch {
	case sum.Fails(o.failOn):
		return errEscalate
	case trouble:
		return errInputs
	}
	return nil
}

// orList writes vs as "a, b or c".
func orList(vs []string) string {
	if len(vs) < 2 {
		return strings.Join(vs, "")
	}
	return strings.Join(vs[:len(vs)-1], ", ") + " or " + vs[len(vs)-1]
}

// notBool is a boolean flag that stores the opposite of its value, so
// that --no-redact sets the same field as --redact=false.
type notBool struct{ p *bool }

func (b notBool) String() string   { return strconv.FormatBool(!*b.p) }
func (b notBool) Type() string     { return "bool" }
func (b notBool) IsBoolFlag() bool { return true }

func (b notBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	*b.p = !v
	return nil
}
