package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"synclog/internal/classify"
	"synclog/internal/parse"
	"synclog/internal/report"
	"synclog/internal/scan"
	"synclog/internal/shard"
	"synclog/internal/state"
	"synclog/internal/summary"
	"synclog/internal/walk"
)

// version is synclog's release version.
const version = "0.1.0"

func newRootCmd(s *streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "synclog",
		Short: "Find the Firefox Sync failures to escalate in Sync logs",
		Long: `synclog reads Firefox Sync logs (plain, gzip, zstd or bzip2, and tar archives
of them, plain or compressed; detected from content, never the name) in one
streaming pass, pulls out every HTTP response, sorts each response body
into server code, infra string or unknown, and reports first the responses to
escalate: an infra string in an HTTP 503 (contact Services Operations).`,
		Version:       version,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.errOut)
	root.SetFlagErrorFunc(flagError)
	root.AddCommand(newScanCmd(s, nil), newMergeCmd(s), newWatchCmd(s))
	strictCompletion(root)
	return root
}

// strictCompletion makes "synclog completion SHELL" refuse a shell it has
// no script for (exit 2) instead of printing its help with exit 0: a
// runnable command gets cobra's unknown command error.
func strictCompletion(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
		}
	}
}

// scanOptions are the flags of synclog scan.
type scanOptions struct {
	reportOptions
	codes        string
	maxLineBytes int
	maxBodyBytes int
	samples      int
	maxWindow    int
	maxRatio     int
	jobs         int
	since, until string
	noProgress   bool
	statePath    string
	dryRun       bool
	follow       bool
	include      []string
	exclude      []string
	narrow       scan.Narrow // --host, --key, --status
	metricsPath  string
	shard        string     // --shard K/N, as given
	shardSpec    shard.Spec // --shard parsed; N 0 when not sharding
	paths        []string
}

func newScanCmd(s *streams, runF func(context.Context, *scanOptions) error) *cobra.Command {
	o := &scanOptions{reportOptions: reportOptions{formats: []string{"text", "markdown", "json", "html", "csv"}}}
	cmd := &cobra.Command{
		Use:   "scan [flags] [PATH...]",
		Short: "Scan Sync logs and report what to escalate",
		Long: `Scan reads each PATH (a file, a folder, or - for standard input; with no PATH,
standard input when it is not a terminal) and prints one report over all of
them.

Input formats, detected from the first bytes, never the name: plain text, gzip
(every member), zstd (every frame), bzip2, and tar archives, plain or
compressed with any of those (.tar, .tar.gz, .tar.zst, .tar.bz2): each member
is read as an input of its own.

Exit status: 0 nothing to escalate; 1 escalations found (an infra string in an
HTTP 503; see --fail-on); 2 usage error, or a report that is INCOMPLETE: an
input missing, unreadable, damaged, changed while read or not a Sync log, a
body cut before it could be classified, a folder with nothing to read (the
report still covers what was read). 1 wins over 2. 73 the report (-o) or the
--state file or its lock cannot be created; 75 another run holds the --state
lock; 130 interrupted (SIGINT or SIGTERM).`,
		Example: `  # Scan one compressed log at a terminal
  synclog scan error-sync-1756106023249.txt.gz

  # Scan a folder's logs and attach a Markdown report to a ticket
  synclog scan --format markdown -o report.md weave/logs/*.txt

  # Pipe a log in, get JSON for further tooling
  zstd -dc sync.log.zst | synclog scan --format json | jq .escalations

  # Add or override codes without a rebuild
  synclog scan --codes extra-codes.json sync.log`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.paths = args
			if len(o.paths) == 0 {
				if s.inTTY {
					fmt.Fprint(s.errOut, cmd.UsageString())
					return &usageError{"no PATH given and standard input is a terminal"}
				}
				o.paths = []string{"-"}
			}
			if runF != nil {
				return runF(cmd.Context(), o)
			}
			return scanRun(cmd.Context(), s, o)
		},
	}
	o.reportOptions.addFlags(cmd, "no-redact")
	o.addScanFlags(cmd)
	addNarrowFlags(cmd, &o.narrow)
	return cmd
}

