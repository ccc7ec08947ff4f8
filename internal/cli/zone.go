package cli

import (
	"errors"
	"strings"
	"time"
)

// tzFlag is --tz: the zone in which text, Markdown and HTML reports show
// times. UTC (the default) is a nil loc.
type tzFlag struct {
	name string
	loc  *time.Location
}

func (z *tzFlag) String() string { return z.name }
func (z *tzFlag) Type() string   { return "zone" }

// Set takes "UTC", "local" (the TZ environment variable, else the
// system's zone) or an IANA zone name such as "Europe/Berlin".
func (z *tzFlag) Set(s string) error {
	switch {
	case strings.EqualFold(s, "UTC"):
		z.name, z.loc = "UTC", nil
		return nil
	case strings.EqualFold(s, "local"):
		z.name, z.loc = "local", time.Local
		return nil
	case s == "" || strings.EqualFold(s, "Local"):
		return errors.New("want UTC, local or an IANA zone name such as Europe/Berlin")
	}
	loc, err := time.LoadLocation(s)
	if err != nil {
		return errors.New("unknown time zone (want UTC, local or an IANA zone name such as Europe/Berlin)")
	}
	z.name, z.loc = s, loc
	return nil
}
