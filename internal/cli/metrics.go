package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"synclog/internal/metrics"
	"synclog/internal/summary"
)

// metricsFile is where scan --metrics writes the run's metrics for
// node_exporter's textfile collector, checked before anything is read.
type metricsFile struct {
	name string      // --metrics as given
	path string      // the file to replace: name with links resolved
	info fs.FileInfo // the file before the run; nil if there is none
	add  bool        // add the run's counts to the file's (see metrics.AddToFile)
}

// openMetrics checks the --metrics file of o, once the inputs paths are
// known and before anything is read, and returns it; nil when there is
// none. Naming standard output, an input, the -o file or the --state file,
// something that is not a regular file, or a --dry-run, is a usage error;
// a folder where no file can be created is a cantCreateError (exit 73).
//
// With --state each run reads only what is new, so the run's counts are
// added to the file's and the counters keep growing; a --dry-run would be
// counted again by the next run, so it takes no --metrics.
func (o *scanOptions) openMetrics(paths []string, stdin io.Reader) (*metricsFile, error) {
	name := o.metricsPath
	if name == "" {
		return nil, nil
	}
	m := &metricsFile{name: name, add: o.statePath != ""}
	var other string
	switch {
	case name == "-":
		return nil, &usageError{"--metrics -: want a FILE (node_exporter reads FILE.prom files from its textfile folder)"}
	case o.dryRun:
		return nil, &usageError{"--metrics cannot be used with --dry-run: the next run would count the same lines again"}
	case o.output != "" && o.output != "-" && sameFile(name, o.output):
		other = "the --output file"
	case o.statePath != "" && sameFile(name, o.statePath):
		other = "the --state file"
	}
	if other != "" {
		return nil, &usageError{fmt.Sprintf("--metrics %s is %s: they would replace each other", name, other)}
	}
	fi, err := os.Stat(name)
	switch {
	case err == nil && !fi.Mode().IsRegular():
		return nil, &usageError{fmt.Sprintf("--metrics %s: not a regular file (the metrics replace FILE through a rename)", name)}
	case err == nil:
		m.info = fi
	case !errors.Is(err, fs.ErrNotExist):
		return nil, m.fail(bare(err))
	}
	if m.info != nil {
		if in := sameAsInput(m.info, paths, stdin); in != "" {
			return nil, &usageError{fmt.Sprintf("--metrics %s is the input %s: the metrics would replace it", name, in)}
		}
	}
	path, err := resolve(name)
	if err == nil {
		err = probe(path)
	}
	if err != nil {
		return nil, m.fail(err)
	}
	m.path = path
	return m, nil
}

// write writes the metrics of sum to m (nil: nowhere); success is
// whether the run read everything whole.
func (m *metricsFile) write(sum *summary.Summary, success bool) error {
	if m == nil {
		return nil
	}
	write := metrics.WriteFile
	if m.add {
		write = metrics.AddToFile
	}
	if err := write(m.path, sum, success, time.Now()); err != nil {
		return &cantCreateError{fmt.Errorf("--metrics: %w", err)}
	}
	return nil
}

// fail returns err as the error of writing the metrics: a
// cantCreateError (exit 73), or nil if err is nil.
func (m *metricsFile) fail(err error) error {
	if err == nil {
		return nil
	}
	return &cantCreateError{fmt.Errorf("--metrics %s: %w", m.name, err)}
}