// addScanFlags defines the flags of scan that merge does not have.
func (o *scanOptions) addScanFlags(cmd *cobra.Command) {
	o.addReadFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&o.since, "since", "", "keep only events logged at or after `TIME` (RFC 3339, 2025-11-24, or an age: 24h, 7d)")
	f.StringVar(&o.until, "until", "", "keep only events logged before `TIME` (same forms as --since)")
	f.BoolVar(&o.noProgress, "no-progress", false, "no progress line on stderr (there is one only when stderr is a terminal)")
	f.StringVar(&o.statePath, "state", "", "remember in `FILE` how far each input was read; read only what is new (one run at a time: a lock is taken next to FILE)")
	f.BoolVar(&o.dryRun, "dry-run", false, "with --state: read from the remembered offsets but leave FILE untouched")
	f.BoolVar(&o.follow, "follow", false, "follow symbolic links found while walking folders")
	f.StringArrayVar(&o.include, "include", nil, "in folders, scan only files whose name or relative path matches `GLOB` (repeatable)")
	f.StringVar(&o.shard, "shard", "", "scan only shard `K/N` of the inputs (K from 1 to N; each input, or tar member, falls in one shard by its path); merge the N reports")
	f.StringArrayVar(&o.exclude, "exclude", nil, "in folders, skip files and folders whose name or relative path matches `GLOB` (repeatable)")
	f.IntVarP(&o.jobs, "jobs", "j", runtime.NumCPU(), fmt.Sprintf("scan up to `N` inputs at once, and split a plain file of 64 MiB or more in N parts "+
		"(the report is the same for any N); capped at %d per CPU, at least %d: %d here", jobsPerCPU, minJobsCap, jobsCap(runtime.NumCPU())))
}

// addReadFlags defines the flags of scan that watch shares: how logs are
// read and classified, and how many samples are kept.
func (o *scanOptions) addReadFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.codes, "codes", "", "JSON `FILE` of code table entries that add to or override the built-in table")
	f.IntVar(&o.maxLineBytes, "max-line-bytes", parse.DefaultMaxLineBytes, "keep at most `N` bytes of one line (at least 16384); longer lines are cut and counted")
	f.IntVar(&o.maxBodyBytes, "max-body-bytes", parse.DefaultMaxBodyBytes, "keep at most `N` bytes of one response body (at least 4096, what matching needs); a body cut before it could be matched makes the report INCOMPLETE")
	f.IntVar(&o.samples, "samples", 5, "show up to `N` samples per escalated value")
	f.IntVar(&o.maxWindow, "max-window", parse.DefaultMaxWindow>>20, "refuse zstd frames whose window exceeds `MiB` (decompression bombs)")
	f.StringVar(&o.metricsPath, "metrics", "", "also write the run's counts to `FILE` in the Prometheus text format, for node_exporter's textfile collector (replaced atomically; with --state, added to FILE's)")
	f.IntVar(&o.maxRatio, "max-ratio", parse.DefaultMaxRatio, "stop an input that expands more than `N`:1 past 64 MiB (decompression bombs, holes of sparse tar members; -1: no limit)")
}

func scanRun(ctx context.Context, s *streams, o *scanOptions) error {
	since, until, err := o.check(time.Now())
	if err != nil {
		return err
	}
	if note := o.capJobs(runtime.NumCPU()); note != "" && !o.quiet {
		fmt.Fprintf(s.errOut, "synclog: %s\n", note)
	}
	cl, err := classifier(ctx, o.codes)
	if err != nil {
		return err
	}
	st, unlock, err := openState(o.statePath)
	if err != nil {
		return err
	}
	defer unlock()
	dst, err := openOutput(o.output)
	if err != nil {
		return err
	}
	defer dst.Close()
	paths, skipped, empty, werrs := expand(o, st)
	skipped = ownSkipped(o.shardSpec, o.paths, skipped)
	if err := dst.checkNotInput(paths, s.in); err != nil {
		return err
	}
	mf, err := o.openMetrics(paths, s.in)
	if err != nil {
		return err
	}
	var bar *progressBar
	if s.errTTY && !o.noProgress && !o.quiet {
		bar = newProgressBar(s.errOut, s.errWidth, paths)
	}
	sum, rows, errs := scan.Run(ctx, paths, scan.Options{
		Classifier: cl,
		Parse:      parse.Options{MaxLineBytes: o.maxLineBytes, MaxBodyBytes: o.maxBodyBytes},
		Limits:     summary.Limits{Samples: o.samples},
		Rows:       o.format == "csv", // CSV lists every failed response
		Opener:     parse.OpenerOptions{MaxWindow: uint64(o.maxWindow) << 20, MaxRatio: o.maxRatio},
		Stdin:      s.in,
		Jobs:       o.jobs,
		Since:      since,
		Until:      until,
		Narrow:     o.narrow,
		Progress:   progressOf(bar),
		Resume:     resumerOf(st),
		Shard:      shardOf(o.shardSpec, o.paths, paths),
	})
	if rows != nil {
		defer rows.Close()
	}
	if bar != nil {
		bar.Stop()
	}
	sum.Filters = summary.Filters{Since: since, Until: until, Include: o.include, Exclude: o.exclude,
		Hosts: o.narrow.Hosts, Keys: o.narrow.Keys, Statuses: o.narrow.Statuses, Shard: shardsOf(o.shardSpec)}
	for _, err := range werrs {
		sum.AddProblem(err.Error())
	}
	for _, p := range empty {
		sum.AddProblem(p)
	}
	return o.finish(s, dst, mf, sum, rows, append(werrs, errs...), empty, skipped, st)
}

