package cli

import (
	"testing"
	"time"
)

func TestParseWhen(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{in: "2025-11-24T06:00:00Z", want: time.Date(2025, 11, 24, 6, 0, 0, 0, time.UTC)},
		{in: "2025-11-24T06:00:00+01:00", want: time.Date(2025, 11, 24, 5, 0, 0, 0, time.UTC)},
		{in: "2025-11-24", want: time.Date(2025, 11, 24, 0, 0, 0, 0, time.UTC)},
		{in: "2025-11-24T06:30:00", want: time.Date(2025, 11, 24, 6, 30, 0, 0, time.UTC)},
		{in: "24h", want: now.Add(-24 * time.Hour)},
		{in: "90m", want: now.Add(-90 * time.Minute)},
		{in: "7d", want: now.Add(-7 * 24 * time.Hour)},
		{in: "1.5d", want: now.Add(-36 * time.Hour)},
		{in: "2w", want: now.Add(-14 * 24 * time.Hour)},
		{in: "yesterday", bad: true},
		{in: "-3h", bad: true},
		{in: "", bad: true},
	}
	for _, tc := range tests {
		got, err := parseWhen(tc.in, now)
		if tc.bad {
			if err == nil {
				t.Errorf("parseWhen(%q) = %v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("parseWhen(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}
