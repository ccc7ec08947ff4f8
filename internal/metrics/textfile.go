package metrics

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"synclog/internal/summary"
)

// The families only a textfile has: when the run that wrote it ended, and
// whether it read everything whole.
var (
	descLastRun = prometheus.NewDesc("synclog_last_run_timestamp_seconds",
		"When the synclog run that wrote this file ended, in seconds since the Unix epoch.", nil, nil)
	descLastSuccess = prometheus.NewDesc("synclog_last_run_success",
		"1 if the synclog run that wrote this file read every input whole, else 0.", nil, nil)
)

// lastRun is the collector of the two gauges of a textfile.
type lastRun struct {
	success bool
	now     time.Time
}

func (l lastRun) Describe(ch chan<- *prometheus.Desc) {
	ch <- descLastRun
	ch <- descLastSuccess
}

func (l lastRun) Collect(ch chan<- prometheus.Metric) {
	ok := 0.0
	if l.success {
		ok = 1
	}
	ch <- constMetric(descLastRun, prometheus.GaugeValue, float64(l.now.UnixMilli())/1000, "")
	ch <- constMetric(descLastSuccess, prometheus.GaugeValue, ok, "")
}

// Write writes the families of sum to w in the Prometheus text format,
// sorted by name, plus synclog_last_run_timestamp_seconds (now) and
// synclog_last_run_success (1 if success, else 0). It returns the first
// error of gathering or writing.
func Write(w io.Writer, sum *summary.Summary, success bool, now time.Time) error {
	reg := prometheus.NewRegistry()
	c := NewCollector(func(fn func(*summary.Summary)) { fn(sum) })
	if err := errors.Join(reg.Register(c), reg.Register(lastRun{success, now})); err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	for _, mf := range mfs {
		if _, err := expfmt.MetricFamilyToText(w, mf); err != nil {
			return err
		}
	}
	return nil
}

// WriteFile writes what Write writes to path, for node_exporter's
// textfile collector, atomically: into a temporary file in path's folder
// (named ".BASE.*.tmp", which the collector ignores), synced, then renamed
// over path, so that a scrape never sees half a file. The new file keeps
// the mode of the one it replaces (0644 if none). A symbolic link is
// followed, even a dangling one, and what it names replaced; a path that exists and is not a
// regular file is refused, never replaced.
func WriteFile(path string, sum *summary.Summary, success bool, now time.Time) (err error) {
	perm := fs.FileMode(0o644)
	path = resolve(path)
	switch fi, err := os.Stat(path); {
	case err == nil && !fi.Mode().IsRegular():
		return fmt.Errorf("write %s: not a regular file", path)
	case err == nil:
		perm = fi.Mode().Perm()
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close() // may be closed already; the first error is returned
			_ = os.Remove(tmp.Name())
			err = fmt.Errorf("write %s: %w", path, err)
		}
	}()
	bw := bufio.NewWriter(tmp)
	if err := Write(bw, sum, success, now); err != nil {
		return err
	}
	if err := errors.Join(bw.Flush(), tmp.Chmod(perm)); err != nil {
		return err
	}
	if err := errors.Join(tmp.Sync(), tmp.Close()); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// maxLinks is how many symbolic links resolve follows.
const maxLinks = 40

// resolve returns what path names once its symbolic links are followed,
// even a dangling one, whose missing target is the file to create; path
// itself when it is no link, or links too deep to follow (os.Stat then
// fails with the reason).
func resolve(path string) string {
	for range maxLinks {
		if p, err := filepath.EvalSymlinks(path); err == nil {
			return p
		}
		target, err := os.Readlink(path)
		if err != nil {
			return path
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		path = target
	}
	return path
}