// finish records what the walk skipped, prints the run's errors and
// problems, delivers the report of sum to dst, writes the metrics to mf
// and then saves the state st, if any.
func (o *scanOptions) finish(s *streams, dst *output, mf *metricsFile, sum *summary.Summary, rows *report.Rows, errs []error, empty []string, skipped []walk.Skipped, st *state.State) error {
	trouble := len(errs) > 0 || !sum.Whole()
	noteSkipped(s, sum, skipped, !o.silent(sum, trouble))
	for _, err := range errs {
		if errors.Is(err, context.Canceled) {
			return err
		}
		fmt.Fprintf(s.errOut, "synclog: %s\n", report.Safe(err.Error()))
	}
	for _, p := range empty {
		fmt.Fprintf(s.errOut, "synclog: %s\n", report.Safe(p))
	}
	if msg := noRecords(sum); msg != "" {
		fmt.Fprintf(s.errOut, "synclog: %s\n", report.Safe(msg))
	}
	// The state moves on only once the report and the metrics are out: a
	// run that dies before reads the same lines again, it never skips any.
	saveState := func() error {
		if err := mf.write(sum, !trouble); err != nil {
			return err
		}
		if st == nil || o.dryRun {
			return nil
		}
		st.Prune(time.Now().Add(-stateRetention))
		if err := st.Save(o.statePath); err != nil {
			return &cantCreateError{err}
		}
		return nil
	}
	return o.deliver(s, dst, sum, rows, s.width, trouble, saveState)
}

// check refuses flag values that scan cannot honour, before anything is
// read, and returns the time window, relative to now.
func (o *scanOptions) check(now time.Time) (since, until time.Time, err error) {
	if err := o.checkLimits(); err != nil {
		return since, until, err
	}
	if since, until, err = o.window(now); err != nil {
		return since, until, err
	}
	if err := walk.CheckPatterns(walk.Options{Include: o.include, Exclude: o.exclude}); err != nil {
		return since, until, &usageError{err.Error()}
	}
	if o.output != "" && o.statePath != "" && sameFile(o.output, o.statePath) {
		return since, until, &usageError{fmt.Sprintf("--output %s is the --state file: the report and the state would replace each other", o.output)}
	}
	if err := o.checkShard(); err != nil {
		return since, until, err
	}
	if o.dryRun && o.statePath == "" {
		return since, until, &usageError{"--dry-run needs --state FILE: it reads from the offsets FILE remembers and leaves FILE untouched"}
	}
	if !until.IsZero() && o.statePath != "" && !o.dryRun {
		// The state would move past the events after --until, and no
		// later run would report them.
		return since, until, &usageError{"--until cannot be used with --state: the events after it would never be reported (add --dry-run to leave the state as it was)"}
	}
	return since, until, nil
}

// -j is capped: each job holds decoders and buffers of its own (-j 10000
// over 3000 inputs took 1.4 GB), and past a few per CPU jobs only wait for
// one another. The floor leaves room to wait on slow disks on small machines.
const (
	jobsPerCPU = 4
	minJobsCap = 8
)

// jobsCap returns the most jobs worth running on cpus CPUs.
func jobsCap(cpus int) int { return max(jobsPerCPU*cpus, minJobsCap) }

// capJobs lowers -j to jobsCap(cpus), and returns the note that says so,
// or "" when -j is not over it.
func (o *scanOptions) capJobs(cpus int) string {
	most := jobsCap(cpus)
	if o.jobs <= most {
		return ""
	}
	why := fmt.Sprintf("%dx the %d %s", jobsPerCPU, cpus, pick(cpus, "CPU", "CPUs"))
	if most > jobsPerCPU*cpus {
		why = fmt.Sprintf("%dx the CPUs, and never fewer than %d", jobsPerCPU, minJobsCap)
	}
	note := fmt.Sprintf("-j %d lowered to %d (%s)", o.jobs, most, why)
	o.jobs = most
	return note
}

