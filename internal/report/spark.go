package report

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

// sparkLevels draw a bucket's failures relative to the busiest bucket; an
// empty bucket is a space.
var sparkLevels = []rune("▁▂▃▄▅▆▇█")

// sparkline returns one rune per bucket of tl, and which of them hold
// escalations.
func sparkline(tl *viewTimeline) (string, []bool) {
	var peak int64
	for _, x := range tl.Buckets {
		peak = max(peak, x.Failed)
	}
	var b strings.Builder
	esc := make([]bool, len(tl.Buckets))
	for i, x := range tl.Buckets {
		esc[i] = x.Escalations > 0
		if x.Failed == 0 {
			b.WriteByte(' ')
			continue
		}
		// 1..8 eighths of the peak, rounded up: any failure shows.
		lvl := (x.Failed*int64(len(sparkLevels)) + peak - 1) / peak
		b.WriteRune(sparkLevels[lvl-1])
	}
	return b.String(), esc
}

// bucketText names a bucket width: "10 s", "5 min", "3 h", "7 d".
func bucketText(sec int64) string {
	switch {
	case sec%86400 == 0:
		return fmt.Sprintf("%d d", sec/86400)
	case sec%3600 == 0:
		return fmt.Sprintf("%d h", sec/3600)
	case sec%60 == 0:
		return fmt.Sprintf("%d min", sec/60)
	}
	return fmt.Sprintf("%d s", sec)
}

// whenLine says when the failed responses happened: first and last time
// and the busiest bucket. It is "" when no failed response had a time.
func whenLine(v *view) string {
	tl := &v.Timeline
	if len(tl.Buckets) == 0 {
		return ""
	}
	var first, last string
	for _, h := range v.FailedByHost {
		if h.FirstSeen != "" && (first == "" || h.FirstSeen < first) {
			first = h.FirstSeen
		}
		last = max(last, h.LastSeen)
	}
	peak := tl.Buckets[0]
	for _, x := range tl.Buckets {
		if x.Failed > peak.Failed {
			peak = x
		}
	}
	s := fmt.Sprintf("When: failed responses from %s to %s; the busiest %s, from %s, had %d (%d HTTP 503, %d escalated).",
		zoned(first, v.loc), zoned(last, v.loc), bucketText(tl.BucketSeconds), zoned(peak.Start, v.loc), peak.Failed, peak.Status503, peak.Escalations)
	if tl.Untimed > 0 {
		s += fmt.Sprintf(" %s no time.", plural(tl.Untimed, "failed response had", "failed responses had"))
	}
	return s
}

// sparkMargin is what a sparkline line holds besides its bars: "│", "│".
const sparkMargin = 2

// textSparkline writes the timeline as a sparkline under a caption, when
// the terminal is known and wide enough for one column per bucket.
// Buckets with escalations are red when colour is on.
func textSparkline(b *bytes.Buffer, tl *viewTimeline, o Options) {
	if o.Width <= 0 || len(tl.Buckets) < 2 || len(tl.Buckets)+sparkMargin > o.Width {
		return
	}
	bars, esc := sparkline(tl)
	start, err := time.Parse(time.RFC3339Nano, tl.Buckets[0].Start)
	if err != nil {
		return
	}
	end := start.Add(time.Duration(int64(len(tl.Buckets))*tl.BucketSeconds) * time.Second)
	if o.Location != nil {
		start, end = start.In(o.Location), end.In(o.Location)
	}
	fmt.Fprintf(b, "Failed responses per %s, %s to %s (%s):\n", bucketText(tl.BucketSeconds),
		start.Format("2006-01-02 15:04:05"), end.Format("2006-01-02 15:04:05"), zoneName(o.Location))
	b.WriteString("│")
	for i, r := range []rune(bars) {
		b.WriteString(paint(string(r), colorEsc, o.Color && esc[i]))
	}
	b.WriteString("│\n")
}
