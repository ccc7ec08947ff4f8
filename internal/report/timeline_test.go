package report

import (
	"math/rand/v2"
	"testing"
	"time"

	"synclog/internal/classify"
	"synclog/internal/summary"

	"github.com/google/go-cmp/cmp"
)

// wantTimeline is the timeline a report must show for failed responses at
// times ts (503 when is503[i], escalated when esc[i]), computed from its
// definition rather than by coarsening: the first width of the ladder at
// which the times fall in at most summary.MaxStoredBuckets buckets and span fewer
// than summary.MaxShownBuckets.
func wantTimeline(ts []time.Time, is503, esc []bool) viewTimeline {
	v := viewTimeline{Buckets: []viewBucket{}}
	var timed []int
	for i, t := range ts {
		if t.IsZero() {
			v.Untimed++
		} else {
			timed = append(timed, i)
		}
	}
	if len(timed) == 0 {
		v.BucketSeconds = 1
		return v
	}
	for w := 0; ; w++ {
		width := summary.BucketWidth(w)
		keys := map[int64]bool{}
		lo, hi := int64(0), int64(0)
		for n, i := range timed {
			k := ts[i].Unix() / width
			if ts[i].Unix()%width < 0 {
				k--
			}
			keys[k] = true
			if n == 0 || k < lo {
				lo = k
			}
			if n == 0 || k > hi {
				hi = k
			}
		}
		if len(keys) > summary.MaxStoredBuckets || hi-lo >= summary.MaxShownBuckets {
			continue
		}
		v.BucketSeconds = width
		for k := lo; k <= hi; k++ {
			b := viewBucket{Start: time.Unix(k*width, 0).UTC().Format(timeLayout)}
			for _, i := range timed {
				if x := ts[i].Unix(); (x >= k*width) && x < (k+1)*width {
					b.Failed++
					if is503[i] {
						b.Status503++
					}
					if esc[i] {
						b.Escalations++
					}
				}
			}
			v.Buckets = append(v.Buckets, b)
		}
		return v
	}
}

// TestTimeline checks the timeline of one summary, of summaries merged in
// pieces and of their JSON reports read back, against wantTimeline, for
// incidents of a few seconds to years, with outliers before 1970 and
// responses with no time.
func TestTimeline(t *testing.T) {
	incident := time.Date(2025, 9, 11, 20, 37, 0, 0, time.UTC)
	cases := []struct {
		base time.Time
		span time.Duration
		n    int
	}{
		{incident, 0, 3000},
		{incident, 30 * time.Second, 3000},
		{incident, 2 * time.Hour, 3000},
		{incident, 100 * time.Hour, 3000},
		{incident, 90 * 24 * time.Hour, 3000},
		{incident, 20 * 365 * 24 * time.Hour, 3000},
		// Across the epoch, where bucket keys turn negative, with pieces
		// of different widths.
		{time.Unix(-1500, 0), 3000 * time.Second, 3000},
		{time.Unix(-7, 0), 200 * time.Second, 300},
	}
	for seed, tc := range cases {
		base, span := tc.base, tc.span
		r := rand.New(rand.NewPCG(uint64(seed), 7))
		n := tc.n
		ts := make([]time.Time, n)
		is503 := make([]bool, n)
		esc := make([]bool, n)
		var items []item
		for i := range ts {
			switch {
			case i%97 == 5:
				// no time
			case i == 11 && seed == 5:
				ts[i] = time.Date(1969, 12, 31, 23, 59, 58, 0, time.UTC) // before the epoch
			default:
				ts[i] = base.Add(time.Duration(r.Int64N(int64(span) + 1)))
			}
			status := []int{400, 401, 500, 503, 503}[r.IntN(5)]
			var c *classify.Class
			switch r.IntN(3) {
			case 0:
				c = infra("server issue: pool exhausted")
			case 1:
				c = &classify.Class{Kind: classify.ServerCode, Key: "14", Text: []byte("14")}
			}
			is503[i] = status == 503
			esc[i] = status == 503 && c != nil && c.Kind == classify.Infra
			items = append(items, resp("f.log", i+1, ts[i], "GET", status, "https://sync-1.example.com/1.5/1/storage/tabs", c))
		}
		want := wantTimeline(ts, is503, esc)

		one := summary.New(summary.Limits{})
		feed(one, items)
		got := buildView(one).Timeline
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("span %v: one summary (-want +got):\n%s", span, d)
		}

		// In pieces, merged, and read back from JSON and merged.
		merged, fromJSON := summary.New(summary.Limits{}), summary.New(summary.Limits{})
		for lo := 0; lo < n; {
			hi := min(n, lo+1+r.IntN(n/3))
			part := summary.New(summary.Limits{})
			feed(part, items[lo:hi])
			merged.Merge(part)
			fromJSON.Merge(roundTrip(t, part, summary.Limits{}))
			lo = hi
		}
		for name, s := range map[string]*summary.Summary{"merged": merged, "from json": fromJSON} {
			if d := cmp.Diff(want, buildView(s).Timeline); d != "" {
				t.Errorf("span %v: %s (-want +got):\n%s", span, name, d)
			}
		}
	}
}

// TestTimelineJSONErrors checks that a damaged timeline is refused.
func TestTimelineJSONErrors(t *testing.T) {
	for _, tc := range []viewTimeline{
		{BucketSeconds: 7, Buckets: []viewBucket{{Start: "2025-01-01T00:00:00Z", Failed: 1}}},
		{BucketSeconds: 60, Buckets: []viewBucket{{Start: "yesterday", Failed: 1}}},
		{BucketSeconds: 60, Buckets: []viewBucket{{Start: "2025-01-01T00:00:00Z", Failed: 1, Status503: 2}}},
		{BucketSeconds: 60, Buckets: []viewBucket{{Start: "2025-01-01T00:00:00Z", Failed: 1, Status503: 1, Escalations: -1}}},
	} {
		if _, err := timelineFromJSON(&tc); err == nil {
			t.Errorf("%+v: no error", tc)
		}
	}
}