// sameFile reports whether paths a and b name one file: the same cleaned
// path (neither need exist yet), or the same file under two names.
func sameFile(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// maxWindowMiB is the largest --max-window: 2 TiB, under zstd's own
// limit of about 3.75 TiB.
const maxWindowMiB = 1 << 21

// checkLimits refuses body and line limits too small for a body to be
// matched with the code table, -j and --samples below 1, and --max-window
// and --max-ratio values that set no sensible limit.
func (o *scanOptions) checkLimits() error {
	if o.jobs < 1 {
		return &usageError{fmt.Sprintf("-j %d: want 1 or more inputs at once (the default is one per CPU: %d)", o.jobs, runtime.NumCPU())}
	}
	if o.samples < 1 {
		return &usageError{fmt.Sprintf("--samples %d: want 1 or more samples per escalated value (the default is 5)", o.samples)}
	}
	if o.maxWindow < 1 || o.maxWindow > maxWindowMiB {
		return &usageError{fmt.Sprintf("--max-window %d: want 1 to %d MiB (the default is %d)", o.maxWindow, maxWindowMiB, parse.DefaultMaxWindow>>20)}
	}
	if o.maxRatio == 0 || o.maxRatio < -1 {
		return &usageError{fmt.Sprintf("--max-ratio %d: want 1 or more, or -1 for no limit (the default is %d)", o.maxRatio, parse.DefaultMaxRatio)}
	}
	for _, l := range []struct {
		flag   string
		val, n int
	}{{"max-body-bytes", o.maxBodyBytes, parse.MinBodyBytes}, {"max-line-bytes", o.maxLineBytes, parse.MinLineBytes}} {
		if l.val < l.n {
			return &usageError{fmt.Sprintf("--%s %d: at least %d (a response body must be kept whole enough to match the code table)", l.flag, l.val, l.n)}
		}
	}
	return o.checkNarrow()
}

// maxCodesBytes is the largest --codes file read. A table is held whole
// while it is parsed (a 92 MB file took 794 MB); the built-in one is 4 KB.
const maxCodesBytes = 1 << 20

// classifier builds the classifier: the built-in code table, overridden
// by the JSON file codes if it is not "".
func classifier(ctx context.Context, codes string) (*classify.Classifier, error) {
	tables := [][]classify.Entry{classify.DefaultEntries()}
	if codes != "" {
		user, err := loadCodes(ctx, codes)
		if err != nil {
			return nil, err
		}
		tables = append(tables, user)
	}
	return classify.New(tables...)
}

// loadCodes reads the code table entries of the --codes file path. A file
// over maxCodesBytes is refused before it is parsed; a FIFO is waited on
// until ctx is done, as scan waits on its inputs.
func loadCodes(ctx context.Context, path string) ([]classify.Entry, error) {
	f, fi, err := scan.Open(ctx, path)
	if errors.Is(err, context.Canceled) {
		return nil, err
	}
	if err != nil {
		return nil, &usageError{fmt.Sprintf("--codes: %v", err)}
	}
	defer f.Close()
	tooBig := func(size string) error {
		return &usageError{fmt.Sprintf("--codes %s: %slarger than the limit of 1 MiB (%d bytes); the built-in table is 4 KB", path, size, maxCodesBytes)}
	}
	if fi.Mode().IsRegular() && fi.Size() > maxCodesBytes {
		return nil, tooBig(fmt.Sprintf("%d bytes, ", fi.Size()))
	}
	stop := context.AfterFunc(ctx, func() { f.Close() })
	defer stop()
	data, err := io.ReadAll(io.LimitReader(f, maxCodesBytes+1))
	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case err != nil:
		return nil, &usageError{fmt.Sprintf("--codes: %v", err)}
	case len(data) > maxCodesBytes:
		return nil, tooBig("")
	}
	user, err := classify.LoadEntries(bytes.NewReader(data))
	if err != nil {
		return nil, &usageError{fmt.Sprintf("--codes %s: %v", path, jsonProblem(err, `a code table, {"entries": [...]}`))}
	}
	return user, nil
}

// window reads --since and --until, relative to now; a zero time is no
// bound.
func (o *scanOptions) window(now time.Time) (since, until time.Time, err error) {
	for _, w := range []struct {
		flag, val string
		dst       *time.Time
	}{{"since", o.since, &since}, {"until", o.until, &until}} {
		if w.val == "" {
			continue
		}
		if *w.dst, err = parseWhen(w.val, now); err != nil {
			return time.Time{}, time.Time{}, &usageError{fmt.Sprintf("--%s: %v", w.flag, err)}
		}
	}
	return since, until, nil
}

