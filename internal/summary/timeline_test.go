package summary

import (
	"testing"
	"time"
)

// TestTimelineShownBounds checks the edge of MaxShownBuckets: a span of
// exactly that many buckets is shown at the finer width, one more is not.
func TestTimelineShownBounds(t *testing.T) {
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		last  time.Duration
		width int64
		n     int
	}{
		{(MaxShownBuckets - 1) * time.Second, 1, MaxShownBuckets},
		{MaxShownBuckets * time.Second, 5, MaxShownBuckets/5 + 1},
	} {
		var tl Timeline
		tl.add(base, false, false)
		tl.add(base.Add(tc.last), false, false)
		w, _, counts := tl.Shown()
		if w != tc.width || len(counts) != tc.n {
			t.Errorf("last at +%v: width %d, %d buckets; want %d, %d", tc.last, w, len(counts), tc.width, tc.n)
		}
	}
}

// TestTimelineStored checks that a timeline holds at most
// MaxStoredBuckets buckets however many distinct seconds it sees.
func TestTimelineStored(t *testing.T) {
	var tl Timeline
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 100000 {
		tl.add(base.Add(time.Duration(i)*time.Second), i%2 == 0, false)
		if len(tl.buckets) > MaxStoredBuckets {
			t.Fatalf("after %d events: %d buckets", i+1, len(tl.buckets))
		}
	}
	if w := BucketWidth(tl.w); w != 300 {
		t.Errorf("100000 s in at most %d buckets: width %d s, want 300", MaxStoredBuckets, w)
	}
}

func TestWidthIndex(t *testing.T) {
	for i := range 20 {
		w := BucketWidth(i)
		if j, ok := widthIndex(w); !ok || j != i {
			t.Errorf("widthIndex(%d) = %d, %v; want %d", w, j, ok, i)
		}
		if i > 0 && w%BucketWidth(i-1) != 0 {
			t.Errorf("width %d does not divide %d", BucketWidth(i-1), w)
		}
	}
	for _, w := range []int64{0, -1, 2, 7, 61, 86401} {
		if _, ok := widthIndex(w); ok {
			t.Errorf("widthIndex(%d) accepted", w)
		}
	}
}
