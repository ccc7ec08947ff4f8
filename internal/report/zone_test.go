package report

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"synclog/internal/summary"
)

func TestZoned(t *testing.T) {
	plus2 := time.FixedZone("CEST", 2*3600)
	tests := []struct {
		in   string
		loc  *time.Location
		want string
	}{
		{"2025-08-25T07:13:20.298Z", plus2, "2025-08-25T09:13:20.298+02:00"},
		{"2025-08-25T07:13:20.298Z", time.UTC, "2025-08-25T07:13:20.298Z"},
		{"2025-08-25T07:13:20.298Z", nil, "2025-08-25T07:13:20.298Z"},
		{"", plus2, ""},
		{"not a time", plus2, "not a time"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := zoned(tc.in, tc.loc); got != tc.want {
				t.Errorf("zoned(%q, %v) = %q, want %q", tc.in, tc.loc, got, tc.want)
			}
		})
	}
}

// TestLocation renders with Options.Location: text, Markdown and HTML show
// every time with the zone's offset, JSON keeps UTC.
func TestLocation(t *testing.T) {
	s := fixtureSummary(summary.Limits{})
	s.Filters.Since = time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	plus2 := time.FixedZone("CEST", 2*3600)
	utcTime := regexp.MustCompile(`\d\d:\d\d:\d\d\.\d\d\dZ`)
	for _, f := range []string{"text", "markdown", "html"} {
		t.Run(f, func(t *testing.T) {
			got := render(t, s, Options{Format: f, Location: plus2, Width: 200})
			got = strings.ReplaceAll(got, "&#43;", "+") // html/template's escape of +
			if m := utcTime.FindString(got); m != "" {
				t.Errorf("%s report shows a UTC time %q with --tz +02:00", f, m)
			}
			if !strings.Contains(got, "2020-01-02T05:04:05.000+02:00") {
				t.Errorf("%s report lacks --since in the zone", f)
			}
			if !strings.Contains(got, "+02:00") {
				t.Errorf("%s report shows no time in the zone:\n%s", f, got)
			}
		})
	}
	js := render(t, s, Options{Format: "json", Location: plus2})
	if strings.Contains(js, "+02:00") || !strings.Contains(js, `"since": "2020-01-02T03:04:05.000Z"`) {
		t.Errorf("JSON report is not in UTC:\n%s", js)
	}
}