// openState takes the lock of the --state file path and loads it; a lock
// file that cannot be created is a cantCreateError (exit 73). With
// path "", there is no state: it returns a nil state and an unlock that
// does nothing. unlock is never nil.
func openState(path string) (st *state.State, unlock func() error, err error) {
	none := func() error { return nil }
	if path == "" {
		return nil, none, nil
	}
	unlock, err = state.Lock(path)
	if err != nil {
		if errors.Is(err, state.ErrLocked) {
			return nil, none, &lockedError{err}
		}
		var pe *fs.PathError
		if errors.As(err, &pe) && pe.Path == path+state.LockSuffix {
			return nil, none, &cantCreateError{fmt.Errorf("--state %s: cannot create its lock %s: %w", path, pe.Path, pe.Err)}
		}
		return nil, none, fmt.Errorf("--state: %w", err)
	}
	if st, err = state.Load(path); err != nil {
		_ = unlock() // the load error says more
		return nil, none, fmt.Errorf("--state: %w", err)
	}
	return st, unlock, nil
}

// expand turns the PATHs into the inputs to scan: folders walked, in scan
// order. A PATH that cannot even be looked at stays an input, so that the
// scan reports it in its place in the report (and the exit status). It
// also returns what the walks passed over, the folders given that hold
// nothing to read (unless st remembers reading files under them: their
// logs were rotated away, and nothing is new), and the walks' errors.
func expand(o *scanOptions, st *state.State) ([]string, []walk.Skipped, []string, []error) {
	wo := walk.Options{Follow: o.follow, Include: o.include, Exclude: o.exclude}
	var paths, empty []string
	var skipped []walk.Skipped
	var errs []error
	seen := make(map[string]bool) // cleaned paths kept, across the PATHs
	keep := func(p string) {
		if c := filepath.Clean(p); seen[c] {
			skipped = append(skipped, walk.Skipped{Path: p, Why: walk.WhyDuplicate})
		} else {
			seen[c] = true
			paths = append(paths, p)
		}
	}
	for _, p := range o.paths {
		files, sk, werrs := walk.Expand([]string{p}, wo)
		for _, err := range werrs {
			var pe *fs.PathError
			if errors.As(err, &pe) && pe.Op == "stat" && pe.Path == p {
				keep(p)
				continue
			}
			errs = append(errs, err)
		}
		if len(files) == 0 && len(werrs) == 0 && !st.Under(p) {
			if fi, err := os.Stat(p); err == nil && fi.IsDir() {
				empty = append(empty, "folder "+p+" holds no file to read")
			}
		}
		for _, f := range files {
			keep(f.Path)
		}
		skipped = append(skipped, sk...)
	}
	return paths, skipped, empty, errs
}

// noteSkipped records in sum what the walks passed over, and if print is
// set, says on stderr, one line each, which of them may hide a log the
// user meant to scan (walk.Skipped.Notable). Those come first in sum too,
// so that the entries skipped by name (hidden, excluded, not included) or
// read under another path cannot push them past the report's cap.
func noteSkipped(s *streams, sum *summary.Summary, skipped []walk.Skipped, print bool) {
	for _, notable := range []bool{true, false} {
		for _, sk := range skipped {
			if sk.Notable() != notable {
				continue
			}
			sum.AddSkipped(sk.Path, sk.Why)
			if notable && print {
				fmt.Fprintf(s.errOut, "synclog: %s\n", report.Safe("skipped "+sk.Path+": "+sk.Why))
			}
		}
	}
}

// progressOf returns bar as a scan.Progress, or nil (not a nil
// *progressBar in an interface).
func progressOf(bar *progressBar) scan.Progress {
	if bar == nil {
		return nil
	}
	return bar
}

// noRecords returns the line that says no input held a Sync record at all,
// naming the inputs that are not Sync logs, or "" when some input held
// one (or none was unrecognised: empty inputs, nothing new since --state).
func noRecords(sum *summary.Summary) string {
	if sum.FoldedInputs.Records > 0 {
		return "" // an input not listed held one
	}
	var names []string
	for _, in := range sum.Inputs {
		if in.Records > 0 {
			return ""
		}
		if in.State == parse.Unrecognised.String() {
			names = append(names, in.Path)
		}
	}
	if len(names) == 0 {
		return ""
	}
	list := strings.Join(names[:min(len(names), 3)], ", ")
	if len(names) > 3 {
		list += fmt.Sprintf(" and %d more", len(names)-3)
	}
	return fmt.Sprintf("no Sync log records found in %d %s (%s)", len(names), pick(len(names), "input", "inputs"), list)
}

func pick(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
