package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"synclog/internal/report"
)

// printError writes msg to w after "synclog: ", one line at a time: each
// line is escaped (report.Safe), the newlines between them are kept.
func printError(w io.Writer, msg string) {
	lines := strings.Split(strings.TrimRight(msg, "\n"), "\n")
	fmt.Fprintf(w, "synclog: %s\n", report.Safe(lines[0]))
	for _, l := range lines[1:] {
		fmt.Fprintln(w, report.Safe(strings.ReplaceAll(l, "\t", "  ")))
	}
}

// flagError words a flag parsing error of cmd for a person: a bad value
// says what the flag wants instead of how Go failed to parse it, and an
// unknown flag suggests the closest one cmd has.
func flagError(cmd *cobra.Command, err error) error {
	var ive *pflag.InvalidValueError
	var nee *pflag.NotExistError
	switch {
	case errors.As(err, &ive):
		return &usageError{fmt.Sprintf("--%s %q: %s", ive.GetFlag().Name, ive.GetValue(), wantOf(ive.GetFlag(), err))}
	case errors.As(err, &nee) && nee.GetSpecifiedName() != "":
		if near := closestFlag(cmd, nee.GetSpecifiedName()); near != "" {
			return &usageError{fmt.Sprintf("%v (did you mean --%s?)", err, near)}
		}
	}
	return &usageError{err.Error()}
}

// wantOf says what values flag f takes, for the message about err.
func wantOf(f *pflag.Flag, err error) string {
	var ne *strconv.NumError
	switch {
	case errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange):
		return "out of range"
	case f.Value.Type() == "int":
		return "want a whole number"
	case f.Value.Type() == "bool":
		return "want true or false"
	}
	return "not a valid value"
}

// closestFlag returns the name of cmd's flag closest to name, at most 2
// edits away, or "" if there is none.
func closestFlag(cmd *cobra.Command, name string) string {
	best, bestD := "", 3
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		if d := levenshtein(name, f.Name); d < bestD {
			best, bestD = f.Name, d
		}
	})
	return best
}

// levenshtein returns the edit distance between a and b, in bytes.
func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// explainArgs adds a hint to the error cobra returns when the first of
// args is no command: a file of that name was meant to be scanned.
func explainArgs(args []string, err error) error {
	if err == nil || len(args) == 0 || !strings.HasPrefix(err.Error(), "unknown command ") {
		return err
	}
	if _, serr := os.Stat(args[0]); serr != nil {
		return &usageError{err.Error()}
	}
	return &usageError{fmt.Sprintf("unknown command %q; to scan the file %s: synclog scan %s", args[0], args[0], strings.Join(args, " "))}
}
