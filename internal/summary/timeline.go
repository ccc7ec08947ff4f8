package summary

import (
	"maps"
	"slices"
	"time"
)

// A Timeline counts failed responses per time bucket, in bounded memory.
// Buckets are aligned on the Unix epoch and their width is taken from
// bucketWidths, where each width divides the next, so that two timelines
// merge exactly: the finer one is coarsened to the other's width. When a
// Timeline holds more than MaxStoredBuckets non-empty buckets it moves to
// the next width.
type Timeline struct {
	w       int // index into bucketWidths
	buckets map[int64]Tally
	Untimed int64 // failed responses whose line carried no time
}

// Tally is one bucket: failed responses, the 503s among them, and the
// escalations among those.
type Tally struct {
	Failed, S503, Esc int64
}

func (t Tally) plus(o Tally) Tally {
	return Tally{t.Failed + o.Failed, t.S503 + o.S503, t.Esc + o.Esc}
}

// bucketWidths are the widths a timeline can have, in seconds: each divides
// the next. Past four weeks they grow fourfold (see BucketWidth).
var bucketWidths = []int64{
	1, 5, 10, 30, // seconds
	60, 5 * 60, 10 * 60, 30 * 60, // minutes
	3600, 3 * 3600, 6 * 3600, 12 * 3600, // hours
	86400, 7 * 86400, 28 * 86400, // days
}

// BucketWidth returns the width of index i, in seconds.
func BucketWidth(i int) int64 {
	if i < len(bucketWidths) {
		return bucketWidths[i]
	}
	w := bucketWidths[len(bucketWidths)-1]
	for range i - len(bucketWidths) + 1 {
		w *= 4
	}
	return w
}

// widthIndex returns the index of width w, or false when w is not one.
func widthIndex(w int64) (int, bool) {
	for i := 0; i < 64; i++ {
		switch x := BucketWidth(i); {
		case x == w:
			return i, true
		case x > w || x <= 0:
			return 0, false
		}
	}
	return 0, false
}

// Bounds of a timeline: how many non-empty buckets are kept, and how many
// buckets a report shows (it picks the finest width that shows the whole
// span in that many).
const (
	MaxStoredBuckets = 1024
	MaxShownBuckets  = 120
)

// bucketOf returns the bucket of t at width w (floor division, so that
// times before 1970 fall in the right bucket too).
func bucketOf(t time.Time, w int64) int64 {
	return floorDiv(t.Unix(), w)
}

// add counts one failed response logged at t (zero: no time).
func (tl *Timeline) add(t time.Time, is503, esc bool) {
	if t.IsZero() {
		tl.Untimed++
		return
	}
	var x Tally
	x.Failed = 1
	if is503 {
		x.S503 = 1
	}
	if esc {
		x.Esc = 1
	}
	tl.put(bucketOf(t, BucketWidth(tl.w)), x)
}

func (tl *Timeline) put(k int64, x Tally) {
	if tl.buckets == nil {
		tl.buckets = make(map[int64]Tally)
	}
	b, ok := tl.buckets[k]
	tl.buckets[k] = b.plus(x)
	if ok {
		return
	}
	for len(tl.buckets) > MaxStoredBuckets {
		tl.coarsen(tl.w + 1)
	}
}

// SetWidth empties tl and gives it buckets width seconds wide, as a report
// shows them; it reports false for a width synclog does not use. With
// PutBucket, it rebuilds a Timeline from a report.
func (tl *Timeline) SetWidth(width int64) bool {
	w, ok := widthIndex(width)
	if ok {
		tl.w, tl.buckets = w, nil
	}
	return ok
}

// PutBucket adds x to the bucket that holds time t.
func (tl *Timeline) PutBucket(t time.Time, x Tally) {
	tl.put(bucketOf(t, BucketWidth(tl.w)), x)
}

// coarsen moves tl to width index w (at least its own).
func (tl *Timeline) coarsen(w int) {
	if w <= tl.w {
		return
	}
	f := BucketWidth(w) / BucketWidth(tl.w)
	old := tl.buckets
	tl.w, tl.buckets = w, make(map[int64]Tally, len(old))
	for k, x := range old {
		nk := floorDiv(k, f)
		tl.buckets[nk] = tl.buckets[nk].plus(x)
	}
}

// merge adds o into tl; o is not changed.
func (tl *Timeline) merge(o *Timeline) {
	tl.Untimed += o.Untimed
	if len(o.buckets) == 0 {
		return
	}
	tl.coarsen(o.w)
	ow := BucketWidth(o.w)
	for _, k := range slices.Sorted(maps.Keys(o.buckets)) {
		// put may coarsen tl: take the key at tl's width each time.
		tl.put(floorDiv(k*ow, BucketWidth(tl.w)), o.buckets[k])
	}
}

// floorDiv is a/b rounded down (b > 0).
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}

// Shown returns the timeline as a report shows it: the finest width (at
// least tl's own) at which the span from the first to the last non-empty
// bucket fits in MaxShownBuckets, and every bucket of that span, empty ones
// included. It returns a nil slice when no failed response had a time.
func (tl *Timeline) Shown() (width int64, start time.Time, counts []Tally) {
	if len(tl.buckets) == 0 {
		return BucketWidth(tl.w), time.Time{}, nil
	}
	c := Timeline{w: tl.w, buckets: tl.buckets}
	for {
		lo, hi := bounds(c.buckets)
		if hi-lo < MaxShownBuckets {
			width = BucketWidth(c.w)
			counts = make([]Tally, hi-lo+1)
			for k, x := range c.buckets {
				counts[k-lo] = x
			}
			return width, time.Unix(lo*width, 0).UTC(), counts
		}
		c.coarsen(c.w + 1) // builds a new map: tl's is not changed
	}
}

// bounds returns the smallest and largest key of m (not empty).
func bounds(m map[int64]Tally) (lo, hi int64) {
	first := true
	for k := range m {
		if first || k < lo {
			lo = k
		}
		if first || k > hi {
			hi = k
		}
		first = false
	}
	return lo, hi
}
