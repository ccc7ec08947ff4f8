package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"synclog/internal/classify"
	"synclog/internal/follow"
	"synclog/internal/metrics"
	"synclog/internal/parse"
	"synclog/internal/redact"
	"synclog/internal/report"
	"synclog/internal/scan"
	"synclog/internal/summary"
)

// watchOptions are the flags of synclog watch: scan's flags for reading
// and reporting (the others keep their zero values), and its own.
type watchOptions struct {
	scanOptions
	poll      time.Duration
	fromStart bool
	listen    string
}

func newWatchCmd(s *streams) *cobra.Command {
	o := &watchOptions{scanOptions: scanOptions{reportOptions: reportOptions{formats: []string{"text", "markdown", "json", "html"}, noCSV: "watch keeps only the summary"}, jobs: 1}}
	cmd := &cobra.Command{
		Use:   "watch [flags] PATH...",
		Short: "Follow Sync logs as they are written and print each escalation at once",
		Long: `Watch follows each PATH (a file, or a folder: the files in it) like tail -F:
lines appended, rotation by rename or copytruncate, new files in a folder
(compressed ones read once, past what was read of the same log). It starts at
the end of the files there (--from-start: reads them first).

Each escalation (an infra string in an HTTP 503) is printed on a line of its
own as soon as its response is complete (the log's next record closes it):
time, key, node, file:line. At a terminal a summary under those lines (count
per key, rate per minute, last seen) is redrawn at most once a second.

SIGINT or SIGTERM stops following: the rest of what the files hold then is
read, and the report over everything read is printed (-f, -o as in scan).

Exit status, as scan's: 0 nothing to escalate; 1 escalations seen (see
--fail-on); 2 usage error, or an input not read whole or not a Sync log
(1 wins over 2); 73 the report (-o) cannot be created. A stop by signal is
the normal end, not 130; 130 only if the report is not out 10 s after it.

--listen ADDR serves the counts so far as Prometheus metrics (the families of
scan --metrics: synclog_escalations_total{key} and the others), for alerting
while watch runs under a service manager.`,
		Example: `  # At a terminal during an incident
  synclog watch /var/log/firefox-sync/

  # Lines only, to a chat hook; the report as JSON when stopped
  synclog watch -o report.json sync.log | tee escalations.txt

  # Under systemd, for Prometheus to scrape
  synclog watch --listen 127.0.0.1:9464 /var/log/firefox-sync/`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.paths = args
			return watchRun(cmd.Context(), s, o)
		},
	}
	o.reportOptions.addFlags(cmd, "no-redact")
	o.addReadFlags(cmd)
	f := cmd.Flags()
	_ = f.MarkHidden("no-pager") // the report is never paged: the escalations are above it
	f.DurationVar(&o.poll, "poll", 0, "check the files every `DURATION` (such as 2s) instead of waiting for file system notifications (network file systems)")
	f.BoolVar(&o.fromStart, "from-start", false, "read what the files hold already (and the compressed files in folders), then follow")
	f.StringVar(&o.listen, "listen", "", "serve Prometheus metrics of what was read at http://`ADDR`/metrics (and /healthz) while watching, such as 127.0.0.1:9464 (port 0: any free port; the address is printed on stderr)")
	return cmd
}

// checkWatch refuses what watch cannot do, before anything is read.
func (o *watchOptions) checkWatch() error {
	if len(o.paths) == 0 {
		return &usageError{"watch needs a PATH to follow: a log file or a folder of logs"}
	}
	for _, p := range o.paths {
		if p == "-" {
			return &usageError{"watch follows files, not standard input: pipe it into synclog scan"}
		}
	}
	if o.poll < 0 {
		return &usageError{fmt.Sprintf("--poll %v: want a positive duration such as 2s", o.poll)}
	}
	return o.checkLimits()
}

