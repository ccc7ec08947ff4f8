package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// parseWhen reads a --since/--until value: RFC 3339 ("2025-11-24T06:00:00Z"),
// a date ("2025-11-24", midnight UTC), or a duration before now ("90m",
// "24h", "7d", "2w").
func parseWhen(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02T15:04:05", s); err == nil {
		return t, nil
	}
	unit := map[string]time.Duration{"w": 7 * 24 * time.Hour, "d": 24 * time.Hour}
	for suffix, d := range unit {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			if v, err := strconv.ParseFloat(n, 64); err == nil && v >= 0 {
				return now.Add(-time.Duration(v * float64(d))), nil
			}
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time: want RFC 3339 (2025-11-24T06:00:00Z), a date (2025-11-24) or an age (24h, 7d)", s)
}
