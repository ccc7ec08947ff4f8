// Package cli is synclog's command line: the cobra commands, their flags,
// progress, and the mapping of errors to exit codes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/term"
)

// exitCode is synclog's exit status, mapped from errors in one place.
type exitCode int

const (
	exitOK         exitCode = 0   // scanned, nothing to escalate
	exitEscalate   exitCode = 1   // escalations found
	exitTrouble    exitCode = 2   // usage error, or an input not read whole
	exitCantCreate exitCode = 73  // the report or the state file cannot be written (sysexits EX_CANTCREAT)
	exitLocked     exitCode = 75  // another run holds the --state lock (sysexits EX_TEMPFAIL)
	exitInterrupt  exitCode = 130 // SIGINT or SIGTERM
)

// lockedError reports that another run holds the state lock.
type lockedError struct{ err error }

func (e *lockedError) Error() string { return e.err.Error() }
func (e *lockedError) Unwrap() error { return e.err }

// cantCreateError reports that the report or the state file could not be
// written; the previous ones are left as they were.
type cantCreateError struct{ err error }

func (e *cantCreateError) Error() string { return e.err.Error() }
func (e *cantCreateError) Unwrap() error { return e.err }

// streams is where a command reads and writes; tests inject their own.
type streams struct {
	in       io.Reader
	out      io.Writer
	errOut   io.Writer
	inTTY    bool // stdin is a terminal
	outTTY   bool // stdout is a terminal
	errTTY   bool // stderr is a terminal
	noColor  bool // NO_COLOR is set
	width    int  // stdout's width in columns when it is a terminal, else 0
	errWidth int  // stderr's width, likewise
	// paging, if not nil, is set while a pager runs in the foreground, so
	// that Main's watchdog leaves a SIGINT to the pager (see page).
	paging *atomic.Bool
	// watching, if not nil, is set while watch runs, so that Main's
	// watchdog gives it watchGrace to read what was written and print its
	// report after a signal.
	watching *atomic.Bool
}

// errUsage marks a usage error (exit 2).
var errUsage = errors.New("usage")

// usageError is a usage error with its message.
type usageError struct{ msg string }

func (e *usageError) Error() string   { return e.msg }
func (e *usageError) Is(t error) bool { return t == errUsage }

// errInputs reports that some input could not be read whole; the messages
// were already printed.
var errInputs = errors.New("some inputs could not be read whole")

// errEscalate reports that the report has escalations.
var errEscalate = errors.New("escalations found")

// Run runs synclog with args (without the program name) on the given
// streams and returns the exit status; it never exits. It is what main
// and the tests call.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(args, stdin, stdout, stderr, nil, nil)
}

// run is Run; paging and watching, if not nil, are set while a pager runs
// and while watch runs (see streams).
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, paging, watching *atomic.Bool) int {
	s := &streams{in: stdin, out: stdout, errOut: stderr, inTTY: isTerminal(stdin), outTTY: isTerminal(stdout), errTTY: isTerminal(stderr), paging: paging, watching: watching}
	_, s.noColor = os.LookupEnv("NO_COLOR")
	if f, ok := stdout.(*os.File); ok && s.outTTY {
		s.width, _, _ = term.GetSize(int(f.Fd()))
	}
	if f, ok := stderr.(*os.File); ok && s.errTTY {
		s.errWidth, _, _ = term.GetSize(int(f.Fd()))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd := newRootCmd(s)
	cmd.SetArgs(args)
	err := explainArgs(args, cmd.ExecuteContext(ctx))
	return int(exitFor(err, s))
}

// interruptGrace is how long a run may take to end once interrupted
// before Main ends the process itself; watchGrace is that for watch, for
// which a signal is the normal end: it reads what the logs hold then, and
// prints its report.
const (
	interruptGrace = time.Second
	watchGrace     = 10 * time.Second
)

// Main runs synclog as a process: Run on the standard streams, with a
// watchdog for what no cancellation can reach. A SIGINT or SIGTERM ends
// the run through its context; if the run is still going interruptGrace
// later (a write blocked on a pipe nobody reads), Main ends the process
// with exit 130. The kernel drops the --state lock with it; the state is
// left as it was, and a later run removes the -o temporary file it may
// leave. A SIGINT that comes while a pager shows the report is the
// pager's (less stays open): the watchdog lets it be, and the run ends
// when the pager does, with the report's exit status. synclog watch gets
// watchGrace instead of interruptGrace.
func Main() int {
	var paging, watching atomic.Bool
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go watchdog(sig, &paging, &watching)
	return run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, &paging, &watching)
}

// watchdog ends the process with exit 130 interruptGrace (watchGrace when
// watching is set) after a signal on sig, unless it is a SIGINT and paging
// is set, then or once the grace is over.
func watchdog(sig <-chan os.Signal, paging, watching *atomic.Bool) {
	for s := range sig {
		if s == os.Interrupt && paging.Load() {
			continue
		}
		grace := interruptGrace
		if watching.Load() {
			grace = watchGrace
		}
		time.Sleep(grace)
		if s == os.Interrupt && paging.Load() {
			continue
		}
		go fmt.Fprintln(os.Stderr, "synclog: interrupted") // stderr may be blocked too
		time.Sleep(50 * time.Millisecond)
		os.Exit(int(exitInterrupt))
	}
}

// exitFor prints err once (unless already reported) and maps it to an exit
// code. Escalations win over damaged inputs.
func exitFor(err error, s *streams) exitCode {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(s.errOut, "synclog: interrupted")
		return exitInterrupt
	case errors.Is(err, errEscalate):
		return exitEscalate
	case errors.Is(err, errInputs):
		return exitTrouble
	}
	printError(s.errOut, err.Error())
	var le *lockedError
	var ce *cantCreateError
	switch {
	case errors.As(err, &le):
		return exitLocked
	case errors.As(err, &ce):
		return exitCantCreate
	}
	return exitTrouble
}

func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