func watchRun(ctx context.Context, s *streams, o *watchOptions) error {
	if err := o.checkWatch(); err != nil {
		return err
	}
	cl, err := classifier(ctx, o.codes)
	if err != nil {
		return err
	}
	dst, err := openOutput(o.output)
	if err != nil {
		return err
	}
	defer dst.Close()
	if err := dst.checkNotInput(o.paths, s.in); err != nil {
		return err
	}
	if s.watching != nil {
		s.watching.Store(true)
	}
	w := newWatcher(s, o, cl)
	if o.listen != "" {
		// Served until the report is out, not only until the signal.
		sctx, stop := context.WithCancel(context.WithoutCancel(ctx))
		defer stop()
		addr, err := metrics.Listen(sctx, o.listen, metrics.NewCollector(w.view))
		if err != nil {
			return &usageError{fmt.Sprintf("--listen %s: %v", o.listen, err)}
		}
		w.notify(fmt.Sprintf("metrics at http://%s/metrics", addr))
	}
	for _, p := range o.paths {
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			w.notify(p + " does not exist yet: followed once it does")
		}
	}
	w.run(ctx)
	o.noPager = true // the escalations were printed above it
	return o.finish(s, dst, nil, w.sum, nil, w.errs, nil, nil, nil)
}

// watcher adds up what watch reads, from every followed log at once, and
// prints each escalation as it comes.
type watcher struct {
	s      *streams
	o      *watchOptions
	cl     *classify.Classifier
	red    *redact.Redactor // nil with --no-redact
	screen *screen          // the summary under the lines; nil when stdout is not a terminal

	mu     sync.Mutex
	sum    *summary.Summary
	errs   []error // inputs not read whole
	outErr error   // the first error writing a line
	// live holds the lines read so far of each log still followed, whose
	// row is added to sum only when its reading ends: the metrics count
	// them (synclog_lines_total grows while watch runs).
	live map[*follow.Source]int64
}

func newWatcher(s *streams, o *watchOptions, cl *classify.Classifier) *watcher {
	w := &watcher{s: s, o: o, cl: cl, sum: summary.New(summary.Limits{Samples: o.samples}), live: make(map[*follow.Source]int64)}
	if o.redact {
		w.red = redact.New()
	}
	if s.outTTY {
		w.screen = newScreen(s.out, s.width, time.Now())
	}
	return w
}

// run follows o.paths until ctx is done and what the logs held then is
// read, redrawing the summary at a terminal once a second.
func (w *watcher) run(ctx context.Context) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	if w.screen != nil {
		wg.Go(func() {
			t := time.NewTicker(time.Second)
			defer t.Stop()
			for {
				select {
				case now := <-t.C:
					w.mu.Lock()
					w.screen.tick(now)
					w.mu.Unlock()
				case <-done:
					return
				}
			}
		})
	}
	follow.Run(ctx, w.o.paths, follow.Options{
		Poll:      w.o.poll,
		FromStart: w.o.fromStart,
		Opener:    parse.OpenerOptions{MaxWindow: uint64(w.o.maxWindow) << 20, MaxRatio: w.o.maxRatio},
		Notify:    w.notify,
	}, w.read)
	close(done)
	wg.Wait()
	if w.screen != nil {
		w.mu.Lock()
		w.screen.clear()
		w.mu.Unlock()
	}
}

// notify prints msg, a note of the follower's, on stderr.
func (w *watcher) notify(msg string) {
	fmt.Fprintf(w.s.errOut, "synclog: %s\n", report.Safe(msg))
}

// view calls fn with the summary of everything read so far, under the
// watcher's lock: fn must not keep it.
func (w *watcher) view(fn func(*summary.Summary)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.live) == 0 {
		fn(w.sum)
		return
	}
	// The logs still followed as rows of their own, in a copy that
	// shares everything else.
	cp := *w.sum
	cp.Inputs = slices.Clip(cp.Inputs)
	for src, n := range w.live {
		cp.Inputs = append(cp.Inputs, summary.Input{Path: src.Name, Lines: n, Complete: true})
	}
	fn(&cp)
}

