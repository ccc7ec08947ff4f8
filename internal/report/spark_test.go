package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"synclog/internal/summary"
)

func TestSparkline(t *testing.T) {
	tl := viewTimeline{BucketSeconds: 60}
	for _, n := range []int64{1, 0, 8, 4, 16, 0, 2} {
		tl.Buckets = append(tl.Buckets, viewBucket{Failed: n, Status503: n / 2, Escalations: n / 4})
	}
	bars, esc := sparkline(&tl)
	if want := "▁ ▄▂█ ▁"; bars != want {
		t.Errorf("sparkline = %q, want %q", bars, want)
	}
	wantEsc := []bool{false, false, true, true, true, false, false}
	for i := range esc {
		if esc[i] != wantEsc[i] {
			t.Errorf("bucket %d: escalations %v, want %v", i, esc[i], wantEsc[i])
		}
	}
}

func TestBucketText(t *testing.T) {
	for sec, want := range map[int64]string{1: "1 s", 30: "30 s", 60: "1 min", 1800: "30 min", 10800: "3 h", 86400: "1 d", 604800: "7 d"} {
		if got := bucketText(sec); got != want {
			t.Errorf("bucketText(%d) = %q, want %q", sec, got, want)
		}
	}
}

// TestTextSparkline checks that the text report draws the timeline only
// on a terminal wide enough for one column per bucket.
func TestTextSparkline(t *testing.T) {
	s := summary.New(summary.Limits{})
	base := time.Date(2025, 9, 11, 20, 0, 0, 0, time.UTC)
	for i := range 50 {
		feed(s, []item{resp("f.log", i+1, base.Add(time.Duration(i*i)*time.Second), "GET", 503, "https://n1.example/", infra("server issue: pool exhausted"))})
	}
	n := len(buildView(s).Timeline.Buckets)
	if n < 2 {
		t.Fatalf("%d buckets", n)
	}
	render := func(o Options) string {
		var b bytes.Buffer
		if err := Render(&b, s, o); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	const caption = "Failed responses per "
	for _, w := range []int{0, n + 1} {
		if out := render(Options{Width: w}); strings.Contains(out, caption) {
			t.Errorf("width %d (%d buckets): sparkline drawn", w, n)
		}
	}
	out := render(Options{Width: n + sparkMargin})
	i := strings.Index(out, caption)
	if i < 0 {
		t.Fatalf("width %d: no sparkline:\n%s", n+sparkMargin, out)
	}
	lines := strings.SplitN(out[i:], "\n", 3)
	bars := lines[1]
	if !strings.HasPrefix(bars, "│") || !strings.HasSuffix(bars, "│") || len([]rune(bars)) != n+sparkMargin {
		t.Errorf("sparkline %q: want %d bars between │ and │", bars, n)
	}
	if !strings.HasPrefix(lines[0], caption+"30 s, 2025-09-11 20:00:00 to 2025-09-11 20:40:30 (UTC):") {
		t.Errorf("caption %q", lines[0])
	}
	// Escalations are red with colour on.
	if out := render(Options{Width: 200, Color: true}); !strings.Contains(out, colorEsc+"█") {
		t.Error("colour: the escalation buckets are not red")
	}
}
