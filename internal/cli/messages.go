package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
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
	var ive *pflag.InvalidValueError
	if errors.As(err, &ive) && ive.Unwrap() != nil && !isGoParseError(ive.Unwrap()) {
		return ive.Unwrap().Error() // a flag type of ours says what it wants
	}
	return "not a valid value"
}

// isGoParseError reports whether err is one of the standard library's
// parse errors, worded for a programmer.
func isGoParseError(err error) bool {
	var ne *strconv.NumError
	return errors.As(err, &ne)
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

// jsonProblem words err for a person when it is a JSON syntax or type
// error from decoding want (such as "a synclog JSON report"), and returns
// err as it is otherwise: "at byte 20: "entries.key" wants a string, not
// a number" rather than the Go types the JSON was decoded into.
func jsonProblem(err error, want string) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("not valid JSON at byte %d (%s): want %s", se.Offset, strings.TrimPrefix(se.Error(), "json: "), want)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("not valid JSON: it ends too soon: want %s", want)
	case errors.As(err, &te) && te.Field == "":
		return fmt.Errorf("a JSON %s, want %s", te.Value, want)
	case errors.As(err, &te):
		return fmt.Errorf("at byte %d: %q is %s, want %s (in %s)", te.Offset, te.Field, aJSON(te.Value), jsonKind(te.Type), want)
	}
	return err
}

// aJSON names a JSON value kind ("array") with its article.
func aJSON(kind string) string {
	if kind != "" && strings.ContainsRune("aeiou", rune(kind[0])) {
		return "an " + kind
	}
	return "a " + kind
}

// jsonKind names the JSON value that decodes into t.
func jsonKind(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "another value"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	}
	return "another value"
}