// progress records that n lines of src have been read so far.
func (w *watcher) progress(src *follow.Source, n int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.live[src] = n
}

// read reads one followed log to its end (a follow.Handler).
func (w *watcher) read(src *follow.Source) parse.Mark {
	in := summary.Input{Path: src.Name, Format: parse.Plain.String()}
	r := src.R
	if src.Compressed {
		op, err := parse.NewOpener(parse.OpenerOptions{MaxWindow: uint64(w.o.maxWindow) << 20, MaxRatio: w.o.maxRatio})
		if err != nil {
			w.done(src, in, err)
			return parse.Mark{}
		}
		defer op.Close()
		dec, format, err := op.Open(src.R)
		if in.Format = format.String(); err != nil {
			w.done(src, in, fmt.Errorf("%s: %w", src.Name, err))
			return parse.Mark{}
		}
		r = dec
	}
	ex := parse.NewExtractor(r, src.Name, parse.Options{MaxLineBytes: w.o.maxLineBytes, MaxBodyBytes: w.o.maxBodyBytes})
	if src.From.Offset > 0 {
		ex.Resume(src.From, false)
	}
	for ex.Next() {
		ev := ex.Event()
		ev.Line += int(src.Lines)
		w.add(ev)
		n := ex.Stats().Lines
		if wr := ex.WindowResult(); src.From.Offset > 0 {
			n -= wr.FromStats.Lines // 0 until From is reached, when no event is
		}
		w.progress(src, n)
	}

	st, err := scan.Counted(ex, src.From.Offset)
	scan.SetStats(&in, st.Bytes, st, w.o.maxLineBytes)
	w.done(src, in, err)
	return ex.Mark()
}

// done records the row of a log read, src, and err, the error that ended
// it; its lines are no longer counted as read so far (at once: a scrape
// never sees them twice, nor a counter that goes back).
func (w *watcher) done(src *follow.Source, in summary.Input, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.live, src)
	in.Complete = err == nil
	if err != nil {
		in.Error = err.Error()
		if pe := (*parse.Error)(nil); errors.As(err, &pe) {
			in.State = parse.FaultOf(pe).String()
		}
		w.errs = append(w.errs, err)
	}
	w.sum.AddInput(in)
}

// add counts ev, and prints it at once if it is an escalation.
func (w *watcher) add(ev *parse.Event) {
	c := scan.Classify(w.cl, ev)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sum.Add(ev, c)
	if ev.Kind != parse.KindResponse || !summary.Escalates(ev.Status, c) {
		return
	}
	key, host := summary.KeyOf(c), string(summary.HostOf(ev.URL))
	if w.red != nil {
		key, host = w.red.String(key), w.red.String(host)
	}
	if w.screen != nil {
		w.screen.add(report.Safe(key), ev.Time, time.Now())
	}
	if w.outErr != nil {
		return
	}
	line := escalationLine(inZone(ev.Time, w.o.tz.loc), key, host, ev.File, ev.Line)
	if w.screen != nil {
		w.outErr = w.screen.line(line, time.Now())
	} else {
		_, w.outErr = io.WriteString(w.s.out, line+"\n")
	}
}

// inZone returns t in loc, or in UTC when loc is nil.
func inZone(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		return t.UTC()
	}
	return t.In(loc)
}

// escalationLine is the line printed for one escalation: time (or - when
// the log gave none), key, node, file:line, every part escaped.
func escalationLine(t time.Time, key, host, file string, line int) string {
	when := "-"
	if !t.IsZero() {
		when = t.Format("2006-01-02T15:04:05.000Z07:00")
	}
	if host == "" {
		host = "-"
	}
	return fmt.Sprintf("%s  %s  %s  %s:%d", when, report.Safe(key), report.Safe(host), report.Safe(file), line)
}
