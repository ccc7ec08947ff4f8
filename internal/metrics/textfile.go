package metrics

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"time"

	"synclog/internal/atomicfile"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

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

// maxFileBytes is the most AddToFile reads of the file it adds to. The
// families are bounded by the key limit: 200 keys make about 30 KB.
const maxFileBytes = 16 << 20

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
	return write(w, pointsOf(sum), success, now)
}

// write is Write of the samples ps.
func write(w io.Writer, ps points, success bool, now time.Time) error {
	reg := prometheus.NewRegistry()
	if err := errors.Join(reg.Register(ps), reg.Register(lastRun{success, now})); err != nil {
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
// the mode of the one it replaces (0644 if none). A symbolic link to a
// file is followed and the file replaced (a dangling link is replaced
// itself); a path that exists and is not a regular file is refused, never
// replaced.
func WriteFile(path string, sum *summary.Summary, success bool, now time.Time) error {
	return writeFile(path, false, sum, success, now)
}

// AddToFile is WriteFile with the counters of sum added to those path
// holds: for runs that each read only what is new (scan --state), so that
// the counters keep growing from run to run as Prometheus expects. The
// labels already in path keep their place; new ones past sum's key limit
// are counted as OtherLabel. A path that does not exist, or that holds no
// Prometheus text, starts from zero: Prometheus sees a counter reset.
func AddToFile(path string, sum *summary.Summary, success bool, now time.Time) error {
	return writeFile(path, true, sum, success, now)
}

// writeFile is WriteFile, and AddToFile when add is set.
func writeFile(path string, add bool, sum *summary.Summary, success bool, now time.Time) error {
	if p, err := filepath.EvalSymlinks(path); err == nil {
		path = p
	}
	ps := pointsOf(sum)
	switch fi, err := os.Stat(path); {
	case err == nil && !fi.Mode().IsRegular():
		return fmt.Errorf("write %s: not a regular file", path)
	case err == nil:
		if add {
			old, err := readCounters(path)
			if err != nil {
				return fmt.Errorf("read %s: %w", path, bare(err))
			}
			ps = addUp(keyLimit(sum), old, ps)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("write %s: %w", path, err)
	}
	err := atomicfile.Replace(path, "."+filepath.Base(path)+".*.tmp", func(w io.Writer) error { return write(w, ps, success, now) })
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// readCounters returns the samples of the counter families in the
// Prometheus text file path: none when it holds no Prometheus text. A
// sample that is not a finite number of zero or more, or lacks its
// family's label, is left out, as are the classes of synclog_responses_total
// other than the four it has. The error is that of reading the file.
func readCounters(path string) (points, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileBytes))
	if err != nil {
		return nil, err
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	mfs, err := parser.TextToMetricFamilies(bytes.NewReader(data))
	if err != nil {
		return nil, nil
	}
	var ps points
	for _, fam := range families {
		mf := mfs[fam.name]
		if mf == nil || mf.GetType() != dto.MetricType_COUNTER {
			continue
		}
		for _, m := range mf.GetMetric() {
			label, ok := labelOf(m, fam)
			v := m.GetCounter().GetValue()
			if ok && v >= 0 && !math.IsInf(v, 1) {
				ps = append(ps, point{fam, label, v})
			}
		}
	}
	return ps, nil
}

// labelOf returns the value of fam's label in m ("" when fam has none),
// and whether m has it (with a known value, for the class label).
func labelOf(m *dto.Metric, fam *family) (string, bool) {
	if fam.label == "" {
		return "", true
	}
	for _, lp := range m.GetLabel() {
		if lp.GetName() != fam.label {
			continue
		}
		v := lp.GetValue()
		if fam == famResponses && !isClass(v) {
			return "", false
		}
		return v, v != ""
	}
	return "", false
}

// bare returns the cause of a *fs.PathError or *os.LinkError: the name
// of the temporary file means nothing to the user.
func bare(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
