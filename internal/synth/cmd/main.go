// Command synth writes a large synthetic Firefox Sync log and its ground
// truth:
//
//	go run ./internal/synth/cmd -bytes 1G -seed 1 -trace=true -o sync.log -truth sync.log.truth.json
//
// -layout logcat, ios or access writes the same kind of traffic as an
// Android logcat, a Firefox iOS log or an nginx access log.
//
// Sizes take a K, M or G suffix (powers of 1024). -o - writes to standard
// output.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"synclog/internal/synth"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	size := fs.String("bytes", "64M", "target size `N`, with an optional K, M or G suffix")
	seed := fs.Int64("seed", 1, "random seed: the same seed writes the same log")
	trace := fs.Bool("trace", true, "log TRACE request and response bodies (logcat: Fennec's body lines)")
	layout := fs.String("layout", synth.LayoutDesktop, "record `LAYOUT`: "+strings.Join(synth.Layouts, ", "))
	out := fs.String("o", "-", "write the log to `FILE` (- for standard output)")
	truth := fs.String("truth", "", "write the ground truth as JSON to `FILE`")
	quiet := fs.Bool("q", false, "do not print the summary line on standard error")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "synth: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	n, err := parseSize(*size)
	if err != nil {
		fmt.Fprintf(stderr, "synth: -bytes: %v\n", err)
		return 2
	}
	if !slices.Contains(synth.Layouts, *layout) {
		fmt.Fprintf(stderr, "synth: -layout: unknown layout %q (want one of %s)\n", *layout, strings.Join(synth.Layouts, ", "))
		return 2
	}
	c := synth.Config{Seed: *seed, Bytes: n, Trace: *trace, Layout: *layout}
	if err := generate(c, *out, *truth, stdout, stderr, *quiet); err != nil {
		fmt.Fprintf(stderr, "synth: %v\n", err)
		return 1
	}
	return 0
}

func generate(c synth.Config, out, truthPath string, stdout, stderr io.Writer, quiet bool) (err error) {
	w := stdout
	if out != "-" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer func() {
			if cerr := f.Close(); err == nil && cerr != nil {
				err = cerr
			}
		}()
		w = f
	}
	start := time.Now()
	t, err := synth.Write(w, c)
	if err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	el := time.Since(start)
	if truthPath != "" {
		b, err := json.MarshalIndent(t, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(truthPath, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	if !quiet {
		fmt.Fprintf(stderr, "synth: %d bytes, %d lines, %d responses, %d escalations in %.2fs (%.0f MB/s)\n",
			t.Bytes, t.Lines, t.Responses, t.Escalations, el.Seconds(), float64(t.Bytes)/1e6/el.Seconds())
	}
	return nil
}

// parseSize parses "1G", "64M", "512K" (powers of 1024) or a plain number of
// bytes; a trailing "B" or "iB" is allowed ("64MiB").
func parseSize(s string) (int64, error) {
	t := strings.TrimSuffix(strings.TrimSuffix(strings.ToUpper(strings.TrimSpace(s)), "B"), "I")
	mult := int64(1)
	if t != "" {
		switch t[len(t)-1] {
		case 'K':
			mult = 1 << 10
		case 'M':
			mult = 1 << 20
		case 'G':
			mult = 1 << 30
		case 'T':
			mult = 1 << 40
		}
		if mult > 1 {
			t = t[:len(t)-1]
		}
	}
	v, err := strconv.ParseInt(t, 10, 64)
	if err != nil || v <= 0 || v > (1<<62)/mult {
		return 0, fmt.Errorf("bad size %q (want e.g. 1G, 64M, 512K or 1048576)", s)
	}
	return v * mult, nil
}
