package cli

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"

	"golang.org/x/term"
)

// defaultPager is the pager of a tall report when neither SYNCLOG_PAGER
// nor PAGER is set: less quits at once if the report fits after all (-F),
// passes colours through (-R) and leaves the report on the screen (-X).
const defaultPager = "less -FRX"

// pagerCommand returns the pager to use, as git finds it: SYNCLOG_PAGER,
// else PAGER, else defaultPager. It returns "" when the one set is empty
// or "cat": no pager.
func pagerCommand(getenv func(string) (string, bool)) string {
	p, ok := getenv("SYNCLOG_PAGER")
	if !ok {
		p, ok = getenv("PAGER")
	}
	if !ok {
		p = defaultPager
	}
	if p = strings.TrimSpace(p); p == "cat" {
		return ""
	}
	return p
}

// writeOut writes the report that render makes to dst, through the pager
// when the report goes to standard output and that is a terminal, the
// format is text, --no-pager is not given, and the report is taller than
// the terminal: it has as many lines as the terminal has rows or more
// (the shell's prompt takes one more). If the pager cannot be started,
// the report is printed directly.
func (o *reportOptions) writeOut(s *streams, dst *output, render func(io.Writer) error) error {
	out, ok := s.out.(*os.File)
	if dst.name != "" || o.format != "text" || o.noPager || !s.outTTY || !ok {
		return dst.write(s.out, render)
	}
	pager := pagerCommand(os.LookupEnv)
	if pager == "" {
		return dst.write(s.out, render)
	}
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return err
	}
	_, rows, err := term.GetSize(int(out.Fd()))
	if err == nil && rows > 0 && bytes.Count(buf.Bytes(), []byte("\n")) >= rows && page(s, out, pager, buf.Bytes()) {
		return nil
	}
	return dst.write(s.out, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err })
}

// shellChars are the characters that make a pager command a shell
// command line, run with sh -c; a command without them is run directly
// (git's rule).
const shellChars = "|&;<>()$`\\\"' \t\n*?[#~=%"

// page runs pager with report on its standard input and out, the terminal,
// as its standard output, and waits for it to end. It reports whether the
// pager ran; if it did not (it could not be started, or the shell could
// not find it: status 126 or 127), nothing was shown.
//
// As git does, synclog catches SIGINT and SIGQUIT while the pager runs
// (the terminal sends them to both, and the pager handles them), and
// tells Main's watchdog not to end the process for a SIGINT: the pager
// owns the terminal until the user quits it. The pager's exit status is
// not the run's.
func page(s *streams, out *os.File, pager string, report []byte) bool {
	cmd := exec.Command(pager)
	if strings.ContainsAny(pager, shellChars) {
		cmd = exec.Command("/bin/sh", "-c", pager)
	}
	cmd.Stdin = bytes.NewReader(report)
	cmd.Stdout = out
	cmd.Stderr = s.errOut
	cmd.Env = os.Environ()
	if _, ok := os.LookupEnv("LESS"); !ok {
		cmd.Env = append(cmd.Env, "LESS=FRX")
	}
	if _, ok := os.LookupEnv("LV"); !ok {
		cmd.Env = append(cmd.Env, "LV=-c")
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGQUIT)
	defer signal.Stop(sig)
	if s.paging != nil {
		s.paging.Store(true)
		defer s.paging.Store(false)
	}
	if err := cmd.Start(); err != nil {
		return false
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) && cmd.Path == "/bin/sh" {
		switch ee.ExitCode() {
		case 126, 127:
			return false
		}
	}
	return true
}
